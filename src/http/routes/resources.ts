import type { Knex } from 'knex';
import type { CommandDeps } from '../../commands/deps.js';

/** What a resource's routes need: the read database for queries, and the command dependencies. */
export interface ResourceRouteDeps {
  db: Knex;
  commands: CommandDeps;
}
