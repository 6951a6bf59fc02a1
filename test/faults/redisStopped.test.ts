import { expect } from 'chai';
import { startTestApi, type TestApi, type TestUser } from '../support/api.js';
import { exchange, sleep, startLoad, type Exchange } from '../support/faultLoad.js';
import { requireRedis } from '../support/redis.js';
import { expectErrorShape } from './consistency.js';
import { RestartableRedis } from './redisServer.js';

const CACHED = ['/api/ai/models/', '/api/example-job-applications/'];
const cacheStatus = (x: Exchange) => x.headers.get('x-cache-status');

/**
 * Redis killed under read load and started again on the same port, under one API that is never
 * restarted. The policy is README's: cached lists BYPASS, login throttling fails open, the
 * refresh-token blacklist fails closed (503). Single-request BYPASS and /readyz are proven in
 * test/http/examples.test.ts and test/http/server.test.ts; this adds load and recovery.
 */
describe('fault: Redis stopped under load, then back', function () {
  this.timeout(120_000);
  let redis: RestartableRedis;
  let api: TestApi;
  let user: TestUser;

  before(async function () {
    await requireRedis(this); // redis-server must exist where a Redis is required
    redis = await RestartableRedis.start();
    api = await startTestApi({ REDIS_URL: redis.url, THROTTLE_LOGIN_FAILURES_PER_USERNAME: '3' });
    user = await api.newUser();
  });
  after(async () => {
    await api?.stop();
    await redis?.stop();
  });

  const failLogin = () => exchange('login', `${api.url}/api/auth/token/`, { method: 'POST', body: { username: user.username, password: 'wrong-password-1' } });
  const login = () => exchange('login', `${api.url}/api/auth/token/`, { method: 'POST', body: { username: user.username, password: user.password } });
  const refresh = (token: string) => exchange('refresh', `${api.url}/api/auth/token/refresh/`, { method: 'POST', body: { refresh: token } });

  it('serves cached lists as BYPASS, fails login throttling open and the blacklist closed, and recovers HIT/MISS without a restart', async () => {
    const reads = startLoad(6, (w, i) => exchange('list', `${api.url}${CACHED[(w + i) % CACHED.length]!}`), { pauseMs: 10 });
    await sleep(500);
    // Redis up: the throttle counts; after 3 failures even the right password is refused.
    for (let i = 0; i < 3; i++) expect((await failLogin()).status).to.equal(401);
    expectErrorShape(await login(), 429, 'throttled');

    const stopped = performance.now();
    await redis.stop();
    await sleep(300);
    const duringOutage = performance.now();
    const loginWhileDown = await login();
    const tokens = loginWhileDown.body as { refresh: string };
    const refreshWhileDown = await refresh(tokens.refresh);
    await sleep(1500);
    const restarting = performance.now();
    await redis.start();
    const up = performance.now();

    let recovered: Exchange | undefined;
    while (!recovered && performance.now() - up < 30_000) {
      await sleep(100);
      recovered = reads.seen.find((x) => x.startedAt > up && cacheStatus(x) !== 'BYPASS');
    }
    await sleep(500);
    const all = await reads.stop();
    const outageReads = all.filter((x) => x.startedAt > duringOutage && x.startedAt + x.ms < restarting);
    const recoveredAt = recovered ? recovered.startedAt + recovered.ms - up : NaN;
    console.log(`      ${all.length} cached reads; ${outageReads.length} during the outage (slowest ${Math.max(...outageReads.map((x) => x.ms)).toFixed(0)} ms), first HIT/MISS ${recoveredAt.toFixed(0)} ms after Redis was back`);

    expect(all.filter((x) => x.status !== 200).map((x) => `${x.status} ${JSON.stringify(x.body)}`), 'every cached read answers 200').to.deep.equal([]);
    expect(all.filter((x) => x.startedAt + x.ms < stopped).every((x) => ['HIT', 'MISS'].includes(cacheStatus(x) ?? '')), 'HIT/MISS before').to.equal(true);
    expect(outageReads.length, 'reads during the outage').to.be.greaterThan(0);
    expect(outageReads.map(cacheStatus).filter((s) => s !== 'BYPASS'), 'every read during the outage is a BYPASS').to.deep.equal([]);
    expect(outageReads.every((x) => (x.body as { cache_status: string }).cache_status.startsWith('BYPASS')), 'the body says BYPASS too').to.equal(true);

    expect(loginWhileDown.status, 'throttling fails open: the throttled user logs in').to.equal(200);
    expectErrorShape(refreshWhileDown, 503, 'service_unavailable');

    expect(recovered, 'HIT/MISS come back without restarting the API').to.not.equal(undefined);
    const after = all.filter((x) => x.startedAt > recovered!.startedAt);
    expect(after.map(cacheStatus).filter((s) => s === 'BYPASS'), 'no BYPASS once recovered').to.deep.equal([]);
    // The blacklist and the throttle work again (the restarted Redis is empty: the count starts over).
    expect((await refresh(tokens.refresh)).status).to.equal(200);
    for (let i = 0; i < 3; i++) expect((await failLogin()).status).to.equal(401);
    expectErrorShape(await login(), 429, 'throttled');
  });
});
