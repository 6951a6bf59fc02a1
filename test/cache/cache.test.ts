import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { pino, type Logger } from 'pino';
import type { Cache } from '../../src/cache/cache.js';
import { createCache } from '../../src/cache/createCache.js';
import { MemoryCache } from '../../src/cache/memoryCache.js';
import type { RedisCache } from '../../src/cache/redisCache.js';
import { freePort } from '../support/net.js';
import { until } from '../support/until.js';
import { expectTtl } from '../support/ttl.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const silent = pino({ level: 'silent' });

function capturingLogger(): { logger: Logger; lines: () => Array<{ level: number; msg: string }> } {
  const written: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void written.push(line) });
  return { logger, lines: () => written.map((line) => JSON.parse(line) as { level: number; msg: string }) };
}


function behavesAsACache(name: string, open: () => Promise<Cache>): void {
  describe(`${name} cache`, () => {
    const prefix = `test:cache:${randomBytes(6).toString('hex')}:`;
    const used = new Set<string>();
    const key = (name: string): string => {
      used.add(prefix + name);
      return prefix + name;
    };
    let cache: Cache;

    before(async () => {
      cache = await open();
    });
    after(async () => {
      await cache.del(...used);
      await cache.close();
    });

    it('answers null for a missing key', async () => {
      expect(await cache.get(key('missing'))).to.equal(null);
    });

    it('returns what was set, with its TTL', async () => {
      await cache.set(key('a'), '{"data":[1,2,"é"]}', 3600);
      expect(await cache.get(key('a'))).to.equal('{"data":[1,2,"é"]}');
      expectTtl(await cache.ttl(key('a')), 3600);
    });

    it('overwrites the value and the TTL', async () => {
      await cache.set(key('b'), 'old', 3600);
      await cache.set(key('b'), 'new', 60);
      expect(await cache.get(key('b'))).to.equal('new');
      expect(await cache.ttl(key('b'))).to.be.within(59, 60);
    });

    it('forgets a value once its TTL has passed', async () => {
      await cache.set(key('short'), 'v', 1);
      await until(async () => (await cache.get(key('short'))) === null, 'the short TTL to expire');
      expect(await cache.ttl(key('short'))).to.equal(-2);
    });

    it('deletes several keys at once, and accepts none', async () => {
      await cache.set(key('d1'), '1', 60);
      await cache.set(key('d2'), '2', 60);
      await cache.del(key('d1'), key('d2'), key('never-set'));
      await cache.del();
      expect([await cache.get(key('d1')), await cache.get(key('d2'))]).to.deep.equal([null, null]);
    });

    it('answers -2 as the TTL of a missing key', async () => {
      expect(await cache.ttl(key('no-ttl'))).to.equal(-2);
    });

    it('counts hits, starting the window on the first and never extending it', async () => {
      expect(await cache.incrWithTtl(key('hits'), 100)).to.equal(1);
      expect(await cache.incrWithTtl(key('hits'), 5000)).to.equal(2);
      expect(await cache.incrWithTtl(key('hits'), 5000)).to.equal(3);
      expectTtl(await cache.ttl(key('hits')), 100);
    });

    it('counts concurrent hits without losing any', async () => {
      const counts = await Promise.all(Array.from({ length: 25 }, () => cache.incrWithTtl(key('burst'), 60)));
      expect([...counts].sort((x, y) => x - y)).to.deep.equal(Array.from({ length: 25 }, (_, i) => i + 1));
    });

    it('starts a new window once the old one has expired', async () => {
      await cache.incrWithTtl(key('window'), 1);
      await cache.incrWithTtl(key('window'), 1);
      await until(async () => (await cache.ttl(key('window'))) === -2, 'the window to expire');
      expect(await cache.incrWithTtl(key('window'), 60)).to.equal(1);
    });

    it('sets a missing key once, and leaves a present one alone', async () => {
      expect(await cache.setIfAbsent(key('once'), 'first', 120)).to.equal(true);
      expect(await cache.setIfAbsent(key('once'), 'second', 5000)).to.equal(false);
      expect(await cache.get(key('once'))).to.equal('first');
      expectTtl(await cache.ttl(key('once')), 120);
    });

    it('lets exactly one of concurrent setIfAbsent calls win', async () => {
      const wins = await Promise.all(Array.from({ length: 10 }, (_, i) => cache.setIfAbsent(key('race'), String(i), 60)));
      expect(wins.filter(Boolean)).to.have.length(1);
    });

    it('sets a key again once the old one has expired', async () => {
      await cache.setIfAbsent(key('again'), 'old', 1);
      await until(async () => (await cache.get(key('again'))) === null, 'the renewed TTL to expire');
      expect(await cache.setIfAbsent(key('again'), 'new', 60)).to.equal(true);
      expect(await cache.get(key('again'))).to.equal('new');
    });

    it('refuses to count a key that holds text', async () => {
      await cache.set(key('text'), 'hello', 60);
      let failure: unknown;
      await cache.incrWithTtl(key('text'), 60).catch((err: unknown) => (failure = err));
      expect(failure).to.be.instanceOf(Error);
    });

    it('refuses a TTL that is not a positive whole number of seconds', async () => {
      for (const ttl of [0, -1, 1.5]) {
        let failure: unknown;
        await cache.set(key('bad-ttl'), 'v', ttl).catch((err: unknown) => (failure = err));
        expect(failure, String(ttl)).to.be.instanceOf(RangeError);
      }
      expect(await cache.get(key('bad-ttl'))).to.equal(null);
    });

    it('refuses a bad TTL for setIfAbsent too', async () => {
      let failure: unknown;
      await cache.setIfAbsent(key('bad-ttl-nx'), 'v', 0).catch((err: unknown) => (failure = err));
      expect(failure).to.be.instanceOf(RangeError);
      expect(await cache.get(key('bad-ttl-nx'))).to.equal(null);
    });

    it('answers a ping', async () => {
      await cache.ping();
    });
  });
}

