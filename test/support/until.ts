/**
 * Polls `condition` until it holds; fails after `timeoutMs` with `what`. For states a test
 * waits to be reached, so that no fixed sleep decides an outcome.
 */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Polls `probe` until it returns a value, and returns it; fails after `timeoutMs` with `what`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  let value: T | undefined;
  await until(async () => (value = await probe()) !== undefined, what, timeoutMs);
  return value as T;
}
