import { request as httpRequest } from 'node:http';
import { expect } from 'chai';
import { configureAiModel } from '../../src/commands/aiModels.js';
import { newAiModelSettings } from '../../src/domain/aiModel/index.js';
import { commandDeps } from '../../src/server.js';
import { startTestApi, uniqueName, type TestApi } from '../support/api.js';
import { expectApiError } from '../support/apiError.js';
import { requireRedis } from '../support/redis.js';

const USER_INPUT = 'Software engineer with 5 years experience in Python, Django, React. Expert in cloud deployment.';

/**
 * The client's address behind proxies (issue 14, item 4) and the forwarded scheme and host (item 10).
 * Every request here comes from 127.0.0.1, which plays the proxy: an nginx with
 * `X-Forwarded-For $proxy_add_x_forwarded_for` appends the address it saw to whatever the
 * client wrote, so the client controls every entry left of the last one it could not forge.
 */
describe('security: client addresses and forwarded headers behind proxies', function () {
  this.timeout(60_000);
  before(async function () {
    await requireRedis(this);
  });

  /** What nginx forwards for a client at `client` that sent `X-Forwarded-For: <spoofed>`. */
  const appended = (spoofed: string, client: string) => ({ 'x-forwarded-for': `${spoofed}, ${client}` });

  const addOfflineModel = async (api: TestApi, dailyLimit: number) => {
    const name = uniqueName('Proxied');
    const settings = newAiModelSettings({ display_name: name, model_name: 'offline', api_provider: 'offline', daily_limit: dailyLimit });
    await configureAiModel(commandDeps(api.server.infrastructure), settings, { userId: null, requestId: 'test', at: new Date().toISOString() });
    return name;
  };
  const generate = (api: TestApi, model: string, headers: Record<string, string>) =>
    api.post('/api/ai/generate/', { model, user_input: USER_INPUT }, headers);
  const usedToday = async (api: TestApi, model: string, headers: Record<string, string>) => {
    const quota = await api.request<{ model: string; used_today: number }[]>('/api/ai/quota/', { headers });
    return quota.body.find((q) => q.model === model)?.used_today;
  };

  describe('TRUST_PROXY=True: one proxy in front', () => {
    let api: TestApi;
    before(async () => {
      api = await startTestApi({ TRUST_PROXY: 'True', THROTTLE_REGISTRATIONS_PER_IP: '2' });
    });
    after(async () => api?.stop());

    it('counts the anonymous AI quota per real client, whatever it writes leftmost', async () => {
      const model = await addOfflineModel(api, 2);
      const statuses = [];
      for (let i = 1; i <= 5; i++) statuses.push((await generate(api, model, appended(`203.0.113.${i}`, '198.51.100.7'))).status);
      expect(statuses).to.deep.equal([201, 201, 429, 429, 429]);
      expect(await usedToday(api, model, appended('192.0.2.99', '198.51.100.7'))).to.equal(2);
      // Another client behind the same proxy has its own quota.
      expect(await usedToday(api, model, appended('198.51.100.7', '198.51.100.8'))).to.equal(0);
      expect((await generate(api, model, appended('198.51.100.7', '198.51.100.8'))).status).to.equal(201);
    });

    it('throttles registrations per real client, whatever it writes leftmost', async () => {
      const register = (spoofed: string) => {
        const username = uniqueName('crowd');
        const body = { username, email: `${username}@example.com`, password: 'Correct-Horse-42', password2: 'Correct-Horse-42' };
        return api.post('/api/auth/register/', body, appended(spoofed, '198.51.100.20'));
      };
      expect((await register('203.0.113.1')).status).to.equal(201);
      expect((await register('203.0.113.2')).status).to.equal(201);
      const refused = await register('203.0.113.3');
      expect(refused.status).to.equal(429);
      expectApiError(refused);
    });
  });

  describe('TRUST_PROXY as addresses and CIDRs', () => {
    let api: TestApi;
    let model: string;
    before(async () => {
      // The load balancer (10.0.0.0/8) forwards to a sidecar on loopback, which forwards to us.
      api = await startTestApi({ TRUST_PROXY: 'loopback, 10.0.0.0/8' });
      model = await addOfflineModel(api, 5);
      expect((await generate(api, model, { 'x-forwarded-for': '203.0.113.1, 198.51.100.30, 10.1.2.3' })).status).to.equal(201);
    });
    after(async () => api?.stop());

    it('takes the rightmost address that is not a trusted proxy', async () => {
      expect(await usedToday(api, model, { 'x-forwarded-for': '192.0.2.1, 198.51.100.30, 10.9.9.9' })).to.equal(1);
      expect(await usedToday(api, model, { 'x-forwarded-for': '198.51.100.30, 198.51.100.31, 10.1.2.3' })).to.equal(0);
    });

    it('with a hop count as well, the same client', async () => {
      const hops = await startTestApi({ TRUST_PROXY: '2' });
      try {
        const name = await addOfflineModel(hops, 5);
        expect((await generate(hops, name, { 'x-forwarded-for': '203.0.113.1, 198.51.100.30, 10.1.2.3' })).status).to.equal(201);
        expect(await usedToday(hops, name, { 'x-forwarded-for': '192.0.2.1, 198.51.100.30, 10.9.9.9' })).to.equal(1);
      } finally {
        await hops.stop();
      }
    });
  });

  describe('TRUST_PROXY unset: the socket is the client', () => {
    let api: TestApi;
    before(async () => {
      api = await startTestApi();
    });
    after(async () => api?.stop());

    it('ignores X-Forwarded-For entirely', async () => {
      const model = await addOfflineModel(api, 1);
      expect((await generate(api, model, { 'x-forwarded-for': '203.0.113.1' })).status).to.equal(201);
      expect((await generate(api, model, { 'x-forwarded-for': '203.0.113.2' })).status).to.equal(429);
    });
  });

  describe('X-Forwarded-Proto and X-Forwarded-Host', () => {
    const root = (api: TestApi, headers: Record<string, string>) => getWithHeaders(`${api.url}/api/`, { host: 'resumate.example', ...headers });

    it('behind a trusted proxy, makes URLs https only for exactly "https" (Django’s SECURE_PROXY_SSL_HEADER)', async () => {
      const api = await startTestApi({ TRUST_PROXY: '1' });
      try {
        expect((await root(api, { 'x-forwarded-proto': 'https' })).body.resumes).to.equal('https://resumate.example/api/resumes/');
        expect((await root(api, { 'x-forwarded-proto': 'https, http' })).body.resumes).to.equal('https://resumate.example/api/resumes/');
        for (const proto of ['javascript', 'HTTPS', 'ftp', 'https:', 'http, https', 'https://evil.example/#']) {
          const answer = await root(api, { 'x-forwarded-proto': proto });
          expect(answer.status, proto).to.equal(200);
          expect(answer.body.resumes, proto).to.equal('http://resumate.example/api/resumes/');
        }
      } finally {
        await api.stop();
      }
    });

    it('from a peer that is not a trusted proxy, ignores X-Forwarded-Proto and X-Forwarded-Host', async () => {
      const api = await startTestApi({ TRUST_PROXY: '10.0.0.0/8', ALLOWED_HOSTS: 'resumate.example' });
      try {
        const answer = await root(api, { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example' });
        expect(answer.status).to.equal(200);
        expect(answer.body.resumes).to.equal('http://resumate.example/api/resumes/');
      } finally {
        await api.stop();
      }
    });

    it('checks the host the same way on the cached lists’ lane as in the app', async () => {
      const api = await startTestApi({ TRUST_PROXY: '1', ALLOWED_HOSTS: 'resumate.example' });
      try {
        const list = (headers: Record<string, string>) => getWithHeaders(`${api.url}/api/ai/models/`, headers);
        for (let i = 0; i < 2; i++) {
          // twice: a MISS (the app answers) then a HIT (the lane answers)
          expect((await list({ host: 'evil.example', 'x-forwarded-host': 'resumate.example' })).status).to.equal(200);
          expect((await list({ host: 'resumate.example', 'x-forwarded-host': 'evil.example' })).status).to.equal(400);
        }
        const hit = await list({ host: 'evil.example', 'x-forwarded-host': 'resumate.example' });
        expect(hit.headers['x-cache-status']).to.equal('HIT');
      } finally {
        await api.stop();
      }
    });
  });
});

/** A GET with headers fetch() will not send (Host). */
function getWithHeaders(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Record<string, string> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) as Record<string, string> }));
    });
    req.on('error', reject);
    req.end();
  });
}
