import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { cacheBlacklist } from '../../src/auth/blacklist.js';
import { createTokenService, type TokenService } from '../../src/auth/tokens.js';
import type { Cache } from '../../src/cache/cache.js';
import { MemoryCache } from '../../src/cache/memoryCache.js';
import { connectRedisCache } from '../../src/cache/redisCache.js';
import { AppError, AuthenticationFailed, ServiceUnavailable } from '../../src/domain/errors.js';
import { freePort } from '../support/net.js';
import { redisUrl, requireRedis } from '../support/redis.js';
import { expectTtl } from '../support/ttl.js';
import { fakeClock } from './clock.js';
import { jsonSegments } from './jwtForge.js';

const silent = pino({ level: 'silent' });

async function failure(action: Promise<unknown>): Promise<unknown> {
  return action.then(
    () => expect.fail('expected a rejection'),
    (err: unknown) => err,
  );
}

async function expectBlacklisted(action: Promise<unknown>): Promise<void> {
  const err = await failure(action);
  expect(err).to.be.instanceOf(AuthenticationFailed);
  const { message, code, extras } = err as AuthenticationFailed;
  expect({ message, code, extras }).to.deep.equal({ message: 'Token is blacklisted', code: 'token_not_valid', extras: {} });
}

const payloadOf = (token: string): { iat: number; exp: number; jti: string; user_id: string } => JSON.parse(jsonSegments(token).payload);

function rotatesAndBlacklists(name: string, open: (ctx: Mocha.Context) => Promise<Cache>): void {
  describe(`refresh rotation and logout on the ${name} cache`, () => {
    const prefix = `test:token_blacklist:${randomBytes(6).toString('hex')}:`;
    let cache: Cache;
    let clock: ReturnType<typeof fakeClock>;
    let tokens: TokenService;

    before(async function () {
      cache = await open(this);
    });
    beforeEach(() => {
      clock = fakeClock();
      tokens = createTokenService({ secretKey: 'k', accessLifetimeS: 300, refreshLifetimeS: 86400, blacklist: cacheBlacklist(cache, prefix), now: clock.now });
    });
    after(async () => {
      if (!cache) return;
      if (cache.kind === 'redis') await deleteKeysWithPrefix(cache, prefix);
      await cache.close();
    });

    it('issues a new pair, dated now, and spends the old refresh token', async () => {
      const first = tokens.issuePair(3);
      clock.advance(600);
      const second = await tokens.refresh(first.refresh);
      const [access, refresh] = [payloadOf(second.access), payloadOf(second.refresh)];
      const nowS = payloadOf(first.refresh).iat + 600;
      expect(access).to.include({ iat: nowS, exp: nowS + 300, user_id: '3' });
      expect(refresh).to.include({ iat: nowS, exp: nowS + 86400, user_id: '3' });
      expect(refresh.jti).not.to.equal(payloadOf(first.refresh).jti);
      expect(tokens.verifyAccess(second.access).userId).to.equal(3);
      await expectBlacklisted(tokens.refresh(first.refresh));
      expect(await tokens.refresh(second.refresh)).to.have.keys('access', 'refresh');
    });

    it('keeps a spent token only as long as it could have been used', async () => {
      const { refresh } = tokens.issuePair(3);
      clock.advance(1000);
      await tokens.refresh(refresh);
      expectTtl(await cache.ttl(`${prefix}${payloadOf(refresh).jti}`), 86400 - 1000);
    });

    it('lets exactly one of 10 concurrent refreshes of one token succeed', async () => {
      const { refresh } = tokens.issuePair(3);
      const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => tokens.refresh(refresh)));
      expect(outcomes.filter((o) => o.status === 'fulfilled')).to.have.length(1);
      for (const o of outcomes) {
        if (o.status === 'rejected') expect((o.reason as AppError).message).to.equal('Token is blacklisted');
      }
    });

    it('logs out: a blacklisted refresh token can neither refresh nor be blacklisted again', async () => {
      const { refresh } = tokens.issuePair(3);
      await tokens.blacklist(refresh);
      await expectBlacklisted(tokens.refresh(refresh));
      await expectBlacklisted(tokens.blacklist(refresh));
      expectTtl(await cache.ttl(`${prefix}${payloadOf(refresh).jti}`), 86400);
    });

    it('checks the token before the blacklist when logging out', async () => {
      const { access } = tokens.issuePair(3);
      const err = (await failure(tokens.blacklist(access))) as AppError;
      expect(err.message).to.equal('Token has wrong type');
    });

    it("runs checkUser after the blacklist check and before spending the token (Simple JWT's order)", async () => {
      const { refresh } = tokens.issuePair(3);
      const seen: number[] = [];
      const refuse = async (userId: number): Promise<void> => {
        seen.push(userId);
        throw new AuthenticationFailed('No active account found for the given token.', 'no_active_account');
      };
      expect(((await failure(tokens.refresh(refresh, { checkUser: refuse }))) as AppError).code).to.equal('no_active_account');
      expect(seen).to.deep.equal([3]);
      const rotated = await tokens.refresh(refresh, { checkUser: async () => undefined });
      await expectBlacklisted(tokens.refresh(refresh, { checkUser: refuse }));
      expect(seen).to.deep.equal([3]);
      expect(rotated.refresh).to.be.a('string');
    });
  });
}

/** The Cache port has no SCAN, so a plain client finds this run's keys; only they are deleted (never FLUSHALL). */
async function deleteKeysWithPrefix(cache: Cache, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 100 })) {
      if (Array.isArray(keys) && keys.length > 0) await cache.del(...keys.map(String));
    }
  } finally {
    redis.disconnect();
  }
}

describe('Token service with a blacklist', () => {
  rotatesAndBlacklists('memory', async () => new MemoryCache());
  rotatesAndBlacklists('Redis', async (ctx) => {
    await requireRedis(ctx);
    return connectRedisCache(redisUrl, silent);
  });

  describe('when the blacklist store is unreachable', () => {
    let cache: Cache;
    before(async () => {
      cache = await connectRedisCache(`redis://127.0.0.1:${await freePort()}`, silent);
    });
    after(() => cache.close());

    it('fails closed with 503, so a logged-out token is never taken for a live one', async () => {
      const tokens = createTokenService({ secretKey: 'k', accessLifetimeS: 300, refreshLifetimeS: 86400, blacklist: cacheBlacklist(cache) });
      const { refresh } = tokens.issuePair(1);
      for (const action of [tokens.refresh(refresh), tokens.blacklist(refresh)]) {
        const err = await failure(action);
        expect(err).to.be.instanceOf(ServiceUnavailable);
        expect((err as ServiceUnavailable).message).to.equal('The token service is temporarily unavailable. Try again shortly.');
      }
    });
  });
});
