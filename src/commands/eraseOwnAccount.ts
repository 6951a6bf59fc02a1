import type { HashingPool } from '../auth/hashingPool.js';
import type { PasswordHasher } from '../auth/passwordHasher.js';
import type { CommandContext } from '../domain/decider.js';
import { ValidationFailed } from '../domain/errors.js';
import { eraseUser, type ErasureDeps } from './eraseUser.js';

export const WRONG_PASSWORD = 'Your password was entered incorrectly. Please enter it again.';

export interface OwnErasureDeps {
  erasure: ErasureDeps;
  hasher: PasswordHasher;
  /** The password check goes through it, as a login's does: bounded, 503 at once when full. */
  hashing: HashingPool;
  findPasswordHash(userId: number): Promise<string | undefined>;
}

/** A signed-in user erases their own account, confirming with their password (a wrong one: 400 on `password`). */
export async function eraseOwnAccount(
  deps: OwnErasureDeps,
  request: { userId: number; password: string; clientBucket: string },
  context: CommandContext,
): Promise<void> {
  const { userId, password, clientBucket } = request;
  const valid = await deps.hashing.run(clientBucket, async () => deps.hasher.verify(password, await deps.findPasswordHash(userId)));
  if (!valid) throw new ValidationFailed({ password: [WRONG_PASSWORD] });
  await eraseUser(deps.erasure, userId, context);
}
