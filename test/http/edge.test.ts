import http from 'node:http';
import { expect } from 'chai';
import { domainOf, isAllowedHost } from '../../src/http/middleware/allowedHosts.js';
import { requireRedis } from '../support/redis.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { createDatabase, dropDatabase } from '../support/db.js';

/** A request with a Host header of our choosing (fetch does not let one set it). */
function requestWithHost(url: string, path: string, host: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${path}`, { headers: { host } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
    });
    req.on('error', reject);
    req.end();
  });
}

const APP_ORIGIN = 'https://app.example.com';

describe('the edge', function () {
  this.timeout(30_000);
  let api: TestApi;
  before(async function () {
    await requireRedis(this);
    api = await startTestApi({ ALLOWED_HOSTS: 'api.example.com,.example.org,127.0.0.1', CORS_ALLOWED_ORIGINS: APP_ORIGIN, BODY_LIMIT_BYTES: '2048' });
  });
  after(async () => api?.stop());

  describe('security headers', () => {
    it('come with every answer, errors included, with a CSP the Swagger UI lives within', async () => {
      for (const path of ['/healthz', '/api/does-not-exist/', '/api/resumes/']) {
        const { headers } = await api.request(path);
        expect(headers.get('x-content-type-options'), path).to.equal('nosniff');
        expect(headers.get('x-frame-options'), path).to.equal('SAMEORIGIN');
        expect(headers.get('strict-transport-security'), path).to.match(/^max-age=\d+/);
        expect(headers.get('referrer-policy'), path).to.equal('no-referrer');
        const csp = headers.get('content-security-policy') ?? '';
        expect(csp, path).to.include("default-src 'self'").and.include("style-src 'self' 'unsafe-inline'").and.include("img-src 'self' data:");
        expect(csp, path).not.to.include('upgrade-insecure-requests');
        expect(headers.get('x-powered-by'), path).to.equal(null);
      }
    });

    it("give the Swagger UI page helmet's whole set, and JSON answers only what an API response needs", async () => {
      const pageOnly = ['cross-origin-opener-policy', 'origin-agent-cluster', 'x-dns-prefetch-control', 'x-download-options', 'x-permitted-cross-domain-policies'];
      const page = await api.request('/api/docs/');
      for (const name of pageOnly) expect(page.headers.get(name), name).to.be.a('string');
      expect(page.headers.get('content-security-policy')).to.include("default-src 'self'");
      const json = await api.request('/api/ai/models/');
      for (const name of pageOnly) expect(json.headers.get(name), name).to.equal(null);
      expect(json.headers.get('x-content-type-options')).to.equal('nosniff');
    });
  });

  describe('CORS', () => {
    const preflight = (origin: string) =>
      api.request('/api/job-applications/', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });

    it('answers a preflight from a listed origin', async () => {
      const { status, headers } = await preflight(APP_ORIGIN);
      expect(status).to.equal(204);
      expect(headers.get('access-control-allow-origin')).to.equal(APP_ORIGIN);
      expect(headers.get('access-control-allow-methods')).to.include('POST');
      expect(headers.get('access-control-allow-headers')).to.equal('authorization,content-type');
      expect(headers.get('vary')).to.include('Origin');
    });

    it('gives another origin no CORS headers, so the browser refuses', async () => {
      const { headers } = await preflight('https://evil.example.net');
      expect(headers.get('access-control-allow-origin')).to.equal(null);
      expect(headers.get('access-control-allow-methods')).to.equal(null);
      const simple = await api.request('/api/ai/models/', { headers: { origin: 'https://evil.example.net' } });
      expect(simple.headers.get('access-control-allow-origin')).to.equal(null);
      expect(simple.headers.get('vary')).to.include('Origin');
    });

    it('lets a listed origin read answers, error answers included', async () => {
      const ok = await api.request('/api/ai/models/', { headers: { origin: APP_ORIGIN } });
      expect(ok.headers.get('access-control-allow-origin')).to.equal(APP_ORIGIN);
      expect(ok.headers.get('access-control-expose-headers')).to.include('X-Cache-Status');
      const denied = await api.request('/api/resumes/', { headers: { origin: APP_ORIGIN } });
      expect(denied.status).to.equal(401);
      expect(denied.headers.get('access-control-allow-origin')).to.equal(APP_ORIGIN);
    });
  });

  describe('ALLOWED_HOSTS', () => {
    it('answers a foreign Host with 400 in the error shape', async () => {
      for (const host of ['evil.com', 'api.example.com.evil.com', 'example.org.evil.com', 'bad host!']) {
        const { status, body } = await requestWithHost(api.url, '/api/ai/models/', host);
        expect(status, host).to.equal(400);
        expect(body, host).to.deep.equal({ error: 'Invalid Host header.', code: 'invalid', detail: 'Invalid Host header.' });
      }
    });

    it('serves listed hosts whatever the port and case, and a leading dot takes subdomains', async () => {
      for (const host of ['api.example.com', 'API.Example.COM:8443', 'example.org', 'eu.api.example.org:80', 'api.example.com.', '127.0.0.1:9']) {
        expect((await requestWithHost(api.url, '/api/ai/models/', host)).status, host).to.equal(200);
      }
    });

    it('lets probes and the scraper in by any Host', async () => {
      for (const path of ['/healthz', '/readyz', '/metrics']) {
        expect((await new Promise<number>((resolve, reject) => {
          http.get(`${api.url}${path}`, { headers: { host: '10.1.2.3:8000' } }, (res) => resolve(res.resume().statusCode ?? 0)).on('error', reject);
        })), path).to.equal(200);
      }
    });

    it('matches as Django does', () => {
      expect(domainOf('[::1]:8000')).to.equal('[::1]');
      expect(domainOf('Example.COM.')).to.equal('example.com');
      expect(domainOf('exa mple.com')).to.equal('');
      expect(isAllowedHost('[::1]', ['[::1]'])).to.equal(true);
      expect(isAllowedHost('anything.test', ['*'])).to.equal(true);
      expect(isAllowedHost('notexample.org', ['.example.org'])).to.equal(false);
      expect(isAllowedHost('', ['*'])).to.equal(false);
    });
  });

  describe('body limit', () => {
    it('refuses a larger body with 413 in the error shape', async () => {
      const { status, body } = await api.post('/api/auth/register/', { username: 'x'.repeat(4096) });
      expect(status).to.equal(413);
      expect(body).to.deep.equal({ error: 'Request body is too large.', code: 'payload_too_large', detail: 'Request body is too large.' });
    });
  });

  describe('request timeout', () => {
    it('answers a request still running after REQUEST_TIMEOUT_MS with 503 in the error shape', async () => {
      // A write waits for its read model; on a database of its own, where no projector runs
      // once the registrar has stopped, that wait outlasts the timeout.
      const database = await createDatabase('resumate_timeout');
      const registrar = await startTestApi({ DATABASE_URL: database.url });
      const user = await registrar.newUser();
      await registrar.stop();
      const stalled = await startTestApi({ DATABASE_URL: database.url, RUN_PROJECTIONS: 'false', REQUEST_TIMEOUT_MS: '300', PROJECTION_WAIT_TIMEOUT_MS: '3000' });
      try {
        const { status, body } = await stalled.request('/api/job-applications/', {
          method: 'POST',
          headers: { authorization: `Bearer ${user.access}`, 'content-type': 'application/json' },
          body: JSON.stringify({ job_title: 'Engineer', company_name: 'Acme' }),
        });
        expect(status).to.equal(503);
        const message = 'The request took too long to process. Try again later.';
        expect(body).to.deep.equal({ error: message, code: 'service_unavailable', detail: message });
      } finally {
        await stalled.stop();
        await dropDatabase(database.name);
      }
    });
  });
});
