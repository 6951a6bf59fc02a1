import { addressBucket } from '../auth/addressBucket.js';
import type { DeviceCookies } from '../auth/deviceCookie.js';
import type { HashingPool, HashingSlot } from '../auth/hashingPool.js';
import type { LoginAttempt, LoginThrottle } from '../auth/loginThrottle.js';
import type { PasswordHasher } from '../auth/passwordHasher.js';
import type { TokenPair, TokenService } from '../auth/tokens.js';
import type { CommandContext } from '../domain/decider.js';
import { AuthenticationFailed } from '../domain/errors.js';
import type { PasswordHashUpgrades } from './passwordHashUpgrades.js';

/** What a password is checked against (the `users` read model). */
export interface LoginAccount {
  id: number;
  passwordHash: string;
  isActive: boolean;
}

export interface ObtainTokensDeps {
  /** By username, in any case. */
  findUserByUsername(username: string): Promise<LoginAccount | undefined>;
  hasher: PasswordHasher;
  /** Every check goes through it: bounded, 503 at once when full. */
  hashing: HashingPool;
  login: LoginThrottle;
  devices: DeviceCookies;
  tokens: Pick<TokenService, 'issuePair'>;
  upgrades: PasswordHashUpgrades;
}

export interface Credentials {
  username: string;
  password: string;
  clientIp: string;
  /** The device cookie the client sent, if any: a known device is throttled apart from strangers. */
  deviceCookie: string | undefined;
}

export interface ObtainedTokens extends TokenPair {
  /** The device cookie to send back (issued, or renewed). */
  deviceCookie: string;
}

export const NO_ACTIVE_ACCOUNT = 'No active account found with the given credentials';

/**
 * Signs in: the attempt is counted by the login throttle, the password checked, and a pair of
 * tokens issued. A hash of an older kind is upgraded in the background, not waited for.
 */
export async function obtainTokens(deps: ObtainTokensDeps, credentials: Credentials, context: CommandContext): Promise<ObtainedTokens> {
  const { username, password } = credentials;
  const usernameKey = username.toLowerCase();
  const client = addressBucket(credentials.clientIp);
  const attempt: LoginAttempt = { username: usernameKey, ip: client, deviceId: deps.devices.deviceOf(credentials.deviceCookie, usernameKey) };
  // A place for the check first: when hashing is full the answer is 503 without counting anything.
  const slot = deps.hashing.reserve(client);
  await deps.login.admit(attempt).catch((err: unknown) => {
    slot.release();
    throw err;
  });
  const user = await checkPassword(deps, slot, attempt, username, password);
  if (!user) throw new AuthenticationFailed(NO_ACTIVE_ACCOUNT, 'no_active_account');
  await deps.login.forgive(attempt);
  if (deps.hasher.needsRehash(user.passwordHash)) void deps.upgrades.upgrade(user, password, client, context);
  const pair = deps.tokens.issuePair(user.id);
  return { access: pair.access, refresh: pair.refresh, deviceCookie: deps.devices.issue(attempt.username, attempt.deviceId) };
}

/**
 * The user when the password is theirs and the account active, else undefined (a failure that
 * stays counted). A check that never ran (database away) is not a failure: its counts are
 * given back before the error answers.
 */
async function checkPassword(deps: ObtainTokensDeps, slot: HashingSlot, attempt: LoginAttempt, username: string, password: string): Promise<LoginAccount | undefined> {
  try {
    return await slot.run(async () => {
      const user = await deps.findUserByUsername(username);
      const valid = await deps.hasher.verify(password, user?.passwordHash);
      return user && valid && user.isActive ? user : undefined;
    });
  } catch (err) {
    await deps.login.forgive(attempt);
    throw err;
  }
}
