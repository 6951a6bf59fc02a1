import { expect } from 'chai';
import { startTestApi, uniqueName, type TestApi } from '../support/api.js';
import { requireRedis } from '../support/redis.js';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe('auth hardening', function () {
  this.timeout(60_000);
  before(async function () {
    await requireRedis(this);
  });

  describe('throttling', () => {
    let api: TestApi;
    before(async () => {
      api = await startTestApi({
        THROTTLE_LOGIN_FAILURES_PER_USERNAME: '3',
        THROTTLE_LOGIN_FAILURES_PER_IP: '6',
        THROTTLE_LOGIN_WINDOW_S: '120',
        THROTTLE_REGISTRATIONS_PER_IP: '3',
      });
    });
    after(async () => api?.stop());

    it('throttles failed logins per username with DRF’s 429 text and Retry-After', async () => {
      const user = await api.newUser();
      for (let i = 0; i < 3; i++) expect((await api.post('/api/auth/token/', { username: user.username, password: 'wrong-password' })).status).to.equal(401);
      const throttled = await api.post('/api/auth/token/', { username: user.username, password: user.password });
      expect(throttled.status).to.equal(429);
      const retryAfter = Number(throttled.headers.get('retry-after'));
      expect(retryAfter).to.be.within(1, 120);
      const message = `Request was throttled. Expected available in ${retryAfter} second${retryAfter === 1 ? '' : 's'}.`;
      expect(throttled.body).to.deep.equal({ error: message, code: 'throttled', detail: message });
    });

    it('throttles failed logins per client IP across usernames', async () => {
      for (let i = 0; i < 3; i++) await api.post('/api/auth/token/', { username: uniqueName('a'), password: 'wrong-password' });
      for (let i = 0; i < 3; i++) await api.post('/api/auth/token/', { username: uniqueName('b'), password: 'wrong-password' });
      expect((await api.post('/api/auth/token/', { username: uniqueName('c'), password: 'wrong-password' })).status).to.equal(429);
    });

    it('throttles registrations per client IP', async () => {
      // newUser() in the first test registered once already.
      const attempts = [];
      for (let i = 0; i < 3; i++) {
        const username = uniqueName();
        attempts.push((await api.post('/api/auth/register/', { username, email: `${username}@example.com`, password: 'SecurePass123!', password2: 'SecurePass123!' })).status);
      }
      expect(attempts).to.deep.equal([201, 201, 429]);
    });
  });

  describe('timing', () => {
    let api: TestApi;
    before(async () => {
      // A realistic cost, so a missing comparison (about 1 ms) would stand out against a real one (tens of ms).
      api = await startTestApi({ BCRYPT_ROUNDS: '10', THROTTLE_LOGIN_FAILURES_PER_USERNAME: '1000' });
    });
    after(async () => api?.stop());

    it('takes as long for an unknown username as for a wrong password', async () => {
      const user = await api.newUser();
      const time = async (username: string) => {
        const started = performance.now();
        const { status } = await api.post('/api/auth/token/', { username, password: 'wrong-password-1' });
        expect(status).to.equal(401);
        return performance.now() - started;
      };
      const known: number[] = [];
      const unknown: number[] = [];
      for (let i = 0; i < 12; i++) {
        known.push(await time(user.username));
        unknown.push(await time(uniqueName('ghost')));
      }
      const [k, u] = [median(known), median(unknown)];
      // Both distributions sit at the bcrypt cost; without the dummy comparison `u` would be a small fraction of `k`.
      expect(u / k, `median unknown ${u.toFixed(1)} ms vs known ${k.toFixed(1)} ms`).to.be.within(0.7, 1.4);
      const overlap = unknown.filter((t) => t >= Math.min(...known) && t <= Math.max(...known)).length;
      expect(overlap, 'most unknown-user timings fall inside the known-user range').to.be.greaterThan(6);
    });
  });

  describe('admin bootstrap', () => {
    it('creates the configured admin once, even when three instances start at once', async () => {
      const username = uniqueName('admin');
      const env = { DJANGO_SUPERUSER_USERNAME: username, DJANGO_SUPERUSER_EMAIL: `${username}@example.com`, DJANGO_SUPERUSER_PASSWORD: 'Admin-Pass-123' };
      const apis = await Promise.all([startTestApi(env), startTestApi(env), startTestApi(env)]);
      try {
        const restarted = await startTestApi(env);
        await restarted.stop();
        const tokens = await apis[0]!.post<{ access: string }>('/api/auth/token/', { username, password: 'Admin-Pass-123' });
        expect(tokens.status).to.equal(200);
        const me = await apis[1]!.request<{ is_staff: boolean }>('/api/auth/me/', { headers: { authorization: `Bearer ${tokens.body.access}` } });
        expect(me.body.is_staff).to.equal(true);
        const { db, store } = apis[0]!.server.infrastructure;
        expect(await db('users').where({ username_lower: username.toLowerCase() }).count<{ count: number }[]>('* as count')).to.deep.equal([{ count: 1 }]);
        expect(await store.readStream(`username-${username.toLowerCase()}`)).to.have.length(1);
      } finally {
        await Promise.all(apis.map((a) => a.stop()));
      }
    });
  });
});
