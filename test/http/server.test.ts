import { expect } from 'chai';
import { DisposableRedis, requireRedis } from '../support/redis.js';
import { startTestApi, type TestApi } from '../support/api.js';

describe('the assembled server', function () {
  this.timeout(30_000);

  describe('with PostgreSQL and Redis up', () => {
    let api: TestApi;
    before(async function () {
      await requireRedis(this);
      api = await startTestApi();
    });
    after(async () => api?.stop());

    it('is live', async () => {
      const { status, body } = await api.request('/healthz');
      expect(status).to.equal(200);
      expect(body).to.deep.equal({ status: 'ok' });
    });

    it('is ready, having checked each dependency', async () => {
      const { status, body } = await api.request('/readyz');
      expect(status).to.equal(200);
      expect(body).to.deep.equal({ status: 'ready', checks: { postgres: 'ok', eventstore: 'ok', projections: 'ok', redis: 'ok' } });
    });

    it('answers an unknown API path with a JSON 404', async () => {
      const { status, body } = await api.request('/api/does-not-exist/');
      expect(status).to.equal(404);
      expect(body).to.deep.equal({ error: 'Not found.', code: 'not_found', detail: 'Not found.' });
    });
  });

  describe('when Redis goes down', () => {
    let api: TestApi;
    let redis: DisposableRedis;
    before(async function () {
      redis = await DisposableRedis.start(this);
      api = await startTestApi({ REDIS_URL: redis.url });
    });
    after(async () => {
      await api?.stop();
      await redis?.stop();
    });

    it('reports not ready with 503 naming redis, and stays live', async () => {
      expect((await api.request('/readyz')).status).to.equal(200);
      await redis.stop();
      const { status, body } = await api.request('/readyz');
      expect(status).to.equal(503);
      expect(body).to.include({ code: 'service_unavailable', error: 'Not ready: redis.' });
      expect((body as { checks: Record<string, string> }).checks).to.include({ postgres: 'ok', eventstore: 'ok' });
      expect((body as { checks: Record<string, string> }).checks.redis).to.match(/^down: /);
      expect((await api.request('/healthz')).status).to.equal(200);
    });
  });
});
