import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import type { Cache } from '../../src/cache/cache.js';
import { answerWithCachedList, createCachedLists, type CachedLists } from '../../src/cache/cachedList.js';
import { createCache } from '../../src/cache/createCache.js';
import { MemoryCache } from '../../src/cache/memoryCache.js';
import { freePort } from '../support/net.js';
import { redisUrl, requireRedis } from '../support/redis.js';
import { until } from '../support/until.js';
import { expectTtl } from '../support/ttl.js';

const silent = pino({ level: 'silent' });

function capturingLogger(): { logger: Logger; lines: () => Array<{ level: number; msg: string }> } {
  const written: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void written.push(line) });
  return { logger, lines: () => written.map((line) => JSON.parse(line) as { level: number; msg: string }) };
}

/** A loader that counts its calls and answers the current `value`, optionally held until released. */
function countingLoader<T>(value: T) {
  let release: () => void = () => undefined;
  let gate: Promise<void> | undefined;
  const loader = {
    calls: 0,
    value,
    hold() {
      gate = new Promise((resolve) => (release = resolve));
    },
    release: () => release(),
    load: async (): Promise<T> => {
      loader.calls += 1;
      const answer = loader.value;
      await (gate ?? new Promise((resolve) => setTimeout(resolve, 5)));
      return answer;
    },
  };
  return loader;
}

