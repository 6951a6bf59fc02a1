import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import { StartupFailure } from '../startupFailure.js';
import { placeForServerUser } from './embeddedPostgresAsRoot.js';
import { runInitdb, spawnPostgres, type InitdbOptions, type PostgresBinaries } from './embeddedPostgresProcess.js';
import { loadEmbeddedPostgres } from './loadEmbeddedPostgres.js';
import { exists, inspectPreviousRun } from './previousRun.js';

// Local only: the server listens on 127.0.0.1 and nowhere else.
const USER = 'postgres';
const PASSWORD = 'postgres';
const DATABASE = 'resumate';

export interface EmbeddedDatabase {
  url: string;
  port: number;
  /** Where its data lives (the real directory, when `<dataDir>/postgres` links elsewhere). */
  databaseDir: string;
  /** True when another ResuMate process runs this server and we only connect to it. */
  shared: boolean;
  stop(): Promise<void>;
}

const urlFor = (port: number, database = DATABASE) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;

/**
 * The zero-setup database: a PostgreSQL shipped in node_modules, its data kept under `<dataDir>/postgres`
 * across restarts. When another ResuMate process already runs it, `whenRunning: 'share'` connects to that
 * one (admin commands beside `npm start`); the default refuses, naming the process that holds it.
 * Every failure is a StartupFailure: one line, naming the cause and the fix.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  logger: Logger;
  whenRunning?: 'share' | 'refuse';
  /** The caller stops on SIGINT/SIGTERM by itself, closing its connections before the database. */
  handlesSignals?: boolean;
  /** Aborts the start (a Ctrl-C during it): initdb is stopped, leaving no half-made data directory. */
  signal?: AbortSignal;
}): Promise<EmbeddedDatabase> {
  const { port, logger } = options;
  const linkedDir = path.resolve(options.dataDir, 'postgres');
  const onOutput = (text: string) => logger.debug({ postgres: text.trim() }, 'embedded PostgreSQL output');
  const fail = (step: string, fix: string) => (cause: unknown) => {
    const detail = cause instanceof Error ? cause.message : String(cause);
    if (cause instanceof StartupFailure || options.signal?.aborted) throw cause;
    throw new StartupFailure(`Embedded PostgreSQL could not ${step} in ${linkedDir}: ${detail}: ${fix}`, { cause });
  };

  const packaged = await loadEmbeddedPostgres();
  const root = process.getuid?.() === 0 ? await placeForServerUser(packaged, linkedDir, logger).catch(fail('be prepared', 'set DATABASE_URL')) : undefined;
  const binaries = root?.binaries ?? packaged;
  const databaseDir = root?.databaseDir ?? linkedDir;

  if (await exists(path.join(databaseDir, 'PG_VERSION'))) {
    const running = await inspectPreviousRun(databaseDir, logger);
    if (running && options.whenRunning === 'share') {
      logger.debug({ port: running.port, owner: running.ownerPid }, 'using the embedded PostgreSQL of the running ResuMate');
      return { url: urlFor(running.port), port: running.port, databaseDir, shared: true, stop: async () => {} };
    }
    if (running) {
      throw new StartupFailure(
        `ResuMate is already running with the embedded database in ${linkedDir} (process ${running.ownerPid}: ${running.owner}; ` +
          `PostgreSQL on 127.0.0.1:${running.port}): stop that one first, or give this one its own DATA_DIR and EMBEDDED_PG_PORT`,
      );
    }
  } else {
    logger.info({ dataDir: databaseDir }, 'Creating the embedded PostgreSQL data directory (first run)');
    const initdbOptions = { account: root?.account, ownProcessGroup: options.handlesSignals ?? false, signal: options.signal, onOutput };
    await initialise(binaries, databaseDir, initdbOptions).catch(fail('initialise its data directory', `remove ${linkedDir} and start again, or set DATABASE_URL`));
  }
  const args = ['-D', databaseDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];
  const spawnOptions = { account: root?.account, ownProcessGroup: options.handlesSignals ?? false, onOutput };
  const server = await spawnPostgres(binaries, args, spawnOptions).catch((cause: unknown) => {
    const taken = cause instanceof Error && /could not bind|already in use/i.test(cause.message);
    if (taken) throw new StartupFailure(`Embedded PostgreSQL could not start: port ${port} is taken: set EMBEDDED_PG_PORT to a free port`, { cause });
    return fail('start', 'see the output above with LOG_LEVEL=debug, or set DATABASE_URL')(cause);
  });
  if (options.signal?.aborted) {
    await server.stop();
    options.signal.throwIfAborted();
  }
  await createDatabaseIfMissing(port).catch(async (cause: unknown) => {
    await server.stop();
    fail(`create the ${DATABASE} database`, 'set DATABASE_URL')(cause);
  });
  logger.debug({ dataDir: databaseDir, port }, 'No DATABASE_URL/DB_NAME set: using the embedded PostgreSQL');
  return { url: urlFor(port), port, databaseDir, shared: false, stop: () => server.stop() };
}

async function initialise(binaries: PostgresBinaries, databaseDir: string, initdbOptions: InitdbOptions) {
  const { account } = initdbOptions;
  await fs.mkdir(databaseDir, { recursive: true, mode: 0o700 });
  // Beside the data directory, which the server user can reach; only that user may read it.
  const passwordFile = path.join(path.dirname(databaseDir), `.pg-password-${randomBytes(6).toString('hex')}`);
  await fs.writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  try {
    if (account) {
      await fs.chown(databaseDir, account.uid, account.gid);
      await fs.chown(passwordFile, account.uid, account.gid);
    }
    const flags = ['--encoding=UTF8', '--locale=C', '--auth=scram-sha-256', `--username=${USER}`, `--pwfile=${passwordFile}`];
    await runInitdb(binaries, [`--pgdata=${databaseDir}`, ...flags], initdbOptions); // cleans up after itself on failure
  } finally {
    await fs.rm(passwordFile, { force: true });
  }
}

async function createDatabaseIfMissing(port: number): Promise<void> {
  const client = new pg.Client({ connectionString: urlFor(port, 'postgres') });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [DATABASE]);
    if (rowCount === 0) await client.query(`create database ${client.escapeIdentifier(DATABASE)}`);
  } finally {
    await client.end();
  }
}
