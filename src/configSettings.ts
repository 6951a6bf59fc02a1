import path from 'node:path';
import { z } from 'zod';
import { MASK, masked, maskUrl, setting } from './configRegistry.js';
import {
  allowedHosts, anInteger, bool, corsOrigins, DEFAULT_HASH_CONCURRENCY, email, got, httpUrl, integer, LOG_LEVELS, oneOf,
  port, positive, secretUrl, trustProxy,
} from './configValues.js';

/**
 * Every setting, declared once: its variable, how it is parsed, its default and what it means.
 * The tree has the shape of `Config`; the README's configuration table is generated from it
 * (test/config.readme.test.ts). Settings that depend on others get their value in
 * `withDependentDefaults` below.
 */

const DEVELOPMENT_SECRET_KEY = 'resumate-insecure-development-key-used-only-when-DEBUG-is-true';
const DEBUG_ALLOWED_HOSTS = ['localhost', '127.0.0.1', '[::1]'];


const secret = <S extends z.ZodType>(schema: S) => masked(schema, () => MASK);
const url = <S extends z.ZodType<string | undefined>>(schema: S) => masked(schema, (value) => maskUrl(String(value)));
const urlHost = (host: string): string => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
const requiredWhen = (given: string, or: string) => `is required when ${given} is set (${or})`;

/** DATABASE_URL wins; otherwise the original's DB_* variables; otherwise the embedded PostgreSQL. */
const database = z
  .object({
    url: url(setting('DATABASE_URL', secretUrl(/^postgres(ql)?:\/\//i, 'a postgres:// or postgresql:// URL').optional(), {
      meaning: 'read models, the default event store, checkpoints',
      default: 'unset: `DB_*`, else an embedded PostgreSQL',
    })),
    name: setting('DB_NAME', z.string().optional(), { meaning: 'the original\'s database settings, used when `DATABASE_URL` is unset: database name' }),
    user: setting('DB_USER', z.string().optional(), { meaning: 'database user' }),
    password: setting('DB_PASSWORD', z.string().optional(), { meaning: 'database password' }),
    host: setting('DB_HOST', z.string().optional(), { meaning: 'database host', default: '`localhost`' }),
    port: setting('DB_PORT', anInteger(1, 65535).optional(), { meaning: 'database port', default: '`5432`' }),
  })
  .transform((db, ctx): { kind: 'embedded' } | { kind: 'url'; url: string } => {
    if (db.url) return { kind: 'url', url: db.url };
    if (!db.name) {
      const stray = (['user', 'password', 'host', 'port'] as const).find((key) => db[key] !== undefined);
      if (!stray) return { kind: 'embedded' };
      ctx.issues.push({ code: 'custom', input: db, path: ['name'], message: requiredWhen(`DB_${stray.toUpperCase()}`, 'or set DATABASE_URL') });
      return z.NEVER;
    }
    const password = db.password ? `:${encodeURIComponent(db.password)}` : '';
    const credentials = db.user || password ? `${encodeURIComponent(db.user ?? '')}${password}@` : '';
    return { kind: 'url', url: `postgres://${credentials}${urlHost(db.host ?? 'localhost')}:${db.port ?? 5432}/${encodeURIComponent(db.name)}` };
  });

const redis = z
  .object({
    url: url(setting('REDIS_URL', secretUrl(/^rediss?:\/\//i, 'a redis:// or rediss:// URL').optional(), {
      meaning: 'cache and throttling',
      default: 'unset: `REDIS_HOST`, else an in-process cache',
    })),
    host: setting('REDIS_HOST', z.string().optional(), { meaning: 'Redis host, used when `REDIS_URL` is unset' }),
    port: setting('REDIS_PORT', anInteger(1, 65535).optional(), { meaning: 'Redis port', default: '`6379`' }),
    password: setting('REDIS_PASSWORD', z.string().optional(), { meaning: 'Redis password' }),
  })
  .transform((r, ctx): { kind: 'url'; url: string } | { kind: 'memory' } => {
    if (r.url) return { kind: 'url', url: r.url };
    if (!r.host) {
      const stray = (['port', 'password'] as const).find((key) => r[key] !== undefined);
      if (!stray) return { kind: 'memory' };
      ctx.issues.push({ code: 'custom', input: r, path: ['host'], message: requiredWhen(`REDIS_${stray.toUpperCase()}`, 'or set REDIS_URL') });
      return z.NEVER;
    }
    const credentials = r.password ? `:${encodeURIComponent(r.password)}@` : '';
    return { kind: 'url', url: `redis://${credentials}${urlHost(r.host)}:${r.port ?? 6379}` };
  });

