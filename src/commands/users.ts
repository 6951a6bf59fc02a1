import type { CommandContext } from '../domain/decider.js';
import { userDecider, userStream } from '../domain/user/index.js';
import { ValidationFailed } from '../domain/errors.js';
import { USERNAME_TAKEN, isReservedUsername, usernameDecider, usernameStream } from '../domain/username/index.js';
import type { CommandDeps } from './deps.js';
import { handleCommand } from './handle.js';

const READ_MODELS = ['users'] as const;

export interface NewUser {
  username: string;
  email: string;
  passwordHash: string;
  isStaff: boolean;
}

/**
 * Claims the username first (the log enforces uniqueness; a lost race re-reads and answers
 * "already exists"), then records the user, and returns once `users` shows it, so an
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
  await handleCommand(deps.store, usernameDecider, usernameStream(user.username), {
    type: 'ReserveUsername',
    data: { username: user.username, userId: id, at: context.at },
  }, context, { retries: 1 });
  const { position } = await handleCommand(deps.store, userDecider, userStream(id), {
    type: 'RegisterUser',
    data: { id, ...user, at: context.at },
  }, context, { newStream: true });
  if (position) await deps.waitFor(READ_MODELS, position);
  return id;
}

export async function changePassword(deps: CommandDeps, id: number, passwordHash: string, context: CommandContext): Promise<void> {
  const { position } = await handleCommand(deps.store, userDecider, userStream(id), {
    type: 'ChangePassword',
    data: { id, passwordHash, at: context.at },
  }, context, { retries: 2 });
  if (position) await deps.waitFor(READ_MODELS, position);
}

export async function deactivateUser(deps: CommandDeps, id: number, context: CommandContext): Promise<void> {
  const { position } = await handleCommand(deps.store, userDecider, userStream(id), {
    type: 'DeactivateUser',
    data: { id, at: context.at },
  }, context, { retries: 2 });
  if (position) await deps.waitFor(READ_MODELS, position);
}

/**
 * After a login with a legacy (Django) hash: records the fresh hash only while the user still
 * has `legacyHash`, so a password changed meanwhile is never overwritten by a stale upgrade.
 */
export async function upgradePasswordHash(deps: CommandDeps, id: number, legacyHash: string, passwordHash: string, context: CommandContext): Promise<void> {
  const stillLegacy: typeof userDecider = {
    ...userDecider,
    decide: (command, state) => (state.status !== 'absent' && state.status !== 'erased' && state.passwordHash === legacyHash ? userDecider.decide(command, state) : []),
  };
  const { position } = await handleCommand(deps.store, stillLegacy, userStream(id), {
    type: 'ChangePassword',
    data: { id, passwordHash, at: context.at },
  }, context, { retries: 2 });
  if (position) await deps.waitFor(READ_MODELS, position);
}
