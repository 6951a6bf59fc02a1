import http from 'node:http';
import { expect } from 'chai';
import { requireRedis } from '../support/redis.js';
import { startTestApi, type TestApi } from '../support/api.js';

interface RawAnswer {
  status: number;
  /** Header names in the order they were sent, lower-cased. */
  order: string[];
  headers: http.IncomingHttpHeaders;
  body: string;
}

function get(url: string, path: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${path}`, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, order: res.rawHeaders.filter((_, i) => i % 2 === 0).map((h) => h.toLowerCase()), headers: res.headers, body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * The app sets X-Request-Id in its first middleware, the lane after the fixed headers: the
 * first header sent tells which one answered.
 */
const answeredByLane = (answer: RawAnswer) => answer.order[0] !== 'x-request-id';

const comparable = ({ headers }: RawAnswer) => {
  const { date: _date, 'x-request-id': _id, ...rest } = headers;
  return rest;
};

const APP_ORIGIN = 'https://app.example.com';
const LISTS = ['/api/ai/models/', '/api/example-job-applications/'];

describe('the cached-list lane', function () {
  this.timeout(30_000);
  let api: TestApi;
  before(async function () {
    await requireRedis(this);
    api = await startTestApi({ ALLOWED_HOSTS: '127.0.0.1,api.example.com', CORS_ALLOWED_ORIGINS: APP_ORIGIN });
    for (const path of LISTS) expect((await get(api.url, path)).headers['x-cache-status']).to.equal('MISS');
  });
  after(async () => api?.stop());

  it('answers a HIT with the status, headers and bytes the app sends', async () => {
    for (const path of [...LISTS, ...LISTS.map((p) => p.slice(0, -1))]) {
      const lane = await get(api.url, path);
      const app = await get(api.url, `${path}?via=app`);
      expect(answeredByLane(lane), path).to.equal(true);
      expect(answeredByLane(app), path).to.equal(false);
      expect(lane.status).to.equal(200);
      expect(lane.headers['x-cache-status']).to.equal('HIT');
      expect(comparable(lane), path).to.deep.equal(comparable(app));
      expect(lane.body, path).to.equal(app.body);
      expect(JSON.parse(lane.body)).to.have.property('cache_status', 'HIT (Response from Redis cache)');
      expect(lane.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
    }
  });

  it('keeps a sane incoming X-Request-Id and replaces any other', async () => {
    expect((await get(api.url, LISTS[0]!, { 'x-request-id': 'trace-42.a_b' })).headers['x-request-id']).to.equal('trace-42.a_b');
    expect((await get(api.url, LISTS[0]!, { 'x-request-id': 'bad id; with spaces' })).headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
  });

  it('leaves the app everything else: tokens, CORS origins, hosts it does not serve, other methods', async () => {
    const badToken = await get(api.url, LISTS[0]!, { authorization: 'Bearer not-a-token' });
    expect(badToken.status).to.equal(401);
    expect(JSON.parse(badToken.body)).to.have.property('code', 'token_not_valid');

    const fromApp = await get(api.url, LISTS[0]!, { origin: APP_ORIGIN });
    expect(answeredByLane(fromApp)).to.equal(false);
    expect(fromApp.headers['access-control-allow-origin']).to.equal(APP_ORIGIN);

    const foreignHost = await get(api.url, LISTS[0]!, { host: 'evil.example.net' });
    expect(foreignHost.status).to.equal(400);
    expect(JSON.parse(foreignHost.body)).to.deep.include({ detail: 'Invalid Host header.' });

    const servedHost = await get(api.url, LISTS[0]!, { host: 'api.example.com' });
    expect(answeredByLane(servedHost)).to.equal(true);

    const post = await api.post('/api/ai/models/', {});
    expect(post.status).to.equal(405);
  });

  it('counts its answers in the request metric and the cache lookups like the app does', async () => {
    const count = async (pattern: RegExp) => {
      const text = (await api.request<string>('/metrics')).body;
      return Number(pattern.exec(text)?.[1] ?? 0);
    };
    const requests = /resumate_http_request_duration_seconds_count\{[^}]*route="\/api\/ai\/models"[^}]*status="200"[^}]*\} (\d+)/;
    const hits = /resumate_cache_lookups_total\{[^}]*list="ai_models_list"[^}]*outcome="hit"[^}]*\} (\d+)/;
    const [requestsBefore, hitsBefore] = [await count(requests), await count(hits)];
    for (let i = 0; i < 5; i++) expect(answeredByLane(await get(api.url, LISTS[0]!))).to.equal(true);
    expect(await count(requests)).to.equal(requestsBefore + 5);
    expect(await count(hits)).to.equal(hitsBefore + 5);
  });

  it('hands a MISS to the app, which loads and stores the list', async () => {
    await api.server.infrastructure.lists.invalidate(['ai_models_list']);
    const miss = await get(api.url, LISTS[0]!);
    expect(answeredByLane(miss)).to.equal(false);
    expect(miss.headers['x-cache-status']).to.equal('MISS');
    const hit = await get(api.url, LISTS[0]!);
    expect(answeredByLane(hit)).to.equal(true);
    expect(hit.body).to.equal(miss.body.replace('MISS (Response from database)', 'HIT (Response from Redis cache)'));
  });
});
