import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { cacheBlacklist } from '../../src/auth/blacklist.js';
import { createTokenService, type TokenService } from '../../src/auth/tokens.js';
import { MemoryCache } from '../../src/cache/memoryCache.js';
import { AuthenticationFailed } from '../../src/domain/errors.js';
import { fakeClock } from './clock.js';
import { forgeToken, HS256_HEADER, jsonSegments } from './jwtForge.js';

const SECRET = 'test-signing-key';
const START_S = Date.UTC(2026, 0, 15, 12, 0, 0) / 1000;

function service(clock = fakeClock(START_S * 1000 + 750)): TokenService {
  return createTokenService({ secretKey: SECRET, accessLifetimeS: 300, refreshLifetimeS: 86400, blacklist: cacheBlacklist(new MemoryCache()), now: clock.now });
}

function thrown(action: () => unknown): AuthenticationFailed {
  try {
    action();
  } catch (err) {
    expect(err).to.be.instanceOf(AuthenticationFailed);
    return err as AuthenticationFailed;
  }
  throw new Error('expected an AuthenticationFailed, nothing was thrown');
}

/** What the refresh and blacklist views answer: the TokenError text, code token_not_valid, nothing else. */
function expectRefreshError(action: () => unknown, message: string): void {
  const err = thrown(action);
  expect({ message: err.message, code: err.code, extras: err.extras }).to.deep.equal({ message, code: 'token_not_valid', extras: {} });
}

/** What JWTAuthentication answers: a fixed detail, the TokenError text inside `messages`. */
function expectBearerError(action: () => unknown, message: string): void {
  const err = thrown(action);
  expect({ message: err.message, code: err.code, extras: err.extras }).to.deep.equal({
    message: 'Given token not valid for any token type',
    code: 'token_not_valid',
    extras: { messages: [{ token_class: 'AccessToken', token_type: 'access', message }] },
  });
}

const claims = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  token_type: 'access',
  exp: START_S + 300,
  iat: START_S,
  jti: 'a'.repeat(32),
  user_id: '1',
  ...overrides,
});

