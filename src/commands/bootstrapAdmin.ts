import type { PasswordHasher } from '../auth/passwordHasher.js';
import { ValidationFailed } from '../domain/errors.js';
import { usernameStream } from '../domain/username/index.js';
import type { Logger } from '../logger.js';
import { ProjectionTimeout } from '../projections/progress.js';
import type { CommandDeps } from './deps.js';
import { registerUser } from './users.js';

export interface AdminAccount {
  username: string;
  email: string;
  password: string;
}

export type BootstrapOutcome = 'created' | 'exists';

/**
 * Registers the configured admin as staff unless the username is taken. Safe when several
 * processes start at once: the username stream admits one registration, the others see
 * "already exists". It asks the log, not a read model that may still be catching up.
 */
export async function ensureAdmin(deps: CommandDeps, hasher: PasswordHasher, admin: AdminAccount, logger: Logger): Promise<BootstrapOutcome> {
  if ((await deps.store.readStream(usernameStream(admin.username))).length > 0) return 'exists';
  try {
    const id = await registerUser(
      deps,
      { username: admin.username, email: admin.email, passwordHash: await hasher.hash(admin.password), isStaff: true },
      { userId: null, requestId: 'bootstrap-admin', at: deps.clock.now().toISOString() },
    );
    logger.info({ username: admin.username, id }, 'admin user created');
    return 'created';
  } catch (err) {
    if (err instanceof ValidationFailed && err.fieldErrors.username) return 'exists';
    if (err instanceof ProjectionTimeout) {
      logger.warn({ username: admin.username }, 'admin user created; the users read model will show it once the projector catches up');
      return 'created';
    }
    throw err;
  }
}
