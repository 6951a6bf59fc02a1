import type { Knex } from 'knex';
import type { CachedLists } from '../../cache/cachedList.js';
import type { CommandDeps } from '../../commands/deps.js';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { AiCallObserver } from '../../ai/providers.js';

/** What the AI and AI-admin routes need. */
export interface AiRouteDeps {
  db: Knex;
  commands: CommandDeps;
  lists: CachedLists;
  config: Config;
  logger: Logger;
  /** Told of each AI provider call (metrics). */
  aiCalls?: AiCallObserver;
}
