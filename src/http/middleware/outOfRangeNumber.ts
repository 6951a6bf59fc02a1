/**
 * The first number in a parsed JSON value that is not finite: `JSON.parse` turns `1e400` into
 * Infinity, which would reach a text field as "Infinity". A loop, not recursion, so that nesting
 * a body thousands deep cannot overflow the stack.
 */
export function findOutOfRangeNumber(value: unknown): number | undefined {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === 'number' && !Number.isFinite(item)) return item;
    if (typeof item === 'object' && item !== null) pending.push(...Object.values(item));
  }
  return undefined;
}
