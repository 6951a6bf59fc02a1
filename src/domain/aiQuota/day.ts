/** Quotas reset at 00:00 UTC. Pure: every time comes from a command's `at`. */
const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of the UTC day `at` falls in. */
export const utcDay = (at: string): string => new Date(at).toISOString().slice(0, 10);

/** The next 00:00 UTC after `at`, as an ISO timestamp. */
export const nextUtcMidnight = (at: string): string => new Date((Math.floor(Date.parse(at) / DAY_MS) + 1) * DAY_MS).toISOString();

/** Whole seconds from `at` until the quota resets (at least 1, as a Retry-After). */
export const secondsUntilReset = (at: string): number => Math.max(1, Math.ceil((Date.parse(nextUtcMidnight(at)) - Date.parse(at)) / 1000));
