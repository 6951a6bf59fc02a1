import { wantsStartupStackTrace } from './config.js';

/**
 * A start-up problem the operator can fix: the message is one line naming the cause and the fix.
 * main.ts prints it without a stack trace (LOG_LEVEL=debug adds the trace).
 */
export class StartupFailure extends Error {
  override readonly name = 'StartupFailure';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message.replace(/\s+/g, (space) => (space.includes('\n') ? ' | ' : space)), options);
  }
}

/** Ends a process that could not start: the failure's one line, exit code 1; with LOG_LEVEL=debug (or trace), its stack trace instead. */
export function exitWithStartupFailure(err: Error): never {
  console.error(wantsStartupStackTrace() ? traceOf(err) : err.message);
  process.exit(1);
}

function traceOf(err: unknown): string {
  const lines: string[] = [];
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) lines.push(depth === 0 ? (e.stack ?? e.message) : `Caused by: ${e.stack ?? e.message}`);
  return lines.join('\n');
}
