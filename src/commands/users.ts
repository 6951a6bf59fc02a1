import type { CommandContext, Decider } from '../domain/decider.js';
import { userDecider, userStream, type User, type UserEvent } from '../domain/user/index.js';
import { ValidationFailed } from '../domain/errors.js';
import { USERNAME_TAKEN, isReservedUsername, usernameDecider, usernameStream } from '../domain/username/index.js';
import { aggregate } from './aggregate.js';
import type { CommandDeps } from './deps.js';
import { RETRY } from './retry.js';

/** The log enforces uniqueness: a lost race re-reads and answers "already exists". */
export const usernameAggregate = aggregate({
  decider: usernameDecider,
  streamOf: (command) => usernameStream(command.data.username),
  retry: RETRY.few,
});

export const userAggregate = aggregate({
  decider: userDecider,
  streamOf: (command) => userStream(command.data.id),
  retry: RETRY.few,
  createdBy: ['RegisterUser'],
});

interface UpgradeLegacyHash {
  type: 'UpgradeLegacyHash';
  data: { id: number; legacyHash: string; passwordHash: string; at: string };
}

/** A password change that happens only while the user still has the legacy hash it was logged in with. */
const stillLegacy: Decider<UpgradeLegacyHash, UserEvent, User> = {
  ...userDecider,
  decide: ({ data: { legacyHash, ...change } }, state) =>
    state.status !== 'absent' && state.status !== 'erased' && state.passwordHash === legacyHash ? userDecider.decide({ type: 'ChangePassword', data: change }, state) : [],
};

const legacyHashUpgrades = aggregate({
  decider: stillLegacy,
  streamOf: (command) => userStream(command.data.id),
  retry: RETRY.few,
});

export interface NewUser {
  username: string;
  email: string;
  passwordHash: string;
  isStaff: boolean;
}

/**
 * Claims the username first, then records the user, and returns once `users` shows it, so an
 * immediate login works. A reserved username is taken already, as far as anyone registering knows.
 */
export async function registerUser(deps: CommandDeps, user: NewUser, context: CommandContext): Promise<number> {
  if (isReservedUsername(user.username)) throw new ValidationFailed({ username: [USERNAME_TAKEN] });
  return recordUser(deps, user, context);
}

/** Registers one of the system's own accounts, whose usernames no one else may register. */
export async function registerReservedUser(deps: CommandDeps, user: NewUser, context: CommandContext): Promise<number> {
  if (!isReservedUsername(user.username)) throw new Error(`"${user.username}" is not a reserved username`);
  return recordUser(deps, user, context);
}

async function recordUser(deps: CommandDeps, user: NewUser, context: CommandContext): Promise<number> {
  const id = await deps.ids.next('user');
  await usernameAggregate.run(deps, { type: 'ReserveUsername', data: { username: user.username, userId: id, at: context.at } }, context);
  await userAggregate.run(deps, { type: 'RegisterUser', data: { id, ...user, at: context.at } }, context);
  return id;
}

export async function changePassword(deps: CommandDeps, id: number, passwordHash: string, context: CommandContext): Promise<void> {
  await userAggregate.run(deps, { type: 'ChangePassword', data: { id, passwordHash, at: context.at } }, context);
}

export async function deactivateUser(deps: CommandDeps, id: number, context: CommandContext): Promise<void> {
  await userAggregate.run(deps, { type: 'DeactivateUser', data: { id, at: context.at } }, context);
}

/**
 * After a login with a legacy (Django) hash: records the fresh hash only while the user still
 * has `legacyHash`, so a password changed meanwhile is never overwritten by a stale upgrade.
 */
export async function upgradePasswordHash(deps: CommandDeps, id: number, legacyHash: string, passwordHash: string, context: CommandContext): Promise<void> {
  await legacyHashUpgrades.run(deps, { type: 'UpgradeLegacyHash', data: { id, legacyHash, passwordHash, at: context.at } }, context);
}
