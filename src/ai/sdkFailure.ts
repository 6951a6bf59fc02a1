import { AiProviderError } from './provider.js';

/** An SDK error as a log-safe `AiProviderError`: the HTTP status if there was one, else what broke. */
export function failureOf(status: number | undefined, err: unknown): AiProviderError {
  if (status !== undefined) return new AiProviderError(`http ${status}`, status >= 500);
  if (err instanceof SyntaxError) return malformed('invalid JSON');
  return new AiProviderError(`request failed (${describe(err)})`);
}

export function malformed(what: string): AiProviderError {
  return new AiProviderError(`malformed answer: ${what}`);
}

/** The error's name and, for network failures, the system code (e.g. `TypeError ECONNREFUSED`). */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return typeof err;
  const cause: unknown = err.cause;
  const code = cause instanceof Error && 'code' in cause && typeof cause.code === 'string' ? ` ${cause.code}` : '';
  return `${err.name}${code}`;
}
