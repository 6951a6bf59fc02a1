import Router from '@koa/router';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { createThrottle, throttleStoreOf, type Throttle } from '../../src/auth/throttle.js';
import { connectRedisCache, type RedisCache } from '../../src/cache/redisCache.js';
import { Throttled } from '../../src/domain/errors.js';
import { createApp } from '../../src/http/app.js';
import { deleteKeys } from '../support/api.js';
import { freePort } from '../support/net.js';
import { redisUrl, requireRedis } from '../support/redis.js';

const silent = pino({ level: 'silent' });

function capturingLogger(): { logger: Logger; lines: () => Array<{ level: number; msg: string; throttle?: string }> } {
  const written: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void written.push(line) });
  return { logger, lines: () => written.map((line) => JSON.parse(line) as { level: number; msg: string; throttle?: string }) };
}

async function retryAfterOf(action: Promise<void>): Promise<number> {
  const err = await action.then(
    () => expect.fail('expected Throttled'),
    (e: unknown) => e,
  );
  expect(err).to.be.instanceOf(Throttled);
  return (err as Throttled).retryAfterS;
}

const uniquePrefix = (): string => `test:throttle:${randomBytes(6).toString('hex')}`;
const memory = { kind: 'memory' } as const;

/** Consumes `n` attempts at once and answers how many were let through. */
async function admittedOf(throttle: Throttle, key: string, n: number): Promise<number> {
  const outcomes = await Promise.allSettled(Array.from({ length: n }, () => throttle.consume(key)));
  return outcomes.filter((o) => o.status === 'fulfilled').length;
}

