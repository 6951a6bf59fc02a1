/** A settable clock in epoch milliseconds, for the `now` option. */
export function fakeClock(startMs = Date.UTC(2026, 0, 15, 12, 0, 0)): { now: () => number; advance: (seconds: number) => void } {
  let ms = startMs;
  return { now: () => ms, advance: (seconds) => void (ms += seconds * 1000) };
}
