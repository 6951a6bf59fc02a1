import Router from '@koa/router';
import { expect } from 'chai';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { authenticate, requireStaff, requireUser } from '../../src/auth/bearer.js';
import { cacheBlacklist } from '../../src/auth/blacklist.js';
import { createTokenService } from '../../src/auth/tokens.js';
import type { AuthUser } from '../../src/auth/user.js';
import { MemoryCache } from '../../src/cache/memoryCache.js';
import { createApp } from '../../src/http/app.js';
import { fakeClock } from './clock.js';
import { forgeToken, HS256_HEADER } from './jwtForge.js';

const SECRET = 'bearer-test-key';
const clock = fakeClock();
const tokens = createTokenService({ secretKey: SECRET, accessLifetimeS: 300, refreshLifetimeS: 86400, blacklist: cacheBlacklist(new MemoryCache()), now: clock.now });

const user = (id: number, overrides: Partial<AuthUser> = {}): AuthUser => ({
  id,
  username: `user${id}`,
  email: `user${id}@example.com`,
  isStaff: false,
  isActive: true,
  dateJoined: '2026-01-01T00:00:00.000Z',
  ...overrides,
});
const alice = user(1);
const inactive = user(2, { isActive: false });
const admin = user(3, { isStaff: true });
const DELETED_ID = 99;
// Rows from the read model are wider than AuthUser; the hash must not reach ctx.state.
const rows = new Map([alice, inactive, admin].map((u) => [u.id, { ...u, passwordHash: '$2b$12$secret' }]));

function routes(): Router {
  const r = new Router({ prefix: '/api' });
  r.use(authenticate({ tokens, findUser: async (id) => rows.get(id) }));
  r.get('/open', (ctx) => {
    ctx.body = { user: ctx.state.user ?? null };
  });
  r.get('/me', requireUser, (ctx) => {
    ctx.body = { id: ctx.state.user?.id };
  });
  r.get('/staff', requireStaff, (ctx) => {
    ctx.body = { ok: true };
  });
  return r;
}

const REALM = 'Bearer realm="api"';
const apiError = (detail: string, code: string, extras: Record<string, unknown> = {}) => ({ error: detail, code, detail, ...extras });
const invalidAccess = (message: string) =>
  apiError('Given token not valid for any token type', 'token_not_valid', {
    messages: [{ token_class: 'AccessToken', token_type: 'access', message }],
  });
const NOT_PROVIDED = apiError('Authentication credentials were not provided.', 'not_authenticated');
const BAD_HEADER = apiError('Authorization header must contain two space-delimited values', 'bad_authorization_header');