/** KurrentDB is EventStoreDB renamed: same connection string, but our @eventstore/db-client only parses esdb schemes. */
const asEsdbScheme = (connectionString: string): string => connectionString.replace(/^kurrentdb(\+discover)?:\/\//i, 'esdb$1://');

const eventStore = masked(
  setting(
    'EVENTSTORE_CONNECTION_STRING',
    secretUrl(
      /^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover):\/\/./i,
      'a connection string starting with esdb://, esdb+discover:// or kurrentdb://',
      false, // a cluster lists several host:port pairs, which no URL parser accepts
    )
      .optional()
      .transform((cs): { kind: 'eventstoredb'; connectionString: string } | { kind: 'postgres' } =>
        cs ? { kind: 'eventstoredb', connectionString: asEsdbScheme(cs) } : { kind: 'postgres' }),
    { meaning: '`esdb://host:2113?tls=false` to keep the log in EventStoreDB; `&streamPrefix=staging:` (ours, taken out before the client sees the string) keeps this deployment\'s streams under that prefix, so several share one server', default: 'unset: PostgreSQL `events` table' },
  ),
  (store) => (store.kind === 'eventstoredb' ? { ...store, connectionString: maskUrl(store.connectionString) } : store),
);

export const ADMIN_PREFIXES = { django: 'DJANGO_SUPERUSER_', alias: 'ADMIN_' } as const;
const ADMIN_FIELDS = ['username', 'email', 'password'] as const;
const adminVariables = (prefix: string, meaning: (field: string) => string) =>
  z.object({
    username: setting(`${prefix}USERNAME`, z.string().optional(), { meaning: meaning('username') }),
    email: setting(`${prefix}EMAIL`, email().optional(), { meaning: meaning('email') }),
    password: setting(`${prefix}PASSWORD`, z.string().optional(), { meaning: meaning('password') }),
  });

/** The original's DJANGO_SUPERUSER_* names first, ADMIN_* as the shorter alias; all three or none. */
const admin = masked(
  z
    .object({
      django: adminVariables(ADMIN_PREFIXES.django, (field) => `${field} of an admin created at start if missing (all three or none)`),
      alias: adminVariables(ADMIN_PREFIXES.alias, (field) => `the same as \`DJANGO_SUPERUSER_${field.toUpperCase()}\`, which wins`),
    })
    .transform((sets, ctx): { username: string; email: string; password: string } | undefined => {
      const [username, email, password] = ADMIN_FIELDS.map((field) => sets.django[field] ?? sets.alias[field]);
      if (username && email && password) return { username, email, password };
      const given = ADMIN_FIELDS.flatMap((field) =>
        (['django', 'alias'] as const).filter((set) => sets[set][field] !== undefined).map((set) => ({ set, field })))[0];
      if (!given) return undefined;
      const missing = ADMIN_FIELDS.find((field) => !(sets.django[field] ?? sets.alias[field])) ?? 'password';
      const name = `${ADMIN_PREFIXES[given.set]}${given.field.toUpperCase()}`;
      ctx.issues.push({ code: 'custom', input: sets, path: [given.set, missing], message: requiredWhen(name, 'set USERNAME, EMAIL and PASSWORD together, or none') });
      return z.NEVER;
    }),
  (account) => ({ ...account, password: MASK }),
);

