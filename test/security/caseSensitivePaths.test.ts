import { expect } from 'chai';
import { routersOf } from '../../src/http/app.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { expectApiError } from '../support/apiError.js';
import { requireRedis } from '../support/redis.js';

/** DRF's URL patterns are case-sensitive: `/API/resumes/` names nothing (issue 14, item 10). */
describe('security: paths match case-sensitively, as in Django', function () {
  this.timeout(30_000);
  let api: TestApi;
  before(async function () {
    await requireRedis(this);
    api = await startTestApi();
  });
  after(async () => api?.stop());

  it('answers 404 to a path that differs from a route only in case', async () => {
    const user = await api.newUser();
    for (const path of ['/API/resumes/', '/api/Resumes/', '/api/resumes/1/HISTORY/', '/api/AI/models/', '/api/Example-Job-Applications/', '/Healthz', '/METRICS', '/api/Auth/token/']) {
      const response = await user.get(path);
      expect(response.status, path).to.equal(404);
      expectApiError(response);
      expect(response.body, path).to.include({ code: 'not_found' });
    }
    expect((await user.get('/api/resumes/')).status).to.equal(200);
  });

  it('declares every route of the server case-sensitive', () => {
    const routers = routersOf.get(api.server.app) ?? [];
    expect(routers).to.not.have.length(0);
    for (const router of routers) {
      for (const layer of router.stack) expect(layer.opts.sensitive, String(layer.path)).to.equal(true);
    }
  });
});
