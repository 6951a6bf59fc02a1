import pino, { type Logger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

export interface LoggerOptions {
  name?: string;
  /** LOG_FORMAT; unset: human-readable on a terminal, JSON lines otherwise. */
  format?: 'pretty' | 'json';
  /** Commands whose stdout is their output (the admin CLI) log to stderr. */
  toStderr?: boolean;
}

/** Logs for people on a terminal, JSON lines for machines; secrets that might ride along in an object are redacted. */
export function createLogger(level: LevelWithSilent, { name = 'resumate', format, toStderr = false }: LoggerOptions = {}): Logger {
  const fd = toStderr ? 2 : 1;
  const onTerminal = (toStderr ? process.stderr : process.stdout).isTTY;
  const options = {
    name,
    level,
    redact: {
      paths: ['password', '*.password', 'passwordHash', '*.passwordHash', 'authorization', '*.authorization', 'secretKey', '*.secretKey'],
      censor: '[redacted]',
    },
  };
  if ((format ?? (onTerminal ? 'pretty' : 'json')) === 'json') return toStderr ? pino(options, pino.destination(fd)) : pino(options);
  // Synchronous, in this thread: a line is on the terminal before the process exits, with no worker to flush.
  return pino(
    options,
    pretty({
      destination: fd,
      sync: true,
      colorize: onTerminal,
      translateTime: 'SYS:HH:MM:ss',
      ignore: `pid,hostname,name,${REQUEST_FIELDS.join(',')}`,
      messageFormat: (log, messageKey) =>
        log[messageKey] === 'request' ? requestLine(log) : `${String(log[messageKey] ?? '')}${log.requestId ? ` (request ${String(log.requestId)})` : ''}`,
    }),
  );
}

/** The request log's fields (see requestLog.ts), shown on a terminal as `GET /api/x 200 1.9 ms`. */
const REQUEST_FIELDS = ['requestId', 'method', 'route', 'status', 'latencyMs', 'userId'];

function requestLine(log: Record<string, unknown>): string {
  const text = (key: string) => String(log[key] ?? '');
  const user = log.userId ? ` user ${text('userId')}` : '';
  return `${text('method')} ${text('route')} ${text('status')} ${text('latencyMs')} ms${user} (request ${text('requestId')})`;
}
