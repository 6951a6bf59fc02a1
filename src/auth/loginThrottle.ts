import { Throttled } from '../domain/errors.js';
import type { Throttle } from './throttle.js';

/** One password check: who it is for, where it comes from, and the device it proved itself on before, if any. */
export interface LoginAttempt {
  /** Lowercased: usernames are unique case-insensitively. */
  username: string;
  /** The client's address bucket (addressBucket.ts: an IPv4 address or an IPv6 /64). */
  ip: string;
  /** From a valid device cookie for this username (see deviceCookie.ts). */
  deviceId?: string;
}

export interface LoginLimits {
  /** Failures per (username, address): stops one client guessing one account. */
  byUsernameAndIp: Throttle;
  /** Failures per username from unknown devices, across addresses; a known device has its own count. */
  byUsername: Throttle;
  /** Failures per address across usernames: bounds spraying and unknown-user floods from one address. */
  byIp: Throttle;
}

/**
 * OWASP's brute-force guidance with device cookies: every attempt is counted under each limit it
 * falls under before its password is checked, and a right password gives the counts back, so
 * only failures accumulate. The per-username limit spans addresses, so guesses spread over
 * many addresses still stop, yet a stranger's failures cannot lock the owner out: a login that
 * shows a device cookie for this username is counted per (username, device) instead.
 */
export function loginThrottle(limits: LoginLimits) {
  // Addresses never contain '|', and the two per-username key kinds have distinct prefixes: no key can pose as another.
  const countsOf = ({ username, ip, deviceId }: LoginAttempt): Array<[Throttle, string]> => [
    [limits.byUsernameAndIp, `${ip}|${username}`],
    [limits.byUsername, deviceId === undefined ? `user:${username}` : `device:${deviceId}:${username}`],
    [limits.byIp, ip],
  ];
  const refundAll = (counts: Array<[Throttle, string]>) => Promise.all(counts.map(([throttle, key]) => throttle.refund(key)));

  return {
    /** Counts the attempt, then decides: throws Throttled (the longest wait) if any limit is over. */
    async admit(attempt: LoginAttempt): Promise<void> {
      const counts = countsOf(attempt);
      const outcomes = await Promise.allSettled(counts.map(([throttle, key]) => throttle.consume(key)));
      const refusals = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
      if (refusals.length === 0) return;
      // A refused attempt checks no password: give back what it counted where it was admitted,
      // so a locked pair does not spend the address's budget that a crowd behind it shares.
      await refundAll(counts.filter((_, i) => outcomes[i]!.status === 'fulfilled'));
      const throttled = refusals.filter((r): r is Throttled => r instanceof Throttled);
      if (throttled.length < refusals.length) throw refusals.find((r) => !(r instanceof Throttled));
      throw new Throttled(Math.max(...throttled.map((t) => t.retryAfterS)));
    },
    /** The password was right, or was never checked (hashing was full): the attempt is not a failure. */
    async forgive(attempt: LoginAttempt): Promise<void> {
      await refundAll(countsOf(attempt));
    },
  };
}

export type LoginThrottle = ReturnType<typeof loginThrottle>;
