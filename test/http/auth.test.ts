import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { deactivateUser } from '../../src/commands/users.js';
import { commandDeps } from '../../src/server.js';
import { requireRedis } from '../support/redis.js';
import { TEST_SECRET_KEY, startTestApi, uniqueName, type TestApi } from '../support/api.js';

const JSON_HEADER_SEGMENT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9';
const decodePart = (token: string, i: number) => Buffer.from(token.split('.')[i]!, 'base64url').toString('utf8');
const errorBody = (message: string, code: string, extra: Record<string, unknown> = {}) => ({ error: message, code, detail: message, ...extra });
const invalid = (fieldErrors: Record<string, string[]>) => ({ error: 'Invalid input.', code: 'invalid', detail: 'Invalid input.', field_errors: fieldErrors });

describe('auth endpoints', function () {
  this.timeout(30_000);
  let api: TestApi;
  before(async function () {
    await requireRedis(this);
    api = await startTestApi();
  });
  after(async () => api?.stop());

  const register = (body: Record<string, unknown>) => api.post<Record<string, unknown>>('/api/auth/register/', body);
  const obtain = (body: Record<string, unknown>) => api.post<Record<string, unknown>>('/api/auth/token/', body);
  const newCredentials = () => {
    const username = uniqueName();
    return { username, email: `${username}@example.com`, password: 'SecurePass123!', password2: 'SecurePass123!' };
  };

  describe('POST /api/auth/register/', () => {
    it('creates the user and answers {id, username, email}; an immediate login works', async () => {
      const creds = newCredentials();
      const { status, body } = await register(creds);
      expect(status).to.equal(201);
      expect(body).to.deep.equal({ id: body.id, username: creds.username, email: creds.email });
      expect(body.id).to.be.a('number');
      expect((await obtain({ username: creds.username, password: creds.password })).status).to.equal(200);
    });

    it('runs the seed documentation cURL steps 2-3 verbatim', async () => {
      const reg = await api.request('/api/auth/register/', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: `{
    "username": "john_doe",
    "email": "john@example.com",
    "password": "SecurePass123!",
    "password2": "SecurePass123!"
  }`,
      });
      expect(reg.status).to.equal(201);
      const token = await api.request<{ access: string; refresh: string }>('/api/auth/token/', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: `{
    "username": "john_doe",
    "password": "SecurePass123!"
  }`,
      });
      expect(token.status).to.equal(200);
      expect(token.body.access.startsWith(JSON_HEADER_SEGMENT)).to.equal(true);
    });

    it('reports every missing field', async () => {
      const { status, body } = await register({});
      expect(status).to.equal(400);
      expect(body).to.deep.equal(
        invalid({
          username: ['This field is required.'],
          email: ['This field is required.'],
          password: ['This field is required.'],
          password2: ['This field is required.'],
        }),
      );
    });

    it('rejects a blank email, an invalid one and a bad username, with the original messages', async () => {
      const creds = newCredentials();
      expect((await register({ ...creds, email: '' })).body).to.deep.equal(invalid({ email: ['This field may not be blank.'] }));
      expect((await register({ ...creds, email: 'bad' })).body).to.deep.equal(invalid({ email: ['Enter a valid email address.'] }));
      expect((await register({ ...creds, username: 'no spaces!' })).body).to.deep.equal(
        invalid({ username: ['Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.'] }),
      );
      expect((await register({ ...creds, username: 'a'.repeat(151) })).body).to.deep.equal(
        invalid({ username: ['Ensure this field has no more than 150 characters.'] }),
      );
    });

    it('runs the four password validators and reports all their messages', async () => {
      const creds = newCredentials();
      expect((await register({ ...creds, password: '1234', password2: '1234' })).body).to.deep.equal(
        invalid({
          password: [
            'This password is too short. It must contain at least 8 characters.',
            'This password is too common.',
            'This password is entirely numeric.',
          ],
        }),
      );
      const similar = `${creds.username}1`;
      expect((await register({ ...creds, password: similar, password2: similar })).body).to.deep.equal(
        invalid({ password: ['The password is too similar to the username.'] }),
      );
    });

    it('reports the password validators together with other fields’ errors', async () => {
      const creds = newCredentials();
      expect((await register({ ...creds, username: 'no spaces!', password: '1234', password2: '1234' })).body).to.deep.equal(
        invalid({
          username: ['Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.'],
          password: [
            'This password is too short. It must contain at least 8 characters.',
            'This password is too common.',
            'This password is entirely numeric.',
          ],
        }),
      );
    });

    it('says the passwords do not match only when everything else is valid', async () => {
      const creds = newCredentials();
      expect((await register({ ...creds, password2: 'SecurePass123?' })).body).to.deep.equal(
        invalid({ password: ["Password fields didn't match."] }),
      );
      expect((await register({ ...creds, email: 'bad', password2: 'other' })).body).to.deep.equal(
        invalid({ email: ['Enter a valid email address.'] }),
      );
    });

    it('treats usernames as unique case-insensitively', async () => {
      const creds = newCredentials();
      expect((await register(creds)).status).to.equal(201);
      const { status, body } = await register({ ...creds, username: creds.username.toUpperCase() });
      expect(status).to.equal(400);
      expect(body).to.deep.equal(invalid({ username: ['A user with that username already exists.'] }));
    });

    it('lets exactly one of 20 concurrent registrations of one username through', async () => {
      const creds = newCredentials();
      const results = await Promise.all(Array.from({ length: 20 }, () => register(creds)));
      expect(results.filter((r) => r.status === 201)).to.have.length(1);
      const rejected = results.filter((r) => r.status === 400);
      expect(rejected).to.have.length(19);
      for (const r of rejected) expect(r.body).to.deep.equal(invalid({ username: ['A user with that username already exists.'] }));
      const events = await api.server.infrastructure.store.readStream(`username-${creds.username.toLowerCase()}`);
      expect(events).to.have.length(1);
    });
  });

  describe('POST /api/auth/token/', () => {
    it('issues a Simple JWT pair, refresh first, with the original claims', async () => {
      const user = await api.newUser();
      const { status, body } = await obtain({ username: user.username, password: user.password });
      expect(status).to.equal(200);
      expect(Object.keys(body)).to.deep.equal(['refresh', 'access']);
      const access = String(body.access);
      expect(access.split('.')[0]).to.equal(JSON_HEADER_SEGMENT);
      const claims = JSON.parse(decodePart(access, 1)) as Record<string, unknown>;
      expect(Object.keys(claims)).to.deep.equal(['token_type', 'exp', 'iat', 'jti', 'user_id']);
      expect(claims).to.include({ token_type: 'access', user_id: String(user.id) });
      expect(Number(claims.exp) - Number(claims.iat)).to.equal(300);
      expect(claims.jti).to.match(/^[0-9a-f]{32}$/);
    });

    it('trims the username and password like DRF, and accepts any case of the username', async () => {
      const user = await api.newUser();
      expect((await obtain({ username: `  ${user.username.toUpperCase()} `, password: `  ${user.password}  ` })).status).to.equal(200);
    });

    it('answers wrong password, unknown user and inactive user alike', async () => {
      const user = await api.newUser();
      const expected = errorBody('No active account found with the given credentials', 'no_active_account');
      const wrong = await obtain({ username: user.username, password: 'nope-nope-nope' });
      expect(wrong.status).to.equal(401);
      expect(wrong.body).to.deep.equal(expected);
      expect(wrong.headers.get('www-authenticate')).to.equal('Bearer realm="api"');
      expect((await obtain({ username: uniqueName('ghost'), password: 'whatever-123' })).body).to.deep.equal(expected);
      await deactivateUser(commandDeps(api.server.infrastructure), user.id, { userId: null, requestId: 't', at: new Date().toISOString() });
      expect((await obtain({ username: user.username, password: user.password })).body).to.deep.equal(expected);
    });

    it('validates its fields like the original', async () => {
      expect((await obtain({})).body).to.deep.equal(invalid({ username: ['This field is required.'], password: ['This field is required.'] }));
      expect((await obtain({ username: '', password: '' })).body).to.deep.equal(
        invalid({ username: ['This field may not be blank.'], password: ['This field may not be blank.'] }),
      );
      expect((await obtain({ username: null, password: 'x' })).body).to.deep.equal(invalid({ username: ['This field may not be null.'] }));
    });
  });

  describe('POST /api/auth/token/refresh/', () => {
    it('rotates: a new pair, and the old refresh token is blacklisted', async () => {
      const user = await api.newUser();
      const first = await api.post<Record<string, string>>('/api/auth/token/refresh/', { refresh: user.refresh });
      expect(first.status).to.equal(200);
      expect(Object.keys(first.body)).to.deep.equal(['access', 'refresh']);
      expect(first.body.refresh).to.not.equal(user.refresh);
      const again = await api.post('/api/auth/token/refresh/', { refresh: user.refresh });
      expect(again.status).to.equal(401);
      expect(again.body).to.deep.equal(errorBody('Token is blacklisted', 'token_not_valid'));
      expect((await api.post('/api/auth/token/refresh/', { refresh: first.body.refresh })).status).to.equal(200);
    });

    it('rejects an access token, garbage and a missing field', async () => {
      const user = await api.newUser();
      expect((await api.post('/api/auth/token/refresh/', { refresh: user.access })).body).to.deep.equal(errorBody('Token has wrong type', 'token_not_valid'));
      expect((await api.post('/api/auth/token/refresh/', { refresh: 'garbage' })).body).to.deep.equal(errorBody('Token is invalid', 'token_not_valid'));
      expect((await api.post('/api/auth/token/refresh/', {})).body).to.deep.equal(invalid({ refresh: ['This field is required.'] }));
    });

    it('refuses a deactivated user', async () => {
      const user = await api.newUser();
      await deactivateUser(commandDeps(api.server.infrastructure), user.id, { userId: null, requestId: 't', at: new Date().toISOString() });
      const { status, body } = await api.post('/api/auth/token/refresh/', { refresh: user.refresh });
      expect(status).to.equal(401);
      expect(body).to.deep.equal(errorBody('No active account found for the given token.', 'no_active_account'));
    });
  });

  describe('POST /api/auth/token/blacklist/', () => {
    it('logs out: 200 {} and the refresh token stops working', async () => {
      const user = await api.newUser();
      const { status, body } = await api.post('/api/auth/token/blacklist/', { refresh: user.refresh });
      expect(status).to.equal(200);
      expect(body).to.deep.equal({});
      expect((await api.post('/api/auth/token/refresh/', { refresh: user.refresh })).body).to.deep.equal(errorBody('Token is blacklisted', 'token_not_valid'));
    });
  });

  describe('GET /api/auth/me/', () => {
    it('describes the signed-in user', async () => {
      const user = await api.newUser();
      const { status, body } = await user.get<Record<string, unknown>>('/api/auth/me/');
      expect(status).to.equal(200);
      expect(body).to.deep.equal({ id: user.id, username: user.username, email: user.email, is_staff: false, date_joined: body.date_joined });
      expect(String(body.date_joined)).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    });

    it('needs credentials', async () => {
      const { status, body, headers } = await api.request('/api/auth/me/');
      expect(status).to.equal(401);
      expect(body).to.deep.equal(errorBody('Authentication credentials were not provided.', 'not_authenticated'));
      expect(headers.get('www-authenticate')).to.equal('Bearer realm="api"');
    });

    it('rejects token misuse with Simple JWT bodies', async () => {
      const user = await api.newUser();
      const bearer = (token: string) => api.request('/api/auth/me/', { headers: { authorization: `Bearer ${token}` } });
      const notValid = (message: string) =>
        errorBody('Given token not valid for any token type', 'token_not_valid', { messages: [{ token_class: 'AccessToken', token_type: 'access', message }] });
      expect((await bearer(user.refresh)).body).to.deep.equal(notValid('Token has wrong type'));
      expect((await bearer('not.a.token')).body).to.deep.equal(notValid('Token is invalid'));
      const now = Math.floor(Date.now() / 1000);
      const expired = jwt.sign({ token_type: 'access', exp: now - 10, iat: now - 310, jti: 'a'.repeat(32), user_id: String(user.id) }, TEST_SECRET_KEY);
      expect((await bearer(expired)).body).to.deep.equal(notValid('Token is expired'));
      const otherKey = jwt.sign({ token_type: 'access', exp: now + 300, iat: now, jti: 'b'.repeat(32), user_id: String(user.id) }, 'another-key-another-key-another-key');
      expect((await bearer(otherKey)).body).to.deep.equal(notValid('Token is invalid'));
      const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ token_type: 'access', exp: now + 300, iat: now, jti: 'c'.repeat(32), user_id: String(user.id) })).toString('base64url')}.`;
      expect((await bearer(none)).body).to.deep.equal(notValid('Token is invalid'));
      const twoParts = await api.request('/api/auth/me/', { headers: { authorization: 'Bearer a b' } });
      expect(twoParts.body).to.deep.equal(errorBody('Authorization header must contain two space-delimited values', 'bad_authorization_header'));
    });

    it('stops accepting a deactivated user’s access token', async () => {
      const user = await api.newUser();
      await deactivateUser(commandDeps(api.server.infrastructure), user.id, { userId: null, requestId: 't', at: new Date().toISOString() });
      const { status, body } = await user.get('/api/auth/me/');
      expect(status).to.equal(401);
      expect(body).to.deep.equal(errorBody('User is inactive', 'user_inactive'));
    });
  });
});
