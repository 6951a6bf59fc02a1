import pino, { type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

/** Structured JSON logs; secrets that might ride along in an object are redacted. */
export function createLogger(level: LevelWithSilent, name = 'resumate'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ['password', '*.password', 'passwordHash', '*.passwordHash', 'authorization', '*.authorization', 'secretKey', '*.secretKey'],
      censor: '[redacted]',
    },
  });
}