describe('Token service', () => {
  describe('issuePair', () => {
    it('signs the header PyJWT 2 signs, byte for byte', () => {
      const { access, refresh } = service().issuePair(1);
      for (const token of [access, refresh]) {
        expect(token.startsWith('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.')).to.equal(true);
        expect(jsonSegments(token).header).to.equal('{"alg":"HS256","typ":"JWT"}');
      }
    });

    it('writes Simple JWT 5.5.1 payloads: key order, integer seconds, a shared iat, user_id as a string', () => {
      const { access, refresh } = service().issuePair(42);
      expect(jsonSegments(access).payload).to.match(
        new RegExp(`^\\{"token_type":"access","exp":${START_S + 300},"iat":${START_S},"jti":"[0-9a-f]{32}","user_id":"42"\\}$`),
      );
      expect(jsonSegments(refresh).payload).to.match(
        new RegExp(`^\\{"token_type":"refresh","exp":${START_S + 86400},"iat":${START_S},"jti":"[0-9a-f]{32}","user_id":"42"\\}$`),
      );
    });

    it('gives each token its own uuid4 hex jti', () => {
      const { access, refresh } = service().issuePair(1);
      const jtis = [access, refresh].map((t) => (JSON.parse(jsonSegments(t).payload) as { jti: string }).jti);
      expect(jtis[0]).not.to.equal(jtis[1]);
      for (const jti of jtis) expect(jti).to.match(/^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
    });

    it('signs with HMAC-SHA256 over the secret key, so the original stack accepts our tokens and we accept its', () => {
      const { access } = service().issuePair(1);
      const [header, payload, signature] = access.split('.');
      expect(createHmac('sha256', SECRET).update(`${header}.${payload}`).digest('base64url')).to.equal(signature);
      expect(service().verifyAccess(forgeToken(HS256_HEADER, claims(), SECRET)).userId).to.equal(1);
    });
  });

  describe('verifyAccess / verifyRefresh', () => {
    it('returns the claims of a valid token', () => {
      const tokens = service();
      const { access, refresh } = tokens.issuePair(7);
      const a = tokens.verifyAccess(access);
      const r = tokens.verifyRefresh(refresh);
      expect(a).to.include({ userId: 7, exp: START_S + 300, iat: START_S });
      expect(r).to.include({ userId: 7, exp: START_S + 86400, iat: START_S });
      expect(a.jti).to.equal((JSON.parse(jsonSegments(access).payload) as { jti: string }).jti);
    });

    it('accepts user_id as an integer (Simple JWT before 5.5.1) as well as a string', () => {
      expect(service().verifyAccess(forgeToken(HS256_HEADER, claims({ user_id: 5 }), SECRET)).userId).to.equal(5);
      expect(service().verifyAccess(forgeToken(HS256_HEADER, claims({ user_id: '5' }), SECRET)).userId).to.equal(5);
    });

    const invalid: Array<[string, string]> = [
      ['garbage', 'not-a-token'],
      ['a number', '12345'],
      ['an empty string', ''],
      ['three empty segments', '..'],
      ['alg none, unsigned', forgeToken({ alg: 'none', typ: 'JWT' }, claims(), null)],
      ['alg none, with a signature', forgeToken({ alg: 'none', typ: 'JWT' }, claims(), SECRET)],
      ['another algorithm (HS512, same key)', forgeToken({ alg: 'HS512', typ: 'JWT' }, claims(), SECRET, 'sha512')],
      ['a token signed with another key', forgeToken(HS256_HEADER, claims(), 'some-other-key')],
      ['a payload that is not an object', forgeToken(HS256_HEADER, '"just a string"', SECRET)],
      ['a non-string jti', forgeToken(HS256_HEADER, claims({ jti: 12 }), SECRET)],
    ];
    for (const [name, token] of invalid) {
      it(`calls ${name} "Token is invalid"`, () => {
        expectRefreshError(() => service().verifyRefresh(token), 'Token is invalid');
        expectBearerError(() => service().verifyAccess(token), 'Token is invalid');
      });
    }

    it('calls a tampered payload "Token is invalid"', () => {
      const { access } = service().issuePair(1);
      const [header, , signature] = access.split('.');
      const tampered = `${header}.${Buffer.from(JSON.stringify(claims({ user_id: '2' }))).toString('base64url')}.${signature}`;
      expectBearerError(() => service().verifyAccess(tampered), 'Token is invalid');
    });

    it('expires a token at exp exactly, with no leeway', () => {
      const clock = fakeClock(START_S * 1000);
      const tokens = service(clock);
      const { access, refresh } = tokens.issuePair(1);
      clock.advance(299.999);
      expect(tokens.verifyAccess(access).userId).to.equal(1);
      clock.advance(0.001);
      expectBearerError(() => tokens.verifyAccess(access), 'Token is expired');
      clock.advance(86400 - 300);
      expectRefreshError(() => tokens.verifyRefresh(refresh), 'Token is expired');
    });

    it('checks the signature before the expiry', () => {
      const expired = forgeToken(HS256_HEADER, claims({ exp: START_S - 10 }), 'some-other-key');
      expectBearerError(() => service().verifyAccess(expired), 'Token is invalid');
    });

    it('checks the expiry before the type', () => {
      const expiredRefresh = forgeToken(HS256_HEADER, claims({ token_type: 'refresh', exp: START_S - 10 }), SECRET);
      expectBearerError(() => service().verifyAccess(expiredRefresh), 'Token is expired');
    });

    it('says "Token has wrong type" for the other kind of token', () => {
      const tokens = service();
      const { access, refresh } = tokens.issuePair(1);
      expectBearerError(() => tokens.verifyAccess(refresh), 'Token has wrong type');
      expectRefreshError(() => tokens.verifyRefresh(access), 'Token has wrong type');
    });

    it("uses Simple JWT's texts for hand-made tokens that lack a claim", () => {
      const without = (claim: string): string => forgeToken(HS256_HEADER, { ...claims(), [claim]: undefined }, SECRET);
      expectBearerError(() => service().verifyAccess(without('exp')), "Token has no 'exp' claim");
      expectBearerError(() => service().verifyAccess(without('jti')), 'Token has no id');
      expectBearerError(() => service().verifyAccess(without('token_type')), 'Token has no type');
    });

    it('refuses a valid token that names no user, on both paths, without a messages list', () => {
      for (const userId of [undefined, 'abc', '', null, 0, 1.5]) {
        const token = forgeToken(HS256_HEADER, claims({ user_id: userId }), SECRET);
        const refreshToken = forgeToken(HS256_HEADER, claims({ user_id: userId, token_type: 'refresh' }), SECRET);
        expectRefreshError(() => service().verifyAccess(token), 'Token contained no recognizable user identification');
        expectRefreshError(() => service().verifyRefresh(refreshToken), 'Token contained no recognizable user identification');
      }
    });
  });

  it('refuses a lifetime that is not a positive whole number of seconds', () => {
    const make = (accessLifetimeS: number) => () =>
      createTokenService({ secretKey: SECRET, accessLifetimeS, refreshLifetimeS: 60, blacklist: cacheBlacklist(new MemoryCache()) });
    expect(make(0)).to.throw(RangeError);
    expect(make(1.5)).to.throw(RangeError);
  });
});
