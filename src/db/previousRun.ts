import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { StartupFailure } from '../startupFailure.js';

const SHUTDOWN_WAIT_MS = 30_000;

/** A postgres serving our data directory for a live ResuMate process (the API, or an admin command). */
export interface RunningServer {
  postgresPid: number;
  port: number;
  ownerPid: number;
  /** The owner's command line, to tell the operator which process holds it. */
  owner: string;
}

/**
 * Looks at postmaster.pid. A run killed with SIGKILL leaves it behind, and usually its postgres too,
 * orphaned but still holding the data directory: that orphan is stopped here. PostgreSQL itself
 * ignores a pid file whose process is gone, but refuses to start when that pid now belongs to another
 * process (common after a container restart): that pid file is removed. A postgres still started by a
 * live Node process is another ResuMate's, and is returned. Needs /proc; elsewhere PostgreSQL's own
 * check decides.
 */
export async function inspectPreviousRun(databaseDir: string, logger: Logger): Promise<RunningServer | undefined> {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  const lines = (await fs.readFile(pidFile, 'utf8').catch(() => '')).split('\n');
  const pid = Number(lines[0]);
  if (!Number.isSafeInteger(pid) || pid <= 0 || !isAlive(pid) || !(await exists('/proc/self/cmdline'))) return undefined;

  const args = (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
  const servesThisDirectory = path.basename(args[0] ?? '') === 'postgres' && args[args.indexOf('-D') + 1] === databaseDir;
  if (!servesThisDirectory) {
    await fs.rm(pidFile, { force: true });
    logger.warn({ stalePid: pid }, 'Removed a stale postmaster.pid: its process id now belongs to another program');
    return undefined;
  }
  const ownerPid = await nodeParentOf(pid);
  if (ownerPid !== undefined) {
    const owner = (await fs.readFile(`/proc/${ownerPid}/cmdline`, 'utf8').catch(() => 'node')).split('\0').filter(Boolean).join(' ');
    return { postgresPid: pid, port: Number(lines[3]), ownerPid, owner };
  }
  logger.warn({ postgresPid: pid }, 'Stopping the embedded PostgreSQL left running by a previous run that was killed');
  process.kill(pid, 'SIGINT'); // "fast" shutdown: rolls back open transactions, keeps committed data
  const deadline = Date.now() + SHUTDOWN_WAIT_MS;
  while (isAlive(pid) && (await exists(pidFile))) {
    if (Date.now() > deadline) {
      throw new StartupFailure(`Embedded PostgreSQL left by a previous run (pid ${pid}) did not stop within ${SHUTDOWN_WAIT_MS} ms: stop it (kill ${pid}) and start again`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}

/** An orphan has been handed to init or a subreaper; a live server still has the Node process that started it. */
async function nodeParentOf(pid: number): Promise<number | undefined> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  if (!Number.isSafeInteger(parent) || parent <= 1) return undefined;
  const executable = await fs.readlink(`/proc/${parent}/exe`).catch(() => 'node'); // unreadable: assume in use, the safe side
  return path.basename(executable).startsWith('node') ? parent : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const exists = (file: string): Promise<boolean> =>
  fs.access(file).then(
    () => true,
    () => false,
  );
