import { withInfrastructure } from './infrastructure.js';
import { createCache } from '../cache/createCache.js';
import { createCachedLists } from '../cache/cachedList.js';
import { loadCliConfig, type Config } from '../config.js';
import { createKnex, migrateToLatest } from '../db/knex.js';
import { PostgresEventStore } from '../eventstore/postgres/postgresEventStore.js';
import { openKeyring, withShredding } from '../eventstore/shredding/index.js';
import { versionedEventStore } from '../eventstore/versioning/versionedEventStore.js';
import { createLogger } from '../logger.js';
import type { RebuildDeps } from '../projections/rebuild.js';

/**
 * Runs `run` with what a rebuild needs: the database, the PostgreSQL event store and the cache
 * whose lists a swap invalidates, without loading the HTTP server, which would cost the CLI
 * ~50 MB of its rebuild's memory budget. An embedded database or EventStoreDB take the full
 * infrastructure instead.
 */
export async function withRebuildDeps<T>(run: (deps: RebuildDeps, config: Config) => Promise<T>): Promise<T> {
  const config = loadCliConfig();
  if (config.database.kind !== 'url' || config.eventStore.kind !== 'postgres') {
    return withInfrastructure((infra) => run({ db: infra.db, store: infra.store, connectionString: infra.databaseUrl, lists: infra.lists }, config));
  }
  const logger = createLogger(config.logLevel, { name: 'resumate-admin', format: config.logFormat, toStderr: true });
  const connectionString = config.database.url;
  const db = createKnex(connectionString);
  try {
    await migrateToLatest(db);
    const keyring = await openKeyring(config, db, connectionString, logger);
    const store = versionedEventStore(withShredding(await PostgresEventStore.connect({ connectionString, poolSize: 4, logger }), keyring));
    try {
      const cache = await createCache(config.redis, logger, config.redisKeyPrefix);
      try {
        return await run({ db, store, connectionString, lists: createCachedLists(cache, logger) }, config);
      } finally {
        await cache.close();
      }
    } finally {
      await store.close();
      await keyring.close();
    }
  } finally {
    await db.destroy();
  }
}
