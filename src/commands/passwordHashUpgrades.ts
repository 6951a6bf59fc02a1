import type { HashingPool } from '../auth/hashingPool.js';
import type { PasswordHasher } from '../auth/passwordHasher.js';
import type { CommandContext } from '../domain/decider.js';
import { ServiceUnavailable } from '../domain/errors.js';
import type { CommandDeps } from './deps.js';
import { upgradePasswordHash } from './users.js';

export interface PasswordHashUpgradesDeps {
  commands: CommandDeps;
  hasher: PasswordHasher;
  /** The fresh hash takes a place in the same bounded pool as logins and registrations. */
  hashing: HashingPool;
  /** Told of an upgrade that failed (the log); the old hash keeps working. */
  onFailure(err: unknown): void;
}

export type HashUpgradeOutcome = 'upgraded' | 'already under way' | 'not now' | 'failed';

export interface PasswordHashUpgrades {
  /**
   * Replaces a hash that is not the current kind (Django PBKDF2, plain bcrypt) once its password
   * is proven. Never rejects: a failure, or hashing being full ('not now'), leaves the old hash
   * working and the next login tries again.
   */
  upgrade(user: { id: number; passwordHash: string }, password: string, client: string, context: CommandContext): Promise<HashUpgradeOutcome>;
}

/** One per server: concurrent logins of one user start one upgrade, not one each. */
export function passwordHashUpgrades(deps: PasswordHashUpgradesDeps): PasswordHashUpgrades {
  const underWay = new Set<number>();
  return {
    async upgrade(user, password, client, context) {
      if (underWay.has(user.id)) return 'already under way';
      underWay.add(user.id);
      try {
        const fresh = await deps.hashing.run(client, () => deps.hasher.hash(password));
        await upgradePasswordHash(deps.commands, user.id, user.passwordHash, fresh, context);
        return 'upgraded';
      } catch (err) {
        if (err instanceof ServiceUnavailable) return 'not now';
        deps.onFailure(err);
        return 'failed';
      } finally {
        underWay.delete(user.id);
      }
    },
  };
}
