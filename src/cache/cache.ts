/** A string cache with expiry: Redis in production, an in-process Map when no Redis is configured. */
export interface Cache {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  del(...keys: string[]): Promise<void>;
  /** Counts a hit for throttling: the first hit of a window starts its TTL, later hits keep it. */
  incrWithTtl(key: string, ttlSeconds: number): Promise<number>;
  /** Sets the key only if it is missing (Redis SET NX EX): true for the one caller that set it, false for everyone else. */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  /** Seconds left, as Redis TTL answers: -2 when the key is missing, -1 when it never expires. */
  ttl(key: string): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function assertTtl(ttlSeconds: number): void {
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1) {
    throw new RangeError(`cache TTL must be a positive whole number of seconds (got ${ttlSeconds})`);
  }
}