const metrics = z.object({
  token: secret(setting('METRICS_TOKEN', z.string().trim().min(16, { error: 'must be at least 16 characters (a random secret)' }).optional(), {
    meaning: 'a random secret (≥ 16 characters); `/metrics` then requires `Authorization: Bearer <token>`',
    default: 'unset: `/metrics` is public',
  })),
  port: setting('METRICS_PORT', anInteger(1, 65535).optional(), { meaning: 'serve `/metrics` on this port only (the API\'s port answers 404 there)' }),
  host: setting('METRICS_HOST', z.string().trim().optional(), { meaning: 'the address `METRICS_PORT` listens on', default: '`HOST`' }),
});

const declared = z.object({
  database,
  eventStore,
  redis,
  secretKey: masked(setting('SECRET_KEY', z.string().optional(), { meaning: 'signs JWTs (HS256)', default: 'required unless `DEBUG=True`' }), (key) =>
    key === DEVELOPMENT_SECRET_KEY ? 'development default (DEBUG only)' : MASK),
  dataKeyEncryptionKey: secret(setting('DATA_KEY_ENCRYPTION_KEY', z.string().trim().optional(), {
    meaning: '32 random bytes in base64 (`openssl rand -base64 32`): wraps every user\'s data key (see [Privacy](#privacy-erasure-and-export)). Keep it with your secrets, apart from database backups; the same value for every process of a deployment; losing it loses every user\'s personal data',
    default: 'required unless `DEBUG=True` (then derived from `SECRET_KEY` with HKDF-SHA256: development only)',
  })),
  debug: setting('DEBUG', bool(false), { meaning: 'development mode', default: '`False` (`npm start`: `True`)' }),
  allowedHosts: setting('ALLOWED_HOSTS', allowedHosts().optional(), {
    meaning: 'comma list, `*` allowed; Django\'s rules (`.example.com` = the domain and its subdomains, port ignored); another Host gets 400. `/healthz`, `/readyz`, `/metrics` answer any Host',
    default: `required unless \`DEBUG=True\` (then \`${DEBUG_ALLOWED_HOSTS.join(',')}\`)`,
  }),
  corsAllowedOrigins: setting('CORS_ALLOWED_ORIGINS', corsOrigins().default([]), { meaning: 'exact origins allowed to call from a browser (no credentials)' }),
  requestTimeoutMs: setting('REQUEST_TIMEOUT_MS', positive(30_000), {
    meaning: 'a request still running after this gets 503; `/api/ai/generate` gets 2×`AI_TIMEOUT_MS` + 2×`PROJECTION_WAIT_TIMEOUT_MS` + 1 s; also Node\'s limit on receiving a request (headers ≤ 20 s)',
  }),
  port: setting('PORT', port(8000), { meaning: 'where the API listens' }),
  host: setting('HOST', z.string().trim().optional(), {
    meaning: 'the address the API listens on (the Docker image sets `HOST=0.0.0.0`)',
    default: '`127.0.0.1` with `DEBUG=True`, else `0.0.0.0`',
  }),
  runProjections: setting('RUN_PROJECTIONS', bool(true), { meaning: 'run the projectors inside the API process' }),
  seedExamples: setting('SEED_EXAMPLES', bool(true), {
    meaning: 'create the public example applications at start when missing (idempotent; instances starting together seed once)',
  }),
  projectionWaitTimeoutMs: setting('PROJECTION_WAIT_TIMEOUT_MS', positive(5000), {
    meaning: 'how long a write waits for its read models before answering 503 (the write is kept)',
  }),
  googleGeminiApiKey: secret(setting('GOOGLE_GEMINI_API_KEY', z.string().optional(), { meaning: 'Google Gemini\'s API key' })),
  openRouterApiKey: secret(setting('OPENROUTER_API_KEY', z.string().optional(), { meaning: 'OpenRouter\'s API key' })),
  /** Every `*_API_KEY` variable: an AI model names the one holding its key (`ai_models.api_key_name`). */
  aiApiKeys: masked(
    setting('…_API_KEY', z.record(z.string(), z.string()), {
      matching: (name) => /^[A-Z][A-Z0-9_]*_API_KEY$/.test(name),
      meaning: 'any variable an AI model names as its key (`api_key_name`); only names ending in `_API_KEY` are read',
      default: 'unset',
    }),
    (keys) => Object.fromEntries(Object.keys(keys).map((name) => [name, MASK])),
  ),
  geminiBaseUrl: url(setting('GEMINI_BASE_URL', httpUrl().optional(), { meaning: 'Gemini\'s endpoint', default: 'the provider\'s' })),
  openRouterBaseUrl: url(setting('OPENROUTER_BASE_URL', httpUrl().default('https://openrouter.ai/api/v1'), { meaning: 'OpenRouter\'s endpoint' })),
  aiTimeoutMs: setting('AI_TIMEOUT_MS', positive(60_000), { meaning: 'the timeout of one AI attempt (one retry on 5xx/timeout)' }),
  admin,
  accessTokenLifetimeS: setting('ACCESS_TOKEN_LIFETIME_S', positive(300), { meaning: 'JWT access token lifetime' }),
  refreshTokenLifetimeS: setting('REFRESH_TOKEN_LIFETIME_S', positive(86_400), { meaning: 'JWT refresh token lifetime' }),
  trustProxy: setting('TRUST_PROXY', trustProxy(), {
    meaning: 'which peers\' `X-Forwarded-For`/`-Proto`/`-Host` are believed: `False` (none: the socket\'s peer is the client), a number of proxies in front (`True` = `1`), or their addresses/CIDRs (`10.0.0.0/8,loopback`); see [Client addresses behind proxies](#client-addresses-behind-proxies)',
    default: '`False`',
  }),
  bodyLimitBytes: setting('BODY_LIMIT_BYTES', positive(1_048_576), { meaning: 'larger request bodies get 413' }),
  metrics,
  maxAppendBytes: setting('MAX_APPEND_BYTES', integer(1024, 1_040_000, 1_000_000), {
    meaning: 'an append of larger events (type, data and metadata as JSON) gets 413; at most 1,040,000, under EventStoreDB\'s 1 MiB `MaxAppendSize`',
  }),
  bcrypt: z.object({
    implementation: setting('BCRYPT_IMPLEMENTATION', z.enum(['native', 'bcryptjs'], { error: (iss) => `must be native or bcryptjs ${got(iss.input)}` }).default('native'), {
      meaning: '`native` hashes on the thread pool; `bcryptjs` on the event loop (see bench/README.md)',
    }),
    rounds: setting('BCRYPT_ROUNDS', integer(4, 15, 12), { meaning: 'bcrypt\'s cost factor' }),
  }),
  passwordHashing: z.object({
    concurrency: setting('PASSWORD_HASH_CONCURRENCY', integer(1, 64, DEFAULT_HASH_CONCURRENCY), {
      meaning: 'password hashes and checks running at once',
      default: 'CPU cores − 1 (1 to 3)',
    }),
    queue: setting('PASSWORD_HASH_QUEUE', anInteger(0, 10_000).optional(), {
      meaning: 'hashes that may wait for a slot; beyond, 503 at once',
      default: 'about 1 s of hashing at `BCRYPT_ROUNDS` (cost 12: 4 per slot)',
    }),
  }),
  throttling: z.object({
    loginFailuresPerUsernameAndIp: setting('THROTTLE_LOGIN_FAILURES_PER_USERNAME_AND_IP', positive(5), {
      meaning: 'failed logins per (username, client address) per window',
    }),
    loginFailuresPerUsername: setting('THROTTLE_LOGIN_FAILURES_PER_USERNAME', positive(10), {
      meaning: 'failed logins per username per window, from devices without its device cookie (a known device counts on its own)',
    }),
    loginFailuresPerIp: setting('THROTTLE_LOGIN_FAILURES_PER_IP', positive(100), { meaning: 'failed logins per client address (any username) per window' }),
    loginWindowS: setting('THROTTLE_LOGIN_WINDOW_S', positive(900), { meaning: 'the window of all three login limits' }),
    registrationsPerIp: setting('THROTTLE_REGISTRATIONS_PER_IP', positive(200), { meaning: 'registrations allowed per client address per window' }),
    registrationWindowS: setting('THROTTLE_REGISTRATION_WINDOW_S', positive(3600), { meaning: 'the registrations\' window' }),
  }),
  storageLimits: z.object({
    resumesPerUser: setting('MAX_RESUMES_PER_USER', positive(1000), { meaning: 'resumes one user may keep; see Limits' }),
    jobApplicationsPerUser: setting('MAX_JOB_APPLICATIONS_PER_USER', positive(5000), {
      meaning: 'job applications one user may keep (not soft-deleted); see Limits',
    }),
  }),
  redisKeyPrefix: setting('REDIS_KEY_PREFIX', z.string().default(''), { meaning: 'prefix for every Redis key (several deployments or test runs on one Redis)' }),
  logLevel: setting('LOG_LEVEL', oneOf(LOG_LEVELS).default('info'), { meaning: 'pino level; `debug` also prints a start-up failure\'s stack trace' }),
  logFormat: setting('LOG_FORMAT', oneOf(['pretty', 'json'], 'must be pretty or json').optional(), {
    meaning: '`pretty`: readable lines (pino-pretty); `json`: one JSON object per line, for log collectors',
    default: '`pretty` on a terminal, else `json`',
  }),
  dataDir: setting('DATA_DIR', z.string().default('.data').transform((dir) => path.resolve(dir)), {
    meaning: 'where the embedded PostgreSQL lives (as root, see Quick start)',
  }),
  embeddedPgPort: setting('EMBEDDED_PG_PORT', port(54329), { meaning: 'the embedded PostgreSQL\'s port; admin commands beside a running API use it' }),
  rebuildBatchDelayMs: setting('RESUMATE_REBUILD_BATCH_DELAY_MS', integer(0, 60_000, 0), {
    meaning: 'a pause between the batches of `projections rebuild` (tests use it to watch a rebuild in progress)',
  }),
});

