import type { Logger } from '../logger.js';

/** A client that went away mid-response (a streamed list it stopped reading, a reset): not a server error. */
const CLIENT_GONE = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** Koa's 'error' event: what escaped the error middleware (mostly a response stream that failed). */
export const logKoaError =
  (logger: Logger) =>
  (err: unknown): void => {
    const code = (err as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && CLIENT_GONE.has(code)) logger.debug({ err }, 'client went away before the response ended');
    else logger.error({ err }, 'koa error');
  };
