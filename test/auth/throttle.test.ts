import Router from '@koa/router';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { pino, type Logger } from 'pino';
import { createThrottle, type Throttle } from '../../src/auth/throttle.js';
import type { Cache } from '../../src/cache/cache.js';
import { MemoryCache } from '../../src/cache/memoryCache.js';
import { connectRedisCache } from '../../src/cache/redisCache.js';
import { Throttled } from '../../src/domain/errors.js';
import { createApp } from '../../src/http/app.js';
import { freePort } from '../support/net.js';
import { redisUrl, requireRedis } from '../support/redis.js';
import { fakeClock } from './clock.js';

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

describe('Throttle', () => {
  describe('fixed window (in-process cache, injected clock)', () => {
    let clock: ReturnType<typeof fakeClock>;
    let throttle: Throttle;
    beforeEach(() => {
      clock = fakeClock();
      throttle = createThrottle(new MemoryCache(clock.now), { limit: 3, windowS: 60, keyPrefix: 'login', logger: silent });
    });

    it('allows `limit` hits per window and refuses the next, with the window’s remaining seconds', async () => {
      for (let i = 0; i < 3; i++) await throttle.hit('alice');
      expect(await retryAfterOf(throttle.hit('alice'))).to.equal(60);
      clock.advance(15);
      expect(await retryAfterOf(throttle.hit('alice'))).to.equal(45);
    });

    it('opens a fresh window when the old one ends, however many hits it refused', async () => {
      for (let i = 0; i < 10; i++) await throttle.hit('alice').catch(() => undefined);
      clock.advance(60);
      await throttle.hit('alice');
    });

    it('checks without counting, and refuses once the limit is used up', async () => {
      for (let i = 0; i < 5; i++) await throttle.check('alice');
      for (let i = 0; i < 3; i++) await throttle.hit('alice');
      clock.advance(59.2);
      expect(await retryAfterOf(throttle.check('alice'))).to.equal(1);
    });

    it('counts each key on its own', async () => {
      for (let i = 0; i < 3; i++) await throttle.hit('alice');
      await throttle.hit('bob');
      await throttle.check('bob');
    });

    it('forgets a key on reset', async () => {
      for (let i = 0; i < 3; i++) await throttle.hit('alice');
      await throttle.reset('alice');
      await throttle.check('alice');
      await throttle.hit('alice');
    });

    it('keeps long keys apart without storing them whole', async () => {
      const cache = new MemoryCache();
      const t = createThrottle(cache, { limit: 1, windowS: 60, keyPrefix: 'p', logger: silent });
      const long = 'x'.repeat(10_000);
      await t.hit(long);
      await t.hit(`${long}y`);
      expect(await cache.get(`p:${long}`)).to.equal(null);
      await retryAfterOf(t.hit(long));
    });

    it('refuses a limit or window that is not a positive integer', () => {
      const make = (limit: number, windowS: number) => () => createThrottle(new MemoryCache(), { limit, windowS, keyPrefix: 'p', logger: silent });
      expect(make(0, 60)).to.throw(RangeError);
      expect(make(3, 0.5)).to.throw(RangeError);
    });
  });

  describe('on Redis', () => {
    let cache: Cache;
    const keyPrefix = uniquePrefix();
    before(async function () {
      await requireRedis(this);
      cache = await connectRedisCache(redisUrl, silent);
    });
    after(async () => {
      if (!cache) return;
      await cache.del(`${keyPrefix}:alice`, `${keyPrefix}:bob`);
      await cache.close();
    });

    it('shares one window per key and reports its remaining seconds', async () => {
      const throttle = createThrottle(cache, { limit: 2, windowS: 30, keyPrefix, logger: silent });
      await throttle.hit('alice');
      await throttle.hit('alice');
      expect(await retryAfterOf(throttle.check('alice'))).to.be.within(29, 30);
      expect(await retryAfterOf(throttle.hit('alice'))).to.be.within(29, 30);
      await throttle.hit('bob');
    });
  });

  describe('through the HTTP stack', () => {
    let server: Server;
    let base: string;
    before(async () => {
      const throttle = createThrottle(new MemoryCache(), { limit: 1, windowS: 60, keyPrefix: 'register', logger: silent });
      const r = new Router({ prefix: '/api' });
      r.post('/register', async (ctx) => {
        await throttle.hit(ctx.ip);
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
      const detail = 'Request was throttled. Expected available in 60 seconds.';
      expect({ status: response.status, retryAfter: response.headers.get('Retry-After'), body: await response.json() }).to.deep.equal({
        status: 429,
        retryAfter: '60',
        body: { error: detail, code: 'throttled', detail },
      });
    });
  });

  describe('when the cache is unreachable', () => {
    it('fails open, and logs the outage once', async () => {
      const log = capturingLogger();
      const cache = await connectRedisCache(`redis://127.0.0.1:${await freePort()}`, silent);
      try {
        const throttle = createThrottle(cache, { limit: 1, windowS: 60, keyPrefix: 'login', logger: log.logger });
        for (let i = 0; i < 5; i++) {
          await throttle.check('alice');
          await throttle.hit('alice');
          await throttle.reset('alice');
        }
      } finally {
        await cache.close();
      }
      expect(log.lines().map(({ level, msg, throttle }) => ({ level, msg, throttle }))).to.deep.equal([
        { level: 40, msg: 'throttle store unreachable: allowing requests unthrottled (fail open)', throttle: 'login' },
      ]);
    });

    it('logs the recovery once and throttles again', async () => {
      const log = capturingLogger();
      const { cache, setDown } = flakyCache();
      const throttle = createThrottle(cache, { limit: 1, windowS: 60, keyPrefix: 'login', logger: log.logger });
      setDown(true);
      await throttle.hit('alice');
      await throttle.hit('alice');
      setDown(false);
      await throttle.hit('alice');
      await retryAfterOf(throttle.hit('alice'));
      expect(log.lines().map((l) => l.msg)).to.deep.equal([
        'throttle store unreachable: allowing requests unthrottled (fail open)',
        'throttle store reachable again: throttling resumed',
      ]);
    });
  });
});

/** A MemoryCache whose every call fails while `down`. */
function flakyCache(): { cache: Cache; setDown: (down: boolean) => void } {
  const inner = new MemoryCache();
  let down = false;
  const cache = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => (down ? Promise.reject(new Error('connection refused')) : Reflect.apply(value, target, args));
    },
  });
  return { cache, setDown: (d) => void (down = d) };
}
