import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { eventStoreEnv } from './eventStore.js';
import { freePort } from './net.js';
import { redisUrl } from './redis.js';
import { NO_EVENT_STORE } from './command.js';
import { TEST_DATA_KEY_ENCRYPTION_KEY } from './dataKeys.js';

export const CHILD_SECRET_KEY = 'child-api-secret-key-that-is-long-enough-for-hs256';

/** A process of ours (`src/main.ts` or `src/projectorWorker.ts`), started with `node --import tsx`. */
export class ChildProcessHandle {
  private readonly output: string[] = [];
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString('utf8'));
      this.output.splice(0, Math.max(0, this.output.length - 200));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Its last lines of output, for a failure message. */
  recentOutput(): string {
    return this.output.join('').split('\n').slice(-40).join('\n');
  }

  /** SIGKILL: no shutdown hook runs, as when the machine or the OOM killer ends it. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM and wait for a graceful exit (SIGKILL after `graceMs`). */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Peak resident set size so far (VmHWM), in bytes; undefined where /proc is missing. */
  async peakRssBytes(): Promise<number | undefined> {
    const status = await readFile(`/proc/${this.pid}/status`, 'utf8').catch(() => '');
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  }
}

export interface ChildApi extends ChildProcessHandle {
  url: string;
  port: number;
  env: Record<string, string>;
}

/** The environment a child API or projector runs with: its database and this run's event store for it, its own Redis key prefix, quiet logs. */
export function childEnv(databaseUrl: string, env: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    ...eventStoreEnv(databaseUrl),
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: `child:${randomBytes(6).toString('hex')}:`,
    SECRET_KEY: CHILD_SECRET_KEY,
    DATA_KEY_ENCRYPTION_KEY: TEST_DATA_KEY_ENCRYPTION_KEY,
    ALLOWED_HOSTS: '*',
    HOST: '127.0.0.1',
    DEBUG: 'False',
    LOG_LEVEL: 'warn',
    BCRYPT_ROUNDS: '4',
    THROTTLE_REGISTRATIONS_PER_IP: '1000000',
    THROTTLE_LOGIN_FAILURES_PER_IP: '1000000',
    SEED_EXAMPLES: 'False',
    ...env,
  };
}

/**
 * `ownProcessGroup`: the child leads a process group, so a test can signal the group as a terminal's Ctrl-C does.
 * The event store is never inherited: `env` names it (childEnv does), or the child keeps its log in PostgreSQL.
 */
function spawnTsx(entry: string, env: Record<string, string>, ownProcessGroup = false): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, ...NO_EVENT_STORE, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: ownProcessGroup,
  });
}

/**
 * The real API (`src/main.ts`) in its own process, so a test can SIGKILL it; resolves once
 * GET /healthz answers. Pass the same `env` (and so the same PORT) to start it again.
 */
export async function startChildApi(env: Record<string, string>, readyTimeoutMs = 60_000, { ownProcessGroup = false } = {}): Promise<ChildApi> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const fullEnv = { ...env, PORT: String(port) };
  const handle = new ChildProcessHandle(spawnTsx('src/main.ts', fullEnv, ownProcessGroup));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (!handle.running) throw new Error(`API exited during start-up:\n${handle.recentOutput()}`);
    if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) {
      await handle.kill();
      throw new Error(`API did not answer /healthz within ${readyTimeoutMs} ms:\n${handle.recentOutput()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Object.assign(handle, { url, port, env: fullEnv });
}

/** `npm run projector` in its own process. */
export function startChildProjector(env: Record<string, string>): ChildProcessHandle {
  return new ChildProcessHandle(spawnTsx('src/projectorWorker.ts', env));
}
