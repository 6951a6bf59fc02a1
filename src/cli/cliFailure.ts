import { InvalidArgumentError } from 'commander';
import { AppError, ValidationFailed } from '../domain/errors.js';

/** A refusal for the person at the terminal: a message, and exit code 1 (failed) or 2 (wrong usage). */
export class CliFailure extends Error {
  constructor(message: string, readonly exitCode: 1 | 2 = 1) {
    super(message);
    this.name = 'CliFailure';
  }
}

/**
 * Runs a command's work and turns refusals into a message on stderr and an exit code:
 * wrong input 2, anything else refused or a file that cannot be written 1.
 */
export async function reportingFailures(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (err instanceof CliFailure) exitWith(err.message, err.exitCode);
    if (err instanceof ValidationFailed) {
      exitWith(Object.entries(err.fieldErrors).map(([field, messages]) => `${field}: ${messages.join(' ')}`).join('\n'), 2);
    }
    if (err instanceof AppError) exitWith(err.message, 1);
    if (err instanceof Error && 'syscall' in err) exitWith(err.message, 1);
    throw err;
  }
}

function exitWith(message: string, code: 1 | 2): never {
  console.error(message);
  process.exit(code);
}

/** `--since 2026-11-01` (UTC midnight), `2026-11-01T12:00` (UTC) or with an offset. */
export function parseTime(value: string): Date {
  const match = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(value);
  const time = match ? Date.parse(value.length > 10 && !match[1] ? `${value.replace(' ', 'T')}Z` : value.replace(' ', 'T')) : NaN;
  if (Number.isNaN(time)) throw new InvalidArgumentError('Expected an ISO 8601 time, e.g. 2026-11-01 or 2026-11-01T12:00:00Z.');
  return new Date(time);
}

export function parseId(value: string): number {
  if (!/^[1-9]\d{0,14}$/.test(value)) throw new InvalidArgumentError('Expected a positive integer id.');
  return Number(value);
}

/** A repeatable, comma-separated option: `--type a,b --type c`. */
export const collectList = (value: string, previous: string[] = []): string[] =>
  [...previous, ...value.split(',').map((v) => v.trim()).filter((v) => v !== '')];
