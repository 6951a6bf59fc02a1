import { spawn } from 'node:child_process';

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The store variable blanked (unset, for loadConfig): a child keeps its log in PostgreSQL unless its env names EventStoreDB. */
export const NO_EVENT_STORE = { EVENTSTORE_CONNECTION_STRING: '' };

/** The variables that would point a child at another database, Redis, event store or log format: blanked. */
export const UNSET_INFRASTRUCTURE = { DATABASE_URL: '', DB_NAME: '', REDIS_URL: '', REDIS_HOST: '', ...NO_EVENT_STORE, LOG_FORMAT: '' };

/** Runs a command to its end with its output piped, as a script or `| jq` would; the event store only as `env` names it. */
export function runToEnd(command: string, args: readonly string[], env: Record<string, string>): Promise<Finished> {
  return runWithExactly(command, args, { ...process.env, ...NO_EVENT_STORE, ...env });
}

/** runToEnd with exactly `env` as the child's environment, nothing inherited. */
export function runWithExactly(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The `resumate` command of package.json's `bin`, the way a user runs it in a checkout: `npx resumate …`. */
export const runResumate = (args: readonly string[], env: Record<string, string>): Promise<Finished> =>
  runToEnd('npx', ['--no-install', 'resumate', ...args], env);

/** The API (`node --import tsx src/main.ts`, as `npm start` runs it) until it exits by itself. */
export const runApiToEnd = (env: Record<string, string>): Promise<Finished> => runToEnd(process.execPath, ['--import', 'tsx', 'src/main.ts'], env);

/** Lines of JSON logs at warn level or above, and any non-JSON line (a stray trace). */
export function warningsIn(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .filter((line) => {
      try {
        return ((JSON.parse(line) as { level?: number }).level ?? 0) >= 40;
      } catch {
        return true;
      }
    });
}