describe('Throttle', () => {
  describe('in this process (no Redis configured)', () => {
    let throttle: Throttle;
    beforeEach(() => {
      throttle = createThrottle(memory, { limit: 3, windowS: 60, keyPrefix: uniquePrefix(), logger: silent });
    });

    it('counts first, then decides: `limit` attempts pass and the next is refused with the window’s remaining seconds', async () => {
      for (let i = 0; i < 3; i++) await throttle.consume('alice');
      expect(await retryAfterOf(throttle.consume('alice'))).to.be.within(59, 60);
    });

    it('lets exactly `limit` of a concurrent burst through', async () => {
      expect(await admittedOf(throttle, 'alice', 40)).to.equal(3);
    });

    it('gives an attempt back on refund', async () => {
      for (let i = 0; i < 3; i++) await throttle.consume('alice');
      await throttle.refund('alice');
      await throttle.consume('alice');
      await retryAfterOf(throttle.consume('alice'));
    });

    it('counts each key on its own', async () => {
      for (let i = 0; i < 3; i++) await throttle.consume('alice');
      await throttle.consume('bob');
    });

    it('keeps long keys apart', async () => {
      const t = createThrottle(memory, { limit: 1, windowS: 60, keyPrefix: uniquePrefix(), logger: silent });
      const long = 'x'.repeat(10_000);
      await t.consume(long);
      await t.consume(`${long}y`);
      await retryAfterOf(t.consume(long));
    });

    it('refuses a limit or window that is not a positive integer', () => {
      const make = (limit: number, windowS: number) => () => createThrottle(memory, { limit, windowS, keyPrefix: 'p', logger: silent });
      expect(make(0, 60)).to.throw(RangeError);
      expect(make(3, 0.5)).to.throw(RangeError);
    });
  });

  describe('on Redis', () => {
    let cache: RedisCache;
    const keyPrefix = uniquePrefix();
    before(async function () {
      await requireRedis(this);
      cache = await connectRedisCache(redisUrl, silent, `${keyPrefix}:`);
    });
    after(async () => {
      if (!cache) return;
      await deleteKeys(`${keyPrefix}:`);
      await cache.close();
    });

    it('shares one window per key between instances and reports its remaining seconds', async () => {
      const one = createThrottle(throttleStoreOf(cache), { limit: 2, windowS: 30, keyPrefix: 'login', logger: silent });
      const other = createThrottle(throttleStoreOf(cache), { limit: 2, windowS: 30, keyPrefix: 'login', logger: silent });
      await one.consume('alice');
      await other.consume('alice');
      expect(await retryAfterOf(one.consume('alice'))).to.be.within(29, 30);
      await other.consume('bob');
    });

    it('lets exactly `limit` of a concurrent burst through (one atomic script per attempt)', async () => {
      const throttle = createThrottle(throttleStoreOf(cache), { limit: 5, windowS: 30, keyPrefix: 'burst', logger: silent });
      expect(await admittedOf(throttle, 'alice', 40)).to.equal(5);
    });
  });

  describe('through the HTTP stack', () => {
    let server: Server;
    let base: string;
    before(async () => {
      const throttle = createThrottle(memory, { limit: 1, windowS: 60, keyPrefix: uniquePrefix(), logger: silent });
      const r = new Router({ prefix: '/api' });
      r.post('/register', async (ctx) => {
        await throttle.consume(ctx.ip);
        ctx.status = 201;
        ctx.body = {};
      });
      server = createApp({ logger: silent, readiness: [], routers: [r] }).listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise((resolve) => server.close(resolve)));

    it("answers 429 with DRF's text and a Retry-After header", async () => {
      expect((await fetch(`${base}/api/register`, { method: 'POST' })).status).to.equal(201);
      const response = await fetch(`${base}/api/register`, { method: 'POST' });
      const retryAfter = response.headers.get('Retry-After');
      expect(Number(retryAfter)).to.be.within(59, 60);
      const detail = `Request was throttled. Expected available in ${retryAfter} seconds.`;
      expect({ status: response.status, body: await response.json() }).to.deep.equal({ status: 429, body: { error: detail, code: 'throttled', detail } });
    });
  });

  describe('when Redis is unreachable', () => {
    it('counts in this process instead (still bounded), and logs the outage once', async () => {
      const log = capturingLogger();
      const cache = await connectRedisCache(`redis://127.0.0.1:${await freePort()}`, silent);
      try {
        const throttle = createThrottle(throttleStoreOf(cache), { limit: 2, windowS: 60, keyPrefix: 'login', logger: log.logger });
        expect(await admittedOf(throttle, 'alice', 5)).to.equal(2);
        await throttle.consume('bob');
      } finally {
        await cache.close();
      }
      expect(log.lines().map(({ level, msg, throttle }) => ({ level, msg, throttle }))).to.deep.equal([
        { level: 40, msg: 'throttle store unreachable: counting in this process until it is back', throttle: 'login' },
      ]);
    });

    it('logs the recovery once and counts in Redis again', async function () {
      await requireRedis(this);
      const redis = new Redis(redisUrl, { keyPrefix: `${uniquePrefix()}:` });
      let down = false;
      const flaky = new Proxy(redis, {
        get(target, property, receiver) {
          const value: unknown = Reflect.get(target, property, receiver);
          if (property !== 'rlflxIncr' || typeof value !== 'function') return value;
          return (...args: unknown[]) => (down ? Promise.reject(new Error('connection refused')) : Reflect.apply(value, target, args));
        },
      });
      const log = capturingLogger();
      try {
        await redis.ping();
        const throttle = createThrottle({ kind: 'redis', client: flaky }, { limit: 1, windowS: 60, keyPrefix: 'login', logger: log.logger });
        down = true;
        await throttle.consume('alice');
        await retryAfterOf(throttle.consume('alice'));
        down = false;
        await throttle.consume('alice');
        await retryAfterOf(throttle.consume('alice'));
      } finally {
        redis.disconnect();
      }
      expect(log.lines().map((l) => l.msg)).to.deep.equal([
        'throttle store unreachable: counting in this process until it is back',
        'throttle store reachable again: counting in Redis again',
      ]);
    });
  });
});