type Declared = z.output<typeof declared>;

/**
 * bcrypt at cost 4 takes about 1 ms on a server core and doubles with each round: by default the
 * queue holds about one second of work (cost 12: 4 waiting per slot; cost 4: 1,000), so a
 * burst waits at most about a second before it is refused, whatever the cost.
 */
function queueForAboutOneSecond({ bcrypt, passwordHashing }: Declared): number {
  const hashMs = 2 ** (bcrypt.rounds - 4);
  return Math.min(1_000, Math.max(4, Math.floor(1_000 / hashMs))) * passwordHashing.concurrency;
}

/** The settings whose value depends on another: DEBUG's development defaults, PORT and the metrics listener. */
const withDependentDefaults = (s: Declared, ctx: z.core.$RefinementCtx<Declared>) => {
  const refuse = (path: string[], message: string) => {
    ctx.issues.push({ code: 'custom', input: s, path, message });
    return z.NEVER;
  };
  if (!s.secretKey && !s.debug) return refuse(['secretKey'], 'is required unless DEBUG=True');
  if (!s.allowedHosts && !s.debug) return refuse(['allowedHosts'], 'is required unless DEBUG=True (comma-separated host names, or *)');
  // In development (the development secret) only this machine can reach the server, unless HOST says otherwise.
  const host = s.host ?? (s.debug ? '127.0.0.1' : '0.0.0.0');
  const { token, port: metricsPort, host: metricsHost } = s.metrics;
  if (metricsPort === undefined && metricsHost) return refuse(['metrics', 'port'], 'is required when METRICS_HOST is set');
  if (metricsPort === s.port) return refuse(['metrics', 'port'], `must differ from PORT ${got(metricsPort)}`);
  return {
    ...s,
    secretKey: s.secretKey ?? DEVELOPMENT_SECRET_KEY,
    secretKeyIsDefault: !s.secretKey,
    allowedHosts: s.allowedHosts ?? DEBUG_ALLOWED_HOSTS,
    host,
    metrics: metricsPort === undefined ? { token } : { token, listen: { port: metricsPort, host: metricsHost ?? host } },
    passwordHashing: { ...s.passwordHashing, queue: s.passwordHashing.queue ?? queueForAboutOneSecond(s) },
  };
};

export const configSchema = declared.transform(withDependentDefaults);