describe('Cache', () => {
  behavesAsACache('memory', async () => new MemoryCache());
  behavesAsACache('redis', () => createCache({ kind: 'url', url: redisUrl }, silent));

  describe('createCache', () => {
    it('says in the log that it uses the in-process cache when no Redis is configured', async () => {
      const { logger, lines } = capturingLogger();
      const cache = await createCache({ kind: 'memory' }, logger);
      await cache.close();
      expect(cache.kind).to.equal('memory');
      expect(lines().map((l) => l.msg)).to.include(
        'No REDIS_URL/REDIS_HOST set: using the in-process cache (per process; not shared between instances)',
      );
    });

    it('says in the log that it uses Redis', async () => {
      const { logger, lines } = capturingLogger();
      const cache = await createCache({ kind: 'url', url: redisUrl }, logger);
      await cache.close();
      expect(cache.kind).to.equal('redis');
      expect(lines().map((l) => l.msg)).to.include('Using Redis for the cache');
    });
  });

  describe('redis cache while Redis is down', () => {
    let port: number;
    let cache: Cache;
    const log = capturingLogger();

    before(async () => {
      port = await freePort();
      // A start that waited for Redis would hang here until the test's timeout.
      cache = await createCache({ kind: 'url', url: `redis://127.0.0.1:${port}` }, log.logger);
    });
    after(() => cache.close());

    it('rejects ping() and get() at once instead of hanging', async () => {
      for (const call of [() => cache.ping(), () => cache.get('any'), () => cache.set('any', 'v', 60), () => cache.incrWithTtl('any', 60)]) {
        // Rejected, not queued until Redis returns (which would hang until the test's timeout).
        const failure = await call().then(() => undefined, (err: unknown) => err);
        expect(failure).to.be.instanceOf(Error);
      }
    });

    it('logs the outage once, not on every reconnect attempt', async () => {
      let failedAttempts = 0;
      (cache as RedisCache).client.on('error', () => failedAttempts++);
      await until(() => failedAttempts >= 3, 'three more failed reconnect attempts');
      const warnings = log.lines().filter((l) => l.level === 40);
      expect(warnings).to.have.length(1);
      expect(warnings[0]?.msg).to.match(/Redis unavailable/);
    });
  });

  describe('redis cache when Redis comes back', () => {
    const target = new URL(redisUrl);
    const sockets = new Set<net.Socket>();
    let proxy: net.Server | undefined;

    after(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(undefined)));
    });

    it('reconnects by itself and serves again', async () => {
      const port = await freePort();
      const url = new URL(redisUrl);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      const cache = await createCache({ kind: 'url', url: url.toString() }, silent);
      try {
        let failure: unknown;
        await cache.ping().catch((err: unknown) => (failure = err));
        expect(failure).to.be.instanceOf(Error);

        // A plain TCP relay to the real Redis appears on the port the cache keeps trying.
        proxy = net.createServer((client) => {
          const upstream = net.connect(Number(target.port || 6379), target.hostname.replace(/^\[|\]$/g, ''));
          for (const s of [client, upstream]) {
            sockets.add(s);
            s.on('error', () => s.destroy());
            s.on('close', () => sockets.delete(s));
          }
          client.pipe(upstream).pipe(client);
        });
        await new Promise<void>((resolve) => proxy?.listen(port, '127.0.0.1', resolve));

        await until(() => cache.ping().then(() => true, () => false), 'Redis to answer again');
        const k = `test:cache:${randomBytes(6).toString('hex')}:recovered`;
        await cache.set(k, 'yes', 60);
        expect(await cache.get(k)).to.equal('yes');
        await cache.del(k);
      } finally {
        await cache.close();
      }
    });
  });
});
