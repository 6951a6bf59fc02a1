import { createServer, type RequestListener, type Server } from 'node:http';
import type Koa from 'koa';
import type { Knex } from 'knex';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { createCache } from './cache/createCache.js';
import type { Cache } from './cache/cache.js';
import { createKnex, migrateToLatest } from './db/knex.js';
import { createEventStore } from './eventstore/createEventStore.js';
import { openKeyring, type Keyring } from './eventstore/shredding/index.js';
import type { EventStore } from './eventstore/port.js';
import { createApp, type ReadinessCheck } from './http/app.js';
import { answerParserRefusals } from './http/clientError.js';
import { authenticate } from './auth/bearer.js';
import { cachedUsers } from './auth/cachedUsers.js';
import { cacheBlacklist } from './auth/blacklist.js';
import { deviceCookies } from './auth/deviceCookie.js';
import { hashingPool } from './auth/hashingPool.js';
import { loginThrottle } from './auth/loginThrottle.js';
import { bcryptHasher, type PasswordHasher } from './auth/passwordHasher.js';
import { createThrottle, throttleStoreOf } from './auth/throttle.js';
import { createTokenService } from './auth/tokens.js';
import { ensureAdmin } from './commands/bootstrapAdmin.js';
import { systemClock, type Clock, type CommandDeps } from './commands/deps.js';
import { ensureOfflineModel } from './commands/aiModels.js';
import { seedExamplesAtStart } from './commands/seedExamples.js';
import { sequenceIds } from './db/ids.js';
import { postgresSnapshots } from './db/streamSnapshots.js';
import { authRoutes } from './http/routes/auth.js';
import { exampleRoutes } from './http/routes/examples.js';
import { jobApplicationRoutes } from './http/routes/jobApplications.js';
import { resumeRoutes } from './http/routes/resumes.js';
import { aiRoutes } from './http/routes/ai.js';
import { accountRoutes } from './http/routes/account.js';
import { adminAiModelRoutes } from './http/routes/adminAiModels.js';
import { adminProjectionRoutes } from './http/routes/adminProjections.js';
import { apiRootRoutes } from './http/routes/apiRoot.js';
import { docsRoutes } from './http/routes/docs.js';
import { AI_MODELS_LIST, EXAMPLE_JOB_APPLICATIONS_LIST, createCachedLists, type CachedLists } from './cache/cachedList.js';
import { cachedListLane } from './http/cachedListLane.js';
import { applyProxyTrust, proxyTrust } from './http/proxyTrust.js';
import { invalidateCachedLists } from './projections/cacheInvalidation.js';
import { findUserById } from './projections/users.js';
import { allProjections } from './projections/index.js';
import { ProjectionRuntime } from './projections/runtime.js';
import { readModelsHandling } from './projections/readModelsHandling.js';
import { projectionStatus } from './projections/status.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { instrumentEventStore } from './metrics/instrumentedEventStore.js';
import { instrumentCachedLists } from './metrics/instrumentedCachedLists.js';
import { recordProjectionLag } from './metrics/projectionLag.js';
import { requestDurationRecorder } from './metrics/requestMetrics.js';
import { processMetricsRegistry } from './metrics/processMetrics.js';
import { scraper } from './metrics/scrape.js';
import type { AiCallObserver } from './ai/providers.js';
import { metricsRoutes } from './http/routes/metrics.js';
import { createMetricsApp } from './http/metricsApp.js';
import { applyServerTimeouts, closeGracefully } from './http/gracefulServer.js';
import { maskUrl } from './config.js';
import { isConnectionFailure } from './db/connectionFailure.js';
import { StartupFailure } from './startupFailure.js';
import { storageCaps } from './commands/storageCaps.js';
import { passwordHashUpgrades } from './commands/passwordHashUpgrades.js';

export interface Infrastructure {
  databaseUrl: string;
  db: Knex;
  store: EventStore;
  /** The data keys the store seals personal data with: erasure destroys one. */
  keyring: Keyring;
  cache: Cache;
  lists: CachedLists;
  projections: ProjectionRuntime;
  /** What runs where, in a few words each: the start-up summary. */
  summary: { database: string; eventStore: string; cache: string; projectors: string };
  close(): Promise<void>;
}

export interface RunningServer {
  url: string;
  /** Where METRICS_PORT serves /metrics, when it is set. */
  metricsUrl?: string;
  /** The Koa app, for tests that read its route table. */
  app: Koa;
  infrastructure: Infrastructure;
  /** Stops accepting, lets requests in flight finish (cut after `drainMs`), then closes the infrastructure. */
  stop(options?: { drainMs?: number }): Promise<void>;
}