async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 0 });
  try {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

function behavesAsCachedLists(name: string, open: (prefix: string) => Promise<Cache>): void {
  describe(`cached lists on the ${name} cache`, () => {
    const prefix = `test:lists:${randomBytes(6).toString('hex')}:`;
    let cache: Cache;
    let lists: CachedLists;
    let n = 0;
    const freshKey = () => `list_${++n}`;

    before(async function () {
      if (name === 'redis') await requireRedis(this);
      cache = await open(prefix);
      lists = createCachedLists(cache, silent);
    });
    after(async () => {
      await cache?.close();
      if (name === 'redis') await deleteKeys(prefix);
    });

    it('answers a MISS from the database, then a HIT from the cache', async () => {
      const key = freshKey();
      const loader = countingLoader([{ id: 1, name: 'é' }]);
      expect(await lists.read(key, loader.load)).to.deep.equal({ status: 'MISS', data: [{ id: 1, name: 'é' }] });
      expect(await lists.read(key, loader.load)).to.deep.equal({ status: 'HIT', data: [{ id: 1, name: 'é' }] });
      expect(loader.calls).to.equal(1);
    });

    it('keeps a list for an hour', async () => {
      const key = freshKey();
      await lists.read(key, countingLoader([]).load);
      expectTtl(await cache.ttl(key), 3600);
    });

    it('loads again after an invalidation', async () => {
      const key = freshKey();
      const loader = countingLoader(['old']);
      await lists.read(key, loader.load);
      loader.value = ['new'];
      await lists.invalidate([key]);
      expect(await lists.read(key, loader.load)).to.deep.equal({ status: 'MISS', data: ['new'] });
      expect(await lists.read(key, loader.load)).to.deep.equal({ status: 'HIT', data: ['new'] });
      expect(loader.calls).to.equal(2);
    });

    it('collapses 20 concurrent misses into one database read', async () => {
      const key = freshKey();
      const loader = countingLoader({ models: ['a', 'b'] });
      const reads = await Promise.all(Array.from({ length: 20 }, () => lists.read(key, loader.load)));
      expect(loader.calls).to.equal(1);
      for (const read of reads) expect(read).to.deep.equal({ status: 'MISS', data: { models: ['a', 'b'] } });
    });

    it('does not keep a list that was loaded before an invalidation it finished after', async () => {
      const key = freshKey();
      const loader = countingLoader(['before the change']);
      loader.hold();
      const inFlight = lists.read(key, loader.load);
      await until(() => loader.calls === 1, 'the load to start');
      loader.value = ['after the change'];
      await lists.invalidate([key]);
      loader.release();
      expect((await inFlight).data).to.deep.equal(['before the change']);
      expect(await lists.read(key, loader.load)).to.deep.equal({ status: 'MISS', data: ['after the change'] });
    });

    it('does not let a read that starts after an invalidation join a load that started before it', async () => {
      const key = freshKey();
      const loader = countingLoader(['before the change']);
      loader.hold();
      const early = lists.read(key, loader.load);
      await until(() => loader.calls === 1, 'the early load to start');
      loader.value = ['after the change'];
      await lists.invalidate([key]);
      const late = lists.read(key, loader.load);
      await until(() => loader.calls === 2, 'the late read to start a load of its own');
      loader.release();
      expect((await early).data).to.deep.equal(['before the change']);
      expect((await late).data).to.deep.equal(['after the change']);
      expect(loader.calls).to.equal(2);
    });
  });
}

describe('CachedLists', () => {
  behavesAsCachedLists('memory', async () => new MemoryCache());
  behavesAsCachedLists('redis', (prefix) => createCache({ kind: 'url', url: redisUrl }, silent, prefix));

  describe('on Redis', () => {
    it("namespaces its keys with the cache's key prefix", async function () {
      await requireRedis(this);
      const prefix = `test:lists:${randomBytes(6).toString('hex')}:`;
      const cache = await createCache({ kind: 'url', url: redisUrl }, silent, prefix);
      const raw = new Redis(redisUrl);
      try {
        await createCachedLists(cache, silent).read('example_job_applications_list', async () => [1]);
        expect(await raw.get(`${prefix}example_job_applications_list`)).to.equal('[1]');
      } finally {
        raw.disconnect();
        await cache.close();
        await deleteKeys(prefix);
      }
    });
  });

  describe('while Redis is down', () => {
    const log = capturingLogger();
    let cache: Cache;
    let lists: CachedLists;

    before(async () => {
      cache = await createCache({ kind: 'url', url: `redis://127.0.0.1:${await freePort()}` }, silent);
      lists = createCachedLists(cache, log.logger);
    });
    after(() => cache.close());

    it('answers every read from the database, as a BYPASS, and logs that once, not on every request', async () => {
      const loader = countingLoader(['from the database']);
      for (let i = 0; i < 3; i++) expect(await lists.read('ai_models_list', loader.load)).to.deep.equal({ status: 'BYPASS', data: ['from the database'] });
      expect(loader.calls).to.equal(3);
      const warnings = log.lines().filter((l) => l.level === 40);
      expect(warnings.map((w) => w.msg)).to.deep.equal(['Redis unavailable: cached lists answered from the database']);
    });

    it('logs a failed invalidation instead of throwing it', async () => {
      await lists.invalidate(['ai_models_list']);
      expect(log.lines().filter((l) => l.level === 50).map((l) => l.msg)).to.deep.equal([
        'could not invalidate cached lists: they may stay stale until their TTL ends',
      ]);
    });

    it('propagates a failing database read', async () => {
      let failure: unknown;
      await lists.read('ai_models_list', () => Promise.reject(new Error('database down'))).catch((err: unknown) => (failure = err));
      expect(failure).to.have.property('message', 'database down');
    });
  });

  describe('answerWithCachedList', () => {
    const answer = (status: 'HIT' | 'MISS' | 'BYPASS', kind: 'redis' | 'memory' = 'redis') => {
      const headers: Record<string, string> = {};
      const ctx = { set: (field: string, value: string) => void (headers[field] = value), body: undefined as unknown };
      answerWithCachedList(ctx, { status, data: [1] }, kind);
      return { headers, body: ctx.body };
    };

    it('writes the status as the original did, in the body and the X-Cache-Status header', () => {
      expect(answer('HIT')).to.deep.equal({ headers: { 'X-Cache-Status': 'HIT' }, body: { cache_status: 'HIT (Response from Redis cache)', data: [1] } });
      expect(answer('MISS')).to.deep.equal({ headers: { 'X-Cache-Status': 'MISS' }, body: { cache_status: 'MISS (Response from database)', data: [1] } });
      expect(answer('BYPASS')).to.deep.equal({
        headers: { 'X-Cache-Status': 'BYPASS' },
        body: { cache_status: 'BYPASS (Redis unavailable; response from database)', data: [1] },
      });
    });

    it('says a HIT came from the in-process cache when there is no Redis', () => {
      expect(answer('HIT', 'memory')).to.deep.equal({ headers: { 'X-Cache-Status': 'HIT' }, body: { cache_status: 'HIT (Response from in-process cache)', data: [1] } });
    });
  });
});
