import { expect } from 'chai';
import { forgeToken, HS256_HEADER } from '../auth/jwtForge.js';
import { startTestApi, TEST_SECRET_KEY, uniqueName, type Response, type TestApi, type TestUser } from '../support/api.js';
import { expectApiError } from '../support/apiError.js';
import { openEventLog, type EventLog } from '../support/eventLog.js';
import { requireRedis } from '../support/redis.js';

/**
 * What test/auth/* and test/http/auth*.test.ts leave out, through the real server: forged
 * tokens on the token endpoints and on writes (with Simple JWT's exact texts, and no event
 * appended), a payload re-pointed at another user, and throttles that case, whitespace and
 * a forged X-Forwarded-For cannot dodge.
 */
describe('security: forged tokens and throttles that hold', function () {
  this.timeout(60_000);
  let log: EventLog;
  before(async function () {
    await requireRedis(this);
    log = openEventLog();
  });
  after(async () => log?.close());

  const nowS = () => Math.floor(Date.now() / 1000);
  const claims = (user: TestUser, overrides: Record<string, unknown> = {}) => ({
    token_type: 'refresh',
    exp: nowS() + 3600,
    iat: nowS(),
    jti: 'f'.repeat(32),
    user_id: String(user.id),
    ...overrides,
  });
  const refreshError = (message: string) => ({ error: message, code: 'token_not_valid', detail: message });
  const accessError = (message: string) => ({
    error: 'Given token not valid for any token type',
    code: 'token_not_valid',
    detail: 'Given token not valid for any token type',
    messages: [{ token_class: 'AccessToken', token_type: 'access', message }],
  });
  /** Expects the refusal, in the error shape, with a WWW-Authenticate header and no event appended. */
  const expectRefused = async (send: () => Promise<Response>, status: number, body: object) => {
    const head = await log.head();
    const response = await send();
    expect(response.status).to.equal(status);
    expectApiError(response);
    expect(response.body).to.deep.equal(body);
    if (status === 401) expect(response.headers.get('www-authenticate')).to.equal('Bearer realm="api"');
    expect(await log.head()).to.deep.equal(head);
    return response;
  };

  describe('tokens', () => {
    let api: TestApi;
    let alice: TestUser;
    let bob: TestUser;
    before(async () => {
      api = await startTestApi();
      alice = await api.newUser();
      bob = await api.newUser();
    });
    after(async () => api?.stop());

    /** Alice's real token with its payload swapped for one naming Bob, her signature kept. */
    const repointed = (token: string, to: TestUser) => {
      const [header, payload, signature] = token.split('.') as [string, string, string];
      const claimsOf = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
      return `${header}.${Buffer.from(JSON.stringify({ ...claimsOf, user_id: String(to.id) })).toString('base64url')}.${signature}`;
    };
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const createResume = (token: string) =>
      api.request('/api/resumes/', { method: 'POST', headers: { ...bearer(token), 'content-type': 'application/json' }, body: JSON.stringify({ title: 'forged', content: 'forged' }) });

    it('refuses Alice’s access token re-pointed at Bob, on reads and on writes', async () => {
      const forged = repointed(alice.access, bob);
      await expectRefused(() => api.request('/api/auth/me/', { headers: bearer(forged) }), 401, accessError('Token is invalid'));
      await expectRefused(() => createResume(forged), 401, accessError('Token is invalid'));
    });

    it('refuses a refresh token as the Bearer token on a write, appending nothing', async () => {
      await expectRefused(() => createResume(alice.refresh), 401, accessError('Token has wrong type'));
    });

    it('refuses forged refresh tokens on refresh and logout with Simple JWT’s texts', async () => {
      const none = forgeToken({ alg: 'none', typ: 'JWT' }, claims(alice), null);
      const noneCapital = forgeToken({ alg: 'None', typ: 'JWT' }, claims(alice), null);
      const otherKey = forgeToken(HS256_HEADER, claims(alice), 'another-key-another-key-another-key');
      const hs512 = forgeToken({ alg: 'HS512', typ: 'JWT' }, claims(alice), TEST_SECRET_KEY, 'sha512');
      const expired = forgeToken(HS256_HEADER, claims(alice, { exp: nowS() - 1 }), TEST_SECRET_KEY);
      const cases: Array<[string, string, string]> = [
        ['alg none', none, 'Token is invalid'],
        ['alg None', noneCapital, 'Token is invalid'],
        ['signed with another key', otherKey, 'Token is invalid'],
        ['HS512 with the right key', hs512, 'Token is invalid'],
        ['re-pointed at Bob', repointed(alice.refresh, bob), 'Token is invalid'],
        ['expired', expired, 'Token is expired'],
        ['an access token', alice.access, 'Token has wrong type'],
      ];
      for (const path of ['/api/auth/token/refresh/', '/api/auth/token/blacklist/']) {
        for (const [name, token, message] of cases) {
          const response = await expectRefused(() => api.post(path, { refresh: token }), 401, refreshError(message));
          expect(response.status, `${path} ${name}`).to.equal(401);
        }
      }
      // None of it spent or blacklisted Alice's real refresh token.
      expect((await api.post('/api/auth/token/refresh/', { refresh: alice.refresh })).status).to.equal(200);
    });
  });

  describe('login throttles', () => {
    let api: TestApi;
    before(async () => {
      api = await startTestApi({ THROTTLE_LOGIN_FAILURES_PER_USERNAME: '3', THROTTLE_LOGIN_FAILURES_PER_IP: '4', THROTTLE_LOGIN_WINDOW_S: '120' });
    });
    after(async () => api?.stop());

    const login = (username: string, password: string, headers: Record<string, string> = {}) => api.post('/api/auth/token/', { username, password }, headers);
    const expectThrottled = async (response: Response) => {
      expect(response.status).to.equal(429);
      expectApiError(response);
      expect(response.body).to.include({ code: 'throttled' });
      expect(Number(response.headers.get('retry-after'))).to.be.within(1, 120);
    };

    it('counts failures per username whatever its case and surrounding whitespace', async () => {
      const user = await api.newUser({ username: uniqueName('Case') });
      for (const variant of [user.username.toUpperCase(), ` ${user.username.toLowerCase()} `, user.username]) {
        expect((await login(variant, 'wrong-password')).status).to.equal(401);
      }
      const head = await log.head();
      await expectThrottled(await login(user.username.toLowerCase(), user.password));
      expect(await log.head()).to.deep.equal(head);
    });

    it('is not dodged by a forged X-Forwarded-For when the proxy is not trusted', async () => {
      // The previous test spent 3 of this client's 4 failures; one more, from "another" address, fills it.
      expect((await login(uniqueName('ghost'), 'wrong-password', { 'x-forwarded-for': '203.0.113.7' })).status).to.equal(401);
      await expectThrottled(await login(uniqueName('ghost'), 'wrong-password', { 'x-forwarded-for': '198.51.100.9' }));
    });
  });

  describe('login throttles behind a trusted proxy', () => {
    let api: TestApi;
    before(async () => {
      api = await startTestApi({ TRUST_PROXY: 'True', THROTTLE_LOGIN_FAILURES_PER_USERNAME: '3', THROTTLE_LOGIN_WINDOW_S: '120' });
    });
    after(async () => api?.stop());

    it('holds the per-username limit against guesses spread over many client addresses', async () => {
      const user = await api.newUser();
      for (let i = 1; i <= 3; i++) {
        expect((await api.post('/api/auth/token/', { username: user.username, password: 'wrong-password' }, { 'x-forwarded-for': `203.0.113.${i}` })).status).to.equal(401);
      }
      const throttled = await api.post('/api/auth/token/', { username: user.username, password: user.password }, { 'x-forwarded-for': '198.51.100.200' });
      expect(throttled.status).to.equal(429);
      expectApiError(throttled);
    });
  });
});