/** How long stop() waits for requests in flight by default: SIGTERM's 10 s minus time to close pools. */
const DEFAULT_DRAIN_MS = 7_000;

/**
 * Database (embedded when none is configured), migrations, event store, cache, read-side runtime.
 * `shareRunningDatabase`: an admin command connects to the embedded database of a running API
 * instead of refusing to start a second one. `handlesSignals`: the process stops gracefully on
 * SIGINT/SIGTERM (onShutdownSignal), so the embedded database must not get the terminal's Ctrl-C.
 */
export async function startInfrastructure(
  config: Config,
  logger: Logger,
  options: { runProjectors: boolean; metrics?: Metrics; shareRunningDatabase?: boolean; handlesSignals?: boolean; signal?: AbortSignal },
): Promise<Infrastructure> {
  const { metrics } = options;
  const embedded =
    config.database.kind === 'embedded'
      ? // Imported only when used: the production image need not ship it.
        await (await import('./db/embeddedPostgres.js')).startEmbeddedPostgres({
          dataDir: config.dataDir,
          port: config.embeddedPgPort,
          logger,
          whenRunning: options.shareRunningDatabase ? 'share' : 'refuse',
          handlesSignals: options.handlesSignals ?? false,
          signal: options.signal,
        })
      : undefined;
  const databaseUrl = embedded?.url ?? (config.database.kind === 'url' ? config.database.url : '');
  const db = createKnex(databaseUrl);
  const opened: { close(): Promise<void> }[] = [];
  const closeOpened = async () => {
    for (const resource of opened.reverse()) await resource.close();
    await db.destroy();
    await embedded?.stop();
  };
  try {
    const applied = await migrateToLatest(db).catch((err: unknown) => {
      throw unusableDatabase(err, embedded ? 'the embedded PostgreSQL' : maskUrl(databaseUrl));
    });
    if (applied.length > 0) logger.info(`database migrated: ${applied.length} migration(s) applied`);
    options.signal?.throwIfAborted();
    const keyring = await openKeyring(config, db, databaseUrl, logger);
    opened.push(keyring);
    const rawStore = await createEventStore(config.eventStore, databaseUrl, logger, { keyring, maxAppendBytes: config.maxAppendBytes });
    opened.push(rawStore);
    const store = metrics ? instrumentEventStore(rawStore, metrics) : rawStore;
    const cache = await createCache(config.redis, logger, config.redisKeyPrefix);
    opened.push(cache);
    const rawLists = createCachedLists(cache, logger);
    const lists = metrics ? instrumentCachedLists(rawLists, metrics) : rawLists;
    const projections = new ProjectionRuntime({
      afterCommit: invalidateCachedLists(db, lists),
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
      keyring,
      cache,
      lists,
      projections,
      summary: {
        database: embedded
          ? `embedded PostgreSQL on 127.0.0.1:${embedded.port}${embedded.shared ? ' (the running API\'s)' : ''}, data in ${embedded.databaseDir}`
          : `PostgreSQL at ${maskUrl(databaseUrl)}`,
        eventStore: config.eventStore.kind === 'eventstoredb' ? `EventStoreDB at ${maskUrl(config.eventStore.connectionString)}` : 'PostgreSQL (events table)',
        cache: config.redis.kind === 'url' ? `Redis at ${maskUrl(config.redis.url)}` : 'in-process (set REDIS_URL to share it between processes)',
        projectors: options.runProjectors ? 'in this process' : 'not in this process (RUN_PROJECTIONS=false: run `npm run projector`)',
      },
      async close() {
        await projections.stop();
        await closeOpened();
      },
    };
  } catch (err) {
    await closeOpened().catch(() => undefined);
    throw err;
  }
}

/** The first query tells whether the configured database can be used at all. */
function unusableDatabase(err: unknown, where: string): unknown {
  const code: unknown = typeof err === 'object' && err !== null ? Reflect.get(err, 'code') : undefined;
  const refused = isConnectionFailure(err) || (typeof code === 'string' && /^(28|3D)/.test(code)); // auth, unknown database
  if (!refused) return err;
  const fix = where.startsWith('the embedded') ? 'see the output with LOG_LEVEL=debug' : 'start PostgreSQL there, or fix DATABASE_URL (or DB_*); unset both for the embedded PostgreSQL';
  return new StartupFailure(`Cannot use the database at ${where}: ${err instanceof Error ? err.message || err.name : String(err)}: ${fix}`, { cause: err });
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

export function commandDeps(infra: Infrastructure, clock: Clock = systemClock): CommandDeps {
  return {
    store: infra.store,
    ids: sequenceIds(infra.db),
    clock,
    snapshots: postgresSnapshots(infra.db),
    readModelsFor: readModelsHandling(infra.projections.projections),
    waitFor: (readModels, position) => infra.projections.waitFor(readModels, position),
  };
}

/**
 * `clock` is for tests that cross a UTC day; everything else runs on the system clock.
 * `hasher` lets tests count or hold password checks; by default bcrypt as configured.
 */
export async function startServer(
  config: Config,
  logger: Logger,
  // `signal`: a Ctrl-C during the start; the start stops early and rejects with the signal's reason.
  { clock = systemClock, hasher = bcryptHasher(config.bcrypt.implementation, config.bcrypt.rounds), signal }: { clock?: Clock; hasher?: PasswordHasher; signal?: AbortSignal } = {},
): Promise<RunningServer> {
  const metrics = createMetrics();
  const infrastructure = await startInfrastructure(config, logger, { runProjectors: config.runProjections, metrics, handlesSignals: true, signal });
  try {
    signal?.throwIfAborted();
    return await serve(config, logger, infrastructure, { clock, metrics, hasher });
  } catch (err) {
    await infrastructure.close().catch(() => undefined);
    throw err;
  }
}

async function serve(
  config: Config,
  logger: Logger,
  infrastructure: Infrastructure,
  { clock, metrics, hasher }: { clock: Clock; metrics: Metrics; hasher: PasswordHasher },
): Promise<RunningServer> {
  const { db, cache } = infrastructure;
  const commands = commandDeps(infrastructure, clock);
  if (config.admin) await ensureAdmin(commands, hasher, config.admin, logger);
  await ensureOfflineModel(commands, db, logger);
  if (config.seedExamples) await seedExamplesAtStart({ commands, db, catchUp: () => infrastructure.projections.catchUp() }, logger);
  const tokens = createTokenService({
    secretKey: config.secretKey,
    accessLifetimeS: config.accessTokenLifetimeS,
    refreshLifetimeS: config.refreshTokenLifetimeS,
    blacklist: cacheBlacklist(cache),
  });
  const { throttling: t } = config;
  const throttleStore = throttleStoreOf(cache);
  const throttle = (keyPrefix: string, limit: number, windowS: number) => createThrottle(throttleStore, { keyPrefix, limit, windowS, logger });
  const recordRequest = requestDurationRecorder(metrics.httpRequestDuration);
  const caps = storageCaps(db, config.storageLimits);
  const hashing = hashingPool(config.passwordHashing);
  const upgrades = passwordHashUpgrades({ commands, hasher, hashing, onFailure: (err) => logger.error({ err }, 'password hash upgrade failed') });
  const metricsRouter = metricsRoutes({
    contentType: metrics.registry.contentType,
    token: config.metrics.token,
    scrape: scraper([metrics.registry, processMetricsRegistry()], () =>
      recordProjectionLag(
        metrics,
        () => projectionStatus(db, infrastructure.store, infrastructure.projections.projections),
        (name) => infrastructure.projections.progress.checkpointOf(name),
        logger,
      ),
    ),
  });
  if (!config.debug && !config.metrics.token && !config.metrics.listen) {
    logger.warn('GET /metrics is public on the API port: set METRICS_TOKEN or METRICS_PORT (README, "Operations endpoints")');
  }
  const app = createApp({
    logger,
    readiness: readinessChecks(infrastructure),
    authenticate: authenticate({ tokens, findUser: cachedUsers((id) => findUserById(db, id), infrastructure.projections.progress) }),
    // Busiest first: a request stops at the first router that has its route.
    routers: [
      exampleRoutes({ db, lists: infrastructure.lists }),
      aiRoutes({ db, commands, lists: infrastructure.lists, config, logger, aiCalls: aiCallObserver(metrics), caps }),
      jobApplicationRoutes({ db, commands, caps }),
      resumeRoutes({ db, commands, caps }),
      authRoutes({
        db,
        commands,
        hasher,
        hashing,
        tokens,
        devices: deviceCookies(config.secretKey),
        login: loginThrottle({
          byUsernameAndIp: throttle('throttle:login:pair', t.loginFailuresPerUsernameAndIp, t.loginWindowS),
          byUsername: throttle('throttle:login:username', t.loginFailuresPerUsername, t.loginWindowS),
          byIp: throttle('throttle:login:ip', t.loginFailuresPerIp, t.loginWindowS),
        }),
        registerByIp: throttle('throttle:register:ip', t.registrationsPerIp, t.registrationWindowS),
        upgrades,
      }),
      accountRoutes({ db, commands, erasure: { ...commands, keyring: infrastructure.keyring, db }, hasher, hashing, bodyLimitBytes: config.bodyLimitBytes }),
      adminAiModelRoutes({ db, commands, lists: infrastructure.lists, config, logger }),
      adminProjectionRoutes({ db, store: infrastructure.store, projections: infrastructure.projections.projections }),
      apiRootRoutes(),
      docsRoutes(),
      ...(config.metrics.listen ? [] : [metricsRouter]),
    ],
    bodyLimitBytes: config.bodyLimitBytes,
    recordRequest,
    edge: {
      allowedHosts: config.allowedHosts,
      corsAllowedOrigins: config.corsAllowedOrigins,
      requestTimeout: { timeoutMs: config.requestTimeoutMs, slowPaths: new Map([['/api/ai/generate', aiGenerationBoundMs(config)]]) },
    },
  });
  const proxy = proxyTrust(config.trustProxy);
  applyProxyTrust(app, proxy);
  const listener = cachedListLane(app, {
    routes: [
      { path: '/api/ai/models', key: AI_MODELS_LIST },
      { path: '/api/example-job-applications', key: EXAMPLE_JOB_APPLICATIONS_LIST },
    ],
    lists: infrastructure.lists,
    logger,
    recordRequest,
    allowedHosts: config.allowedHosts,
    cors: config.corsAllowedOrigins.length > 0,
    proxy,
  });
  const server = await listen(listener, config.port, config.host, config.requestTimeoutMs);
  const url = urlOf(server, config.host);
  logger.info(infrastructure.summary, `ResuMate API listening on ${url}`);
  const { listen: metricsAt } = config.metrics;
  const metricsSettings = { port: 'METRICS_PORT', host: 'METRICS_HOST' };
  const metricsServer =
    metricsAt &&
    (await listen(createMetricsApp(metricsRouter, logger).callback(), metricsAt.port, metricsAt.host, config.requestTimeoutMs, metricsSettings).catch((err: unknown) => {
      server.close();
      throw err;
    }));
  if (metricsServer) logger.info({ url: `${urlOf(metricsServer, metricsAt.host)}/metrics` }, 'metrics listening');
  return {
    url,
    metricsUrl: metricsServer ? urlOf(metricsServer, metricsAt.host) : undefined,
    app,
    infrastructure,
    async stop({ drainMs = DEFAULT_DRAIN_MS } = {}) {
      await Promise.all([closeGracefully(server, drainMs), metricsServer && closeGracefully(metricsServer, drainMs)]);
      await infrastructure.close();
    },
  };
}

/** `settings` name the variables that choose the port and host, for the one-line failure. */
async function listen(
  listener: RequestListener,
  port: number,
  host: string,
  requestTimeoutMs: number,
  settings: { port: string; host: string } = { port: 'PORT', host: 'HOST' },
): Promise<Server> {
  const server: Server = await new Promise((resolve, reject) => {
    const s = createServer(listener).listen(port, host, () => resolve(s));
    s.once('error', (err: NodeJS.ErrnoException) => reject(listenFailure(err, port, host, settings)));
  });
  answerParserRefusals(server);
  applyServerTimeouts(server, requestTimeoutMs);
  return server;
}

function listenFailure(err: NodeJS.ErrnoException, port: number, host: string, settings: { port: string; host: string }): Error {
  const failure = (message: string) => new StartupFailure(message, { cause: err });
  switch (err.code) {
    case 'EADDRINUSE':
      return failure(`Port ${port} on ${host} is already in use (another ResuMate?): stop what listens there, or set ${settings.port}`);
    case 'EACCES':
      return failure(`Port ${port} on ${host} needs privileges this process lacks: set ${settings.port} above 1023`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return failure(`${settings.host} ${host} is not an address of this machine: set ${settings.host} (e.g. 127.0.0.1 or 0.0.0.0)`);
    default:
      return err;
  }
}

function urlOf(server: Server, host: string): string {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
}

/**
 * Generation makes up to two provider attempts of AI_TIMEOUT_MS each, and waits for two read
 * models (quota, resume) of up to PROJECTION_WAIT_TIMEOUT_MS each: REQUEST_TIMEOUT_MS must not cut it short.
 */
function aiGenerationBoundMs(config: Config): number {
  return Math.max(config.requestTimeoutMs, 2 * config.aiTimeoutMs + 2 * config.projectionWaitTimeoutMs + 1_000);
}

function aiCallObserver(metrics: Metrics): AiCallObserver {
  return (provider, outcome, seconds) => {
    metrics.aiCalls.inc({ provider, outcome });
    metrics.aiCallDuration.observe({ provider, outcome }, seconds);
  };
}
