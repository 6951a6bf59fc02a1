import { request as httpRequest } from 'node:http';
import { expect } from 'chai';
import { openApiPath } from '../../src/http/openapi/document.js';
import { API_ROOT_ENTRIES } from '../../src/http/routes/apiRoot.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { requireRedis } from '../support/redis.js';

type Root = Record<string, string>;

/** A GET with headers fetch() will not send (Host). */
function getWithHeaders(url: string, headers: Record<string, string>): Promise<{ status: number; body: Root }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Root }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('GET /api/ (API root)', function () {
  this.timeout(30_000);
  let api: TestApi;

  before(async function () {
    await requireRedis(this);
    api = await startTestApi({ TRUST_PROXY: 'true' });
  });
  after(() => api?.stop());

  it('maps each resource name to its absolute URL, resumes first as in the original', async () => {
    const { status, body } = await api.request<Root>('/api/');
    expect(status).to.equal(200);
    expect(Object.keys(body)[0]).to.equal('resumes');
    expect(body.resumes).to.equal(`${api.url}/api/resumes/`);
    expect(body['job-applications']).to.equal(`${api.url}/api/job-applications/`);
    expect(body.schema).to.equal(`${api.url}/api/schema/`);
    expect(body.docs).to.equal(`${api.url}/api/docs/`);
  });

  it('answers without the trailing slash too; anonymous is welcome, a bad token is a 401 as in the original', async () => {
    expect((await api.request('/api')).status).to.equal(200);
    const badToken = await api.request('/api/', { headers: { authorization: 'Bearer not-a-token' } });
    expect(badToken.status).to.equal(401);
    expect(badToken.body).to.include({ code: 'token_not_valid' });
  });

  it('builds the URLs from the request’s Host and, behind a trusted proxy, X-Forwarded-Proto', async () => {
    const plain = await getWithHeaders(`${api.url}/api/`, { host: 'resumate.example:8443' });
    expect(plain.body.resumes).to.equal('http://resumate.example:8443/api/resumes/');
    const proxied = await getWithHeaders(`${api.url}/api/`, { host: 'resumate.example', 'x-forwarded-proto': 'https' });
    expect(proxied.status).to.equal(200);
    expect(proxied.body['ai-models']).to.equal('https://resumate.example/api/ai/models/');
  });

  it('lists only URLs that the OpenAPI document describes', async () => {
    const { body: doc } = await api.request<{ paths: Record<string, Record<string, unknown>> }>('/api/schema/');
    for (const [name, path] of API_ROOT_ENTRIES) {
      const operations = doc.paths[path];
      expect(operations, `${name}: ${path}`).to.not.equal(undefined);
    }
    expect(Object.keys(doc.paths)).to.include(openApiPath('/api'));
  });

  it('links resources that answer: the public ones with a 200, the others asking for credentials', async () => {
    const { body } = await api.request<Root>('/api/');
    for (const [name, url] of Object.entries(body)) {
      const { status } = await api.request(new URL(url).pathname);
      expect([200, 401, 405], `${name}: ${url} answered ${status}`).to.include(status);
    }
  });
});
