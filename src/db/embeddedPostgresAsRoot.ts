import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { StartupFailure } from '../startupFailure.js';
import type { PostgresBinaries, ServerAccount } from './embeddedPostgresProcess.js';

/**
 * PostgreSQL refuses to run as root, so as root it runs as a `postgres` system user (created if
 * missing). That user cannot reach a checkout under a private directory (root's home is mode 0700):
 * then the binaries are copied, and the data kept, under this root-owned, world-traversable place.
 */
const REACHABLE_ROOT = '/var/lib/resumate';
const SERVER_USER = 'postgres';

export interface RootPlacement {
  account: ServerAccount;
  binaries: PostgresBinaries;
  /** The real data directory (its path in `<dataDir>/postgres` may be a link to it). */
  databaseDir: string;
}

export async function placeForServerUser(binaries: PostgresBinaries, databaseDir: string, logger: Logger): Promise<RootPlacement> {
  const account = serverAccount();
  const reachableBinaries = canRun(account, binaries.postgres) ? binaries : await copyBinaries(binaries, account);
  return { account, binaries: reachableBinaries, databaseDir: await reachableDataDir(databaseDir, account, logger) };
}

function serverAccount(): ServerAccount {
  const existing = idsOf(SERVER_USER);
  if (existing) return existing;
  try {
    execFileSync('groupadd', ['--system', SERVER_USER], { stdio: 'pipe' });
    execFileSync('useradd', ['--system', '--gid', SERVER_USER, '--no-create-home', '--shell', '/usr/sbin/nologin', SERVER_USER], { stdio: 'pipe' });
  } catch (cause) {
    throw new StartupFailure(`Running as root, the embedded PostgreSQL needs a "${SERVER_USER}" user, and creating it failed: create it, run as another user, or set DATABASE_URL`, { cause });
  }
  const created = idsOf(SERVER_USER);
  if (!created) throw new StartupFailure(`The "${SERVER_USER}" user was created but cannot be found: set DATABASE_URL`);
  return created;
}

function idsOf(user: string): ServerAccount | undefined {
  const id = (flag: string) => Number(spawnSync('id', [flag, user], { encoding: 'utf8' }).stdout.trim() || NaN);
  const [uid, gid] = [id('-u'), id('-g')];
  return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
}

/** Whether `account` can execute `file`, asked the only reliable way: as that user. */
function canRun(account: ServerAccount, file: string): boolean {
  return spawnSync(file, ['--version'], { ...account, stdio: 'ignore' }).status === 0;
}

function canEnter(account: ServerAccount, dir: string): boolean {
  return spawnSync('test', ['-x', dir], { ...account, stdio: 'ignore' }).status === 0;
}

async function copyBinaries(binaries: PostgresBinaries, account: ServerAccount): Promise<PostgresBinaries> {
  const version = (JSON.parse(await fs.readFile(path.join(binaries.root, '..', 'package.json'), 'utf8')) as { version: string }).version;
  const target = path.join(REACHABLE_ROOT, `postgres-${version}`);
  const moved = (file: string) => path.join(target, path.relative(binaries.root, file));
  const copy = { initdb: moved(binaries.initdb), postgres: moved(binaries.postgres), root: target };
  if (canRun(account, copy.postgres)) return copy;
  await makeReachableRoot();
  const partial = `${target}.partial-${process.pid}`;
  await fs.rm(partial, { recursive: true, force: true });
  await fs.cp(binaries.root, partial, { recursive: true, verbatimSymlinks: true });
  await fs.rm(target, { recursive: true, force: true });
  await fs.rename(partial, target);
  if (!canRun(account, copy.postgres)) throw new StartupFailure(`The "${SERVER_USER}" user cannot run PostgreSQL even from ${target}: set DATABASE_URL`);
  return copy;
}

/**
 * `<dataDir>/postgres` itself when the server user can reach it; otherwise a link to a data
 * directory under /var/lib/resumate, made once, so the data stays where `rm -rf .data` resets it.
 */
async function reachableDataDir(databaseDir: string, account: ServerAccount, logger: Logger): Promise<string> {
  const stat = await fs.lstat(databaseDir).catch(() => undefined);
  if (stat?.isSymbolicLink()) return fs.realpath(databaseDir);
  const parent = path.dirname(databaseDir);
  await fs.mkdir(parent, { recursive: true });
  if (stat) {
    if (canEnter(account, parent)) return databaseDir;
    throw new StartupFailure(
      `The "${SERVER_USER}" user cannot reach ${databaseDir} (a parent directory is private): move it, or set DATA_DIR to a directory it can reach`,
    );
  }
  if (canEnter(account, parent)) return databaseDir;
  await makeReachableRoot();
  const home = await fs.mkdtemp(path.join(REACHABLE_ROOT, 'data-'));
  await fs.chmod(home, 0o755);
  const real = path.join(home, 'postgres');
  await fs.symlink(real, databaseDir);
  logger.info({ dataDir: real, link: databaseDir }, `The "${SERVER_USER}" user cannot reach ${parent}: the embedded data lives in ${real}`);
  return real;
}

async function makeReachableRoot(): Promise<void> {
  await fs.mkdir(REACHABLE_ROOT, { recursive: true, mode: 0o755 }).catch((cause: unknown) => {
    throw new StartupFailure(`Cannot create ${REACHABLE_ROOT} for the embedded PostgreSQL: set DATA_DIR outside private directories, or DATABASE_URL`, { cause });
  });
}
