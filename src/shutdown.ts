import type { Logger } from './logger.js';

/** Docker and Kubernetes wait 10 s after SIGTERM by default before they SIGKILL. */
const GRACE_MS = 10_000;

/**
 * SIGTERM/SIGINT: `stop` stops accepting, finishes in-flight work and closes pools. The process
 * then exits by itself, when nothing is left open; anything still open after the grace period
 * (a leaked handle, a stuck request) is logged and the exit is forced with code 1.
 */
export function onShutdownSignal(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error({ open: process.getActiveResourcesInfo() }, 'graceful shutdown took too long; exiting');
      process.exit(1);
    }, GRACE_MS);
    force.unref();
    stop().then(
      () => {
        logger.info('stopped; exiting once nothing is left open');
        process.exitCode = 0;
      },
      (err: unknown) => {
        logger.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  // `on`, not `once`: a second signal must find us still listening (it is ignored), or Node's
  // default (and tsx's handler, under `--import tsx`) would kill the process mid-drain.
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
