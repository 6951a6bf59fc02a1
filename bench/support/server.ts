import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createDatabase, dropDatabase } from '../../test/support/db.js';
import { freePort } from '../../test/support/net.js';
import { deleteKeys } from '../../test/support/api.js';
import { randomBytes } from 'node:crypto';

export interface BenchServer {
  url: string;
  databaseUrl: string;
  pid: number;
  stop(): Promise<void>;
}


/**
 * The real API in its own process (so the load generator does not share its event loop),
 * on a fresh database that is dropped afterwards. `compiled`: run `dist/` as the Docker image
 * does (build it first with `buildApi`), for numbers such as memory that tsx would inflate.
 */
export async function startBenchServer(env: Record<string, string> = {}, { compiled = false } = {}): Promise<BenchServer> {
  const { url: databaseUrl, name } = await createDatabase('resumate_bench');
  const port = await freePort();
  // Its own key namespace, removed on stop: runs never share throttles, and leave nothing behind.
  const keyPrefix = env.REDIS_KEY_PREFIX ?? `bench:${randomBytes(6).toString('hex')}:`;
  const child: ChildProcess = spawn(process.execPath, compiled ? ['dist/src/main.js'] : ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      SECRET_KEY: 'bench-secret-key-bench-secret-key-bench',
      DATA_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      ALLOWED_HOSTS: '*',
      DEBUG: 'False',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      THROTTLE_REGISTRATIONS_PER_IP: '1000000',
      // One bench user adds thousands of applications: the bench measures the API, not its caps.
      MAX_JOB_APPLICATIONS_PER_USER: '10000000',
      MAX_RESUMES_PER_USER: '10000000',
      ...env,
      REDIS_KEY_PREFIX: keyPrefix,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode}`);
    const up = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    if (up) break;
    if (i > 300) throw new Error('API did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    databaseUrl,
    pid: child.pid!,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await dropDatabase(name);
      await deleteKeys(keyPrefix);
    },
  };
}

/** `npm run build`: compiles the API to dist/ for `startBenchServer(…, { compiled: true })`. */
export function buildApi(): void {
  execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });
}
