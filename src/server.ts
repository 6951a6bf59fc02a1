import type { Server } from 'node:http';
import type { Knex } from 'knex';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { createCache } from './cache/createCache.js';
import type { Cache } from './cache/cache.js';
import { createKnex, migrateToLatest } from './db/knex.js';
import { startEmbeddedPostgres } from './db/embeddedPostgres.js';
import { createEventStore } from './eventstore/createEventStore.js';
import type { EventStore } from './eventstore/port.js';
import { createApp, type ReadinessCheck } from './http/app.js';
import { allProjections } from './projections/index.js';
import { ProjectionRuntime } from './projections/runtime.js';

export interface Infrastructure {
  databaseUrl: string;
  db: Knex;
  store: EventStore;
  cache: Cache;
  projections: ProjectionRuntime;
  close(): Promise<void>;
}

export interface RunningServer {
  url: string;
  infrastructure: Infrastructure;
  stop(): Promise<void>;
}

/** Database (embedded when none is configured), migrations, event store, cache, read-side runtime. */
export async function startInfrastructure(config: Config, logger: Logger, options: { runProjectors: boolean }): Promise<Infrastructure> {
  const embedded =
    config.database.kind === 'embedded'
      ? await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, logger })
      : undefined;
  const databaseUrl = embedded?.url ?? (config.database.kind === 'url' ? config.database.url : '');
  const db = createKnex(databaseUrl);
  const applied = await migrateToLatest(db);
  if (applied.length > 0) logger.info({ applied }, 'database migrated');
  const store = await createEventStore(config.eventStore, databaseUrl, logger);
  const cache = await createCache(config.redis, logger);
  const projections = new ProjectionRuntime({
    db,
    store,
    connectionString: databaseUrl,
    projections: allProjections,
    logger,
    runProjectors: options.runProjectors,
    waitTimeoutMs: config.projectionWaitTimeoutMs,
  });
  await projections.start();
  return {
    databaseUrl,
    db,
    store,
    cache,
    projections,
    async close() {
      await projections.stop();
      await cache.close();
      await store.close();
      await db.destroy();
      await embedded?.stop();
    },
  };
}

function readinessChecks(infra: Infrastructure): ReadinessCheck[] {
  const checks: ReadinessCheck[] = [
    { name: 'postgres', check: async () => void (await infra.db.raw('SELECT 1')) },
    { name: 'eventstore', check: () => infra.store.ping() },
    // Ready means the read models keep up: they reach today's head within the probe's timeout.
    { name: 'projections', check: async () => infra.projections.waitFor(infra.projections.projections.map((p) => p.name), await infra.store.headPosition(), 1500) },
  ];
  if (infra.cache.kind === 'redis') checks.push({ name: 'redis', check: () => infra.cache.ping() });
  return checks;
}

export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const infrastructure = await startInfrastructure(config, logger, { runProjectors: config.runProjections });
  const app = createApp({
    logger,
    readiness: readinessChecks(infrastructure),
    routers: [],
    bodyLimitBytes: config.bodyLimitBytes,
  });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  logger.info({ url }, 'ResuMate API listening');
  return {
    url,
    infrastructure,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await infrastructure.close();
    },
  };
}