describe('Bearer authentication', () => {
  let server: Server;
  let base: string;

  before(async () => {
    server = createApp({ logger: pino({ level: 'silent' }), readiness: [], routers: [routes()] }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  async function get(path: string, authorization?: string): Promise<{ status: number; body: unknown; realm: string | null }> {
    const response = await fetch(`${base}${path}`, { headers: authorization === undefined ? {} : { Authorization: authorization } });
    return { status: response.status, body: await response.json(), realm: response.headers.get('WWW-Authenticate') };
  }

  async function expect401(path: string, authorization: string | undefined, body: object): Promise<void> {
    expect(await get(path, authorization)).to.deep.equal({ status: 401, body, realm: REALM });
  }

  describe('a request without usable credentials is anonymous', () => {
    const anonymous: Array<[string, string | undefined]> = [
      ['no Authorization header', undefined],
      ['an empty header', ''],
      ['only whitespace', '   '],
      ['a lower-case scheme', `bearer ${tokens.issuePair(1).access}`],
      ['an upper-case scheme', `BEARER ${tokens.issuePair(1).access}`],
      ['another scheme', 'Token abc'],
      ['Basic credentials', 'Basic YWxpY2U6c2VjcmV0'],
      ['a scheme glued to its token', 'Bearerabc'],
    ];
    for (const [name, header] of anonymous) {
      it(`${name}: AllowAny views run, protected views answer 401`, async () => {
        expect(await get('/api/open', header)).to.deep.equal({ status: 200, body: { user: null }, realm: null });
        await expect401('/api/me', header, NOT_PROVIDED);
      });
    }
  });

  describe('a Bearer header needs exactly two parts, even on AllowAny views', () => {
    for (const header of ['Bearer', 'Bearer ', 'Bearer a b', 'Bearer\ta\tb']) {
      it(JSON.stringify(header), () => expect401('/api/open', header, BAD_HEADER));
    }
  });

  describe('a valid access token', () => {
    it('authenticates, with any run of spaces or tabs between the parts', async () => {
      const { access } = tokens.issuePair(alice.id);
      for (const header of [`Bearer ${access}`, `Bearer   ${access}`, `Bearer\t${access}`, ` Bearer ${access} `]) {
        expect(await get('/api/me', header), header).to.deep.equal({ status: 200, body: { id: alice.id }, realm: null });
      }
    });

    it('puts exactly the AuthUser fields on ctx.state.user', async () => {
      expect((await get('/api/open', `Bearer ${tokens.issuePair(alice.id).access}`)).body).to.deep.equal({ user: alice });
    });

    it('authenticates a token from the original stack, whose user_id is an integer', async () => {
      const nowS = Math.floor(clock.now() / 1000);
      const legacy = forgeToken(HS256_HEADER, { token_type: 'access', exp: nowS + 300, iat: nowS, jti: 'b'.repeat(32), user_id: alice.id }, SECRET);
      expect((await get('/api/me', `Bearer ${legacy}`)).status).to.equal(200);
    });
  });

  describe('a bad token is a 401 on every view, AllowAny included', () => {
    const nowS = (): number => Math.floor(clock.now() / 1000);
    const claims = (overrides: Record<string, unknown> = {}) => ({ token_type: 'access', exp: nowS() + 300, iat: nowS(), jti: 'c'.repeat(32), user_id: '1', ...overrides });
    const cases: Array<[string, () => string, object]> = [
      ['garbage', () => 'garbage', invalidAccess('Token is invalid')],
      ['alg none', () => forgeToken({ alg: 'none', typ: 'JWT' }, claims(), null), invalidAccess('Token is invalid')],
      ['signed with another key', () => forgeToken(HS256_HEADER, claims(), 'another-key'), invalidAccess('Token is invalid')],
      ['a refresh token', () => tokens.issuePair(alice.id).refresh, invalidAccess('Token has wrong type')],
      ['a token without user_id', () => forgeToken(HS256_HEADER, claims({ user_id: undefined }), SECRET), apiError('Token contained no recognizable user identification', 'token_not_valid')],
      ['a deleted user’s token', () => tokens.issuePair(DELETED_ID).access, apiError('User not found', 'user_not_found')],
      ['an inactive user’s token', () => tokens.issuePair(inactive.id).access, apiError('User is inactive', 'user_inactive')],
    ];
    for (const [name, token, body] of cases) {
      it(name, async () => {
        await expect401('/api/open', `Bearer ${token()}`, body);
        await expect401('/api/me', `Bearer ${token()}`, body);
      });
    }

    it('an expired access token', async () => {
      const { access } = tokens.issuePair(alice.id);
      clock.advance(300);
      await expect401('/api/open', `Bearer ${access}`, invalidAccess('Token is expired'));
    });
  });

  describe('requireStaff', () => {
    it('answers 401 to anonymous requests', () => expect401('/api/staff', undefined, NOT_PROVIDED));

    it('answers 403, with no WWW-Authenticate, to a signed-in user without staff status', async () => {
      expect(await get('/api/staff', `Bearer ${tokens.issuePair(alice.id).access}`)).to.deep.equal({
        status: 403,
        body: apiError('You do not have permission to perform this action.', 'permission_denied'),
        realm: null,
      });
    });

    it('lets staff through', async () => {
      expect((await get('/api/staff', `Bearer ${tokens.issuePair(admin.id).access}`)).status).to.equal(200);
    });
  });
});
