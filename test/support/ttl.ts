import { expect } from 'chai';

/**
 * Seconds that may pass between writing a key and reading its TTL on a loaded machine: a tolerance,
 * not what is tested. Far below the TTLs checked, so a wrong TTL (or none, -1) still fails.
 */
const SLACK_S = 30;

/** A TTL as Redis reports it (whole seconds) is the one set, less at most the time since. */
export function expectTtl(ttl: number, seconds: number): void {
  expect(ttl, `TTL ${ttl} s for one set to ${seconds} s`).to.be.within(Math.max(1, seconds - SLACK_S), seconds);
}
