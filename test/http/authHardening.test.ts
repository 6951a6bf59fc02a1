import bcryptjs from 'bcryptjs';
import { expect } from 'chai';
import { startTestApi, uniqueName, type TestApi } from '../support/api.js';
import { requireRedis } from '../support/redis.js';

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
    const compares: string[] = [];
    const realCompare = bcryptjs.compare;
    before(async () => {
      // bcryptjs is looked up at each call, so counting its comparisons counts the work per login.
      bcryptjs.compare = ((password: string, hash: string) => {
        compares.push(hash);
        return realCompare(password, hash);
      }) as typeof bcryptjs.compare;
      api = await startTestApi({ BCRYPT_IMPLEMENTATION: 'bcryptjs', THROTTLE_LOGIN_FAILURES_PER_USERNAME: '1000' });
    });
    after(async () => {
      bcryptjs.compare = realCompare;
      await api?.stop();
    });

    it('runs one full bcrypt comparison for an unknown username, as for a wrong password', async () => {
      const user = await api.newUser();
      const comparisonsFor = async (username: string) => {
        compares.length = 0;
        expect((await api.post('/api/auth/token/', { username, password: 'wrong-password-1' })).status).to.equal(401);
        return compares.map((hash) => hash.slice(0, 7));
      };
      // Same work, same cost factor: only the stored hash differs (a dummy one for the unknown user).
      expect(await comparisonsFor(user.username)).to.deep.equal(['$2b$04$']);
      expect(await comparisonsFor(uniqueName('ghost'))).to.deep.equal(['$2b$04$']);
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
