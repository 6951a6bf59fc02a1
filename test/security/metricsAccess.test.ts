import { expect } from 'chai';
import { startTestApi, type TestApi } from '../support/api.js';
import { expectApiError } from '../support/apiError.js';
import { freePort } from '../support/net.js';
import { requireRedis } from '../support/redis.js';

const TOKEN = 'scrape-token-0123456789abcdef';

/** /metrics can be kept from the public (issue 14, item 10): a bearer token, or a listen address of its own. */
describe('security: who may read /metrics', function () {
  this.timeout(60_000);
  before(async function () {
    await requireRedis(this);
  });

  describe('METRICS_TOKEN', () => {
    let api: TestApi;
    before(async () => {
      api = await startTestApi({ METRICS_TOKEN: TOKEN });
    });
    after(async () => api?.stop());

    const scrape = (headers: Record<string, string> = {}) => api.request<unknown>('/metrics', { headers });

    it('refuses a scrape without the token, or with another, in the error shape', async () => {
      const cases = [
        [{}, 'not_authenticated'],
        [{ authorization: 'Bearer wrong-token' }, 'authentication_failed'],
        [{ authorization: `Bearer ${TOKEN}x` }, 'authentication_failed'],
        [{ authorization: `Basic ${Buffer.from(`prometheus:${TOKEN}`).toString('base64')}` }, 'not_authenticated'],
      ] as const;
      for (const [headers, code] of cases) {
        const refused = await scrape(headers);
        expect(refused.status, JSON.stringify(headers)).to.equal(401);
        expectApiError(refused);
        expect(refused.body).to.include({ code });
        expect(JSON.stringify(refused.body)).not.to.include('resumate_');
      }
    });

    it('answers the scraper that sends it', async () => {
      const { status, headers, body } = await scrape({ authorization: `Bearer ${TOKEN}` });
      expect(status).to.equal(200);
      expect(headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
      expect(body).to.be.a('string').and.include('resumate_http_request_duration_seconds');
    });

    it('is not a user’s JWT: a user’s access token is refused', async () => {
      const user = await api.newUser();
      const refused = await user.get('/metrics');
      expect(refused.status).to.equal(401);
      expect(refused.body).to.include({ code: 'authentication_failed' });
    });
  });

  describe('METRICS_PORT', () => {
    let api: TestApi;
    before(async () => {
      api = await startTestApi({ METRICS_PORT: String(await freePort()), METRICS_HOST: '127.0.0.1' });
    });
    after(async () => api?.stop());

    it('serves /metrics on its own port only', async () => {
      const onApi = await api.request('/metrics');
      expect(onApi.status).to.equal(404);
      expectApiError(onApi);
      const metricsUrl = api.server.metricsUrl;
      expect(metricsUrl).to.be.a('string');
      const scraped = await fetch(`${metricsUrl}/metrics`);
      expect(scraped.status).to.equal(200);
      expect(await scraped.text()).to.include('resumate_http_request_duration_seconds');
    });

    it('serves nothing else there', async () => {
      const other = await fetch(`${api.server.metricsUrl}/api/resumes/`);
      expect(other.status).to.equal(404);
      expect(await other.json()).to.include({ code: 'not_found' });
    });
  });
});
