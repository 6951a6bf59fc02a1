import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from './net.js';
import { until } from './until.js';

export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Redis tests skip (loudly) on a machine without Redis, so `npm test` still runs on a
 * fresh machine with only Node; CI sets REQUIRE_REDIS=1, which turns a skip into a failure.
 */
export async function requireRedis(ctx: Mocha.Context): Promise<void> {
  const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch {
    if (process.env.REQUIRE_REDIS) throw new Error(`Redis is required here (REQUIRE_REDIS is set) but ${redisUrl} does not answer`);
    console.warn(`    SKIPPED: no Redis answers at ${redisUrl}; set REDIS_URL to run the Redis tests`);
    ctx.skip();
  } finally {
    client.disconnect();
  }
}


/** A private redis-server on its own port, for tests that need to stop Redis. */
export class DisposableRedis {
  private constructor(readonly port: number, private readonly child: ChildProcess) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(ctx: Mocha.Context): Promise<DisposableRedis> {
    const port = await freePort();
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const spawned = await new Promise<boolean>((resolve) => {
      child.once('spawn', () => resolve(true));
      child.once('error', () => resolve(false));
    });
    if (!spawned) {
      if (process.env.REQUIRE_REDIS) throw new Error('redis-server is required here (REQUIRE_REDIS is set) but could not be started');
      console.warn('    SKIPPED: redis-server is not installed');
      ctx.skip();
    }
    const redis = new DisposableRedis(port, child);
    const answers = async () => {
      const probe = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => undefined);
      const up = await probe.connect().then(() => true, () => false);
      probe.disconnect();
      return up;
    };
    try {
      await until(answers, 'redis-server to start', 20_000);
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
    return redis;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }
}
