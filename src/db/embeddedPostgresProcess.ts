import { spawn, type ChildProcess } from 'node:child_process';
import { childProcessEnv } from '../config.js';

const RECENT_LINES = 20;
const SMART_SHUTDOWN_MS = 2_000;

/** The uid/gid PostgreSQL runs as when we are root (it refuses to run as root). */
export interface ServerAccount {
  uid: number;
  gid: number;
}

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  /** The directory holding bin/, lib/ and share/: postgres finds its libraries relative to its binary. */
  root: string;
}

/** The last lines a PostgreSQL program wrote, for a failure message. */
class RecentOutput {
  private readonly lines: string[] = [];
  add(text: string): void {
    this.lines.push(...text.split('\n').filter((line) => line.trim() !== ''));
    this.lines.splice(0, Math.max(0, this.lines.length - RECENT_LINES));
  }
  toString(): string {
    return this.lines.join(' | ') || 'no output';
  }
}

const LOCALE_ENV = { LC_ALL: 'C', LC_MESSAGES: 'C' };

export interface InitdbOptions {
  account: ServerAccount | undefined;
  ownProcessGroup: boolean;
  signal?: AbortSignal;
  onOutput: (text: string) => void;
}

/**
 * Runs initdb to completion; rejects with its output. With `ownProcessGroup`, a terminal's Ctrl-C
 * does not reach it: `signal` stops it instead (it and its bootstrap backend), and the promise
 * rejects with the signal's reason only once initdb has exited, having emptied the data directory.
 */
export function runInitdb(binaries: PostgresBinaries, args: readonly string[], options: InitdbOptions): Promise<void> {
  const { account, signal, onOutput } = options;
  const recent = new RecentOutput();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const child = spawn(binaries.initdb, args, {
      ...account,
      detached: options.ownProcessGroup,
      env: childProcessEnv(LOCALE_ENV),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stop = () => {
      if (child.pid === undefined) return;
      process.kill(options.ownProcessGroup ? -child.pid : child.pid, 'SIGTERM');
    };
    signal?.addEventListener('abort', stop, { once: true });
    const collect = (chunk: Buffer) => {
      recent.add(chunk.toString('utf8'));
      onOutput(chunk.toString('utf8'));
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (err) => {
      signal?.removeEventListener('abort', stop);
      reject(err);
    });
    child.once('close', (code, signalName) => {
      signal?.removeEventListener('abort', stop);
      if (signal?.aborted) reject(signal.reason as Error);
      else if (code === 0) resolve();
      else reject(new Error(`initdb exited with ${code ?? signalName}: ${String(recent)}`));
    });
  });
}

export interface PostgresServer {
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts postgres and resolves once it accepts connections. With `ownProcessGroup` (for a process that
 * stops gracefully on SIGINT), a Ctrl-C in the terminal reaches only us: we close our connections
 * first, then stop it. Without it, a Ctrl-C stops both at once, so neither outlives the other.
 */
export function spawnPostgres(
  binaries: PostgresBinaries,
  args: readonly string[],
  options: { account: ServerAccount | undefined; ownProcessGroup: boolean; onOutput: (text: string) => void },
): Promise<PostgresServer> {
  const { account, onOutput } = options;
  const recent = new RecentOutput();
  const child = spawn(binaries.postgres, args, {
    ...account,
    detached: options.ownProcessGroup,
    env: childProcessEnv(LOCALE_ENV),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // A crash of ours must not leave it running; a SIGKILL does, and the next start clears it (see previousRun.ts).
  const stopOnExit = () => child.kill('SIGINT');
  process.once('exit', stopOnExit);
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let stopping: Promise<void> | undefined;
  const server: PostgresServer = {
    child,
    stop: () =>
      (stopping ??= (async () => {
        process.off('exit', stopOnExit);
        if (child.exitCode === null && child.signalCode === null) {
          // "Smart" shutdown waits for the connections our pools are still closing (pg's pool.end()
          // resolves before its sockets close): a "fast" one would terminate them, and each would
          // log an error. Another process's connections (an admin command) get a bounded wait.
          child.kill('SIGTERM');
          const fast = setTimeout(() => child.kill('SIGINT'), SMART_SHUTDOWN_MS);
          await exited;
          clearTimeout(fast);
        }
        await exited;
      })()),
  };
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      recent.add(text);
      onOutput(text);
      if (text.includes('database system is ready to accept connections')) resolve(server);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (err) => {
      process.off('exit', stopOnExit);
      reject(err);
    });
    void exited.then(() => {
      process.off('exit', stopOnExit);
      reject(new Error(`postgres exited: ${String(recent)}`));
    });
  });
}
