import type { Knex } from 'knex';
import type { CommandDeps } from '../../commands/deps.js';
import type { StorageCaps } from '../../commands/storageCaps.js';

/** What a resource's routes need: the read database for queries, the command dependencies, the storage caps. */
export interface ResourceRouteDeps {
  db: Knex;
  commands: CommandDeps;
  /** What one user may keep; shared by every route that adds resumes or applications. */
  caps: StorageCaps;
}
