import { availableParallelism } from 'node:os';
import path from 'node:path';
import proxyaddr from 'proxy-addr';
import { z } from 'zod';
import type { LevelWithSilent } from 'pino';

export interface Config {
  database: { kind: 'embedded' } | { kind: 'url'; url: string };
  secretKey: string;
  secretKeyIsDefault: boolean;
  /** DATA_KEY_ENCRYPTION_KEY as given (base64); src/eventstore/shredding/keyEncryptionKey.ts checks and resolves it. */
  dataKeyEncryptionKey?: string;
  debug: boolean;
  allowedHosts: string[];
  corsAllowedOrigins: string[];
  googleGeminiApiKey?: string;
  openRouterApiKey?: string;
  geminiBaseUrl?: string;
  openRouterBaseUrl: string;
  aiTimeoutMs: number;
  redis: { kind: 'url'; url: string } | { kind: 'memory' };
  redisKeyPrefix: string;
  admin?: { username: string; email: string; password: string };
  eventStore: { kind: 'eventstoredb'; connectionString: string } | { kind: 'postgres' };
  port: number;
  host: string;
  logLevel: LevelWithSilent;
  /** Unset: human-readable on a terminal, JSON lines otherwise. */
  logFormat?: 'pretty' | 'json';
  runProjections: boolean;
  /** Creates the public example applications at start-up when they are missing, as the original does. */
  seedExamples: boolean;
  dataDir: string;
  embeddedPgPort: number;
  projectionWaitTimeoutMs: number;
  accessTokenLifetimeS: number;
  refreshTokenLifetimeS: number;
  /** Which peers' X-Forwarded-* headers are believed (src/http/proxyTrust.ts); `{ hops: 0 }` is none. */
  trustProxy: TrustProxy;
  bodyLimitBytes: number;
  /** GET /metrics: a bearer token it requires, and/or its own listener (then the API's port does not serve it). */
  metrics: { token?: string; listen?: { port: number; host: string } };
  /** Largest append (events' type, data and metadata as JSON), below EventStoreDB's 1 MiB MaxAppendSize. */
  maxAppendBytes: number;
  /** A request still running after this long is answered 503 (AI generation gets its own, longer bound). */
  requestTimeoutMs: number;
  /** bcrypt on the thread pool (native addon) or on the event loop (bcryptjs); cost factor. */
  bcrypt: { implementation: 'native' | 'bcryptjs'; rounds: number };
  /** Password hashes and checks running at once, and waiting; beyond both, 503 at once. */
  passwordHashing: { concurrency: number; queue: number };
  /**
   * Failed logins per (username, IP), per username from unknown devices, and per IP; and
   * registrations per IP; per window. See src/auth/loginThrottle.ts.
   */
  throttling: {
    loginFailuresPerUsernameAndIp: number;
    loginFailuresPerUsername: number;
    loginFailuresPerIp: number;
    loginWindowS: number;
    registrationsPerIp: number;
    registrationWindowS: number;
  };
  /** What one user may keep: resumes, and job applications that are not soft-deleted. */
  storageLimits: StorageLimits;
}

export interface StorageLimits {
  resumesPerUser: number;
  jobApplicationsPerUser: number;
}

/** TRUST_PROXY: the number of proxies in front (each appends to X-Forwarded-For), or their addresses and CIDRs. */
export type TrustProxy = { hops: number } | { addresses: string[] };

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
  }
}

const DEVELOPMENT_SECRET_KEY = 'resumate-insecure-development-key-used-only-when-DEBUG-is-true';
const DEBUG_ALLOWED_HOSTS = ['localhost', '127.0.0.1', '[::1]'];
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const MASK = '****';

/** Quotes a rejected value for the one-line message: escaped, so it cannot break the line. */
const got = (input: unknown): string => {
  const text = String(input);
  return `(got ${JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text)})`;
};

const anInteger = (min: number, max: number) => {
  const problem = max === Number.MAX_SAFE_INTEGER ? 'must be a positive integer' : `must be an integer between ${min} and ${max}`;
  return z
    .string()
    .trim()
    .regex(/^\d+$/, { error: (iss) => `${problem} ${got(iss.input)}` })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: (iss) => `${problem} ${got(iss.input)}` });
};
const integer = (min: number, max: number, fallback: number) => anInteger(min, max).default(fallback);
const port = (fallback: number) => integer(1, 65535, fallback);
const positive = (fallback: number) => integer(1, Number.MAX_SAFE_INTEGER, fallback);

/** One core stays free for the event loop; at most 3 so libuv's 4-thread pool keeps one for files and DNS. */
const DEFAULT_HASH_CONCURRENCY = Math.min(3, Math.max(1, availableParallelism() - 1));

const bool = (fallback: boolean) =>
  z
    .stringbool({
      truthy: ['true', '1', 'yes'],
      falsy: ['false', '0', 'no'],
      error: (iss) => `must be True or False (also true/false, 1/0, yes/no) ${got(iss.input)}`,
    })
    .default(fallback);

/**
 * False (0), a hop count, True (one hop: legacy, never Express's "trust everyone"), or a comma
 * list of proxy-addr addresses, CIDRs and names (loopback, linklocal, uniquelocal).
 */
const trustProxy = z
  .string()
  .trim()
  .transform((s, ctx): TrustProxy => {
    const lower = s.toLowerCase();
    if (['false', 'no'].includes(lower)) return { hops: 0 };
    if (['true', 'yes'].includes(lower)) return { hops: 1 };
    if (/^\d{1,2}$/.test(s)) return { hops: Number(s) };
    const addresses = s.split(',').map((part) => part.trim()).filter((part) => part !== '');
    if (addresses.length > 0 && !/^\d+$/.test(s) && compiles(addresses)) return { addresses };
    const expected = 'must be False, True (one proxy), a number of proxies (0-99), or their addresses/CIDRs like 10.0.0.0/8,loopback';
    ctx.issues.push({ code: 'custom', input: s, message: `${expected} ${got(s)}` });
    return z.NEVER;
  })
  .default({ hops: 0 });

const compiles = (addresses: string[]): boolean => {
  try {
    proxyaddr.compile(addresses);
    return true;
  } catch {
    return false;
  }
};

const httpUrl = () => z.url({ protocol: /^https?$/, error: (iss) => `must be an http(s) URL ${got(iss.input)}` });

/** Credential-bearing URLs are never echoed back in an error. */
const secretUrl = (schemes: RegExp, expected: string, parseable = true) =>
  z
    .string()
    .trim()
    .refine((s) => schemes.test(s) && (!parseable || URL.canParse(s)), { error: `must be ${expected}` });

const list = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .string()
    .transform((s) => s.split(',').map((part) => part.trim()).filter((part) => part !== ''))
    .pipe(z.array(item));

const allowedHost = z
  .string()
  .toLowerCase()
  .regex(/^(\*|\.?[a-z0-9_.-]+|\[[0-9a-f:.]+\])$/, {
    error: (iss) => `entries must be host names like example.com, .example.com or * ${got(iss.input)}`,
  });

const corsOrigin = z.string().transform((s, ctx) => {
  const url = URL.canParse(s) ? new URL(s) : undefined;
  if (url && /^https?:$/.test(url.protocol) && url.pathname === '/' && !url.search && !url.hash && !url.username) {
    return url.origin;
  }
  ctx.issues.push({ code: 'custom', input: s, message: `entries must be origins like https://app.example.com ${got(s)}` });
  return z.NEVER;
});

const optional = z.string().optional();

const envSchema = z.object({
  DATABASE_URL: secretUrl(/^postgres(ql)?:\/\//i, 'a postgres:// or postgresql:// URL').optional(),
  DB_NAME: optional,
  DB_USER: optional,
  DB_PASSWORD: optional,
  DB_HOST: optional,
  DB_PORT: port(5432),
  SECRET_KEY: optional,
  DATA_KEY_ENCRYPTION_KEY: optional,
  DEBUG: bool(false),
  ALLOWED_HOSTS: list(allowedHost).optional(),
  CORS_ALLOWED_ORIGINS: list(corsOrigin).default([]),
  GOOGLE_GEMINI_API_KEY: optional,
  OPENROUTER_API_KEY: optional,
  GEMINI_BASE_URL: httpUrl().optional(),
  OPENROUTER_BASE_URL: httpUrl().default('https://openrouter.ai/api/v1'),
  AI_TIMEOUT_MS: positive(60_000),
  REDIS_URL: secretUrl(/^rediss?:\/\//i, 'a redis:// or rediss:// URL').optional(),
  REDIS_HOST: optional,
  REDIS_PORT: port(6379),
  REDIS_PASSWORD: optional,
  REDIS_KEY_PREFIX: z.string().default(''),
  DJANGO_SUPERUSER_USERNAME: optional,
  DJANGO_SUPERUSER_EMAIL: z.email({ error: (iss) => `must be an email address ${got(iss.input)}` }).optional(),
  DJANGO_SUPERUSER_PASSWORD: optional,
  ADMIN_USERNAME: optional,
  ADMIN_EMAIL: z.email({ error: (iss) => `must be an email address ${got(iss.input)}` }).optional(),
  ADMIN_PASSWORD: optional,
  EVENTSTORE_CONNECTION_STRING: secretUrl(
    /^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover):\/\/./i,
    'a connection string starting with esdb://, esdb+discover:// or kurrentdb://',
    false, // a cluster lists several host:port pairs, which no URL parser accepts
  ).optional(),
  PORT: port(8000),
  HOST: optional,
  LOG_LEVEL: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(LOG_LEVELS, { error: (iss) => `must be one of ${LOG_LEVELS.join(', ')} ${got(iss.input)}` }))
    .default('info'),
  LOG_FORMAT: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['pretty', 'json'], { error: (iss) => `must be pretty or json ${got(iss.input)}` }))
    .optional(),
  RUN_PROJECTIONS: bool(true),
  SEED_EXAMPLES: bool(true),
  DATA_DIR: z.string().default('.data'),
  EMBEDDED_PG_PORT: port(54329),
  PROJECTION_WAIT_TIMEOUT_MS: positive(5000),
  ACCESS_TOKEN_LIFETIME_S: positive(300),
  REFRESH_TOKEN_LIFETIME_S: positive(86_400),
  TRUST_PROXY: trustProxy,
  BODY_LIMIT_BYTES: positive(1_048_576),
  METRICS_TOKEN: z.string().trim().min(16, { error: 'must be at least 16 characters (a random secret)' }).optional(),
  METRICS_PORT: anInteger(1, 65535).optional(),
  METRICS_HOST: z.string().trim().optional(),
  MAX_APPEND_BYTES: integer(1024, 1_040_000, 1_000_000),
  REQUEST_TIMEOUT_MS: positive(30_000),
  BCRYPT_IMPLEMENTATION: z
    .enum(['native', 'bcryptjs'], { error: (iss) => `must be native or bcryptjs ${got(iss.input)}` })
    .default('native'),
  BCRYPT_ROUNDS: integer(4, 15, 12),
  PASSWORD_HASH_CONCURRENCY: integer(1, 64, DEFAULT_HASH_CONCURRENCY),
  PASSWORD_HASH_QUEUE: anInteger(0, 10_000).optional(),
  THROTTLE_LOGIN_FAILURES_PER_USERNAME_AND_IP: positive(5),
  THROTTLE_LOGIN_FAILURES_PER_USERNAME: positive(10),
  THROTTLE_LOGIN_FAILURES_PER_IP: positive(100),
  THROTTLE_LOGIN_WINDOW_S: positive(900),
  THROTTLE_REGISTRATIONS_PER_IP: positive(200),
  THROTTLE_REGISTRATION_WINDOW_S: positive(3600),
  MAX_RESUMES_PER_USER: positive(1000),
  MAX_JOB_APPLICATIONS_PER_USER: positive(5000),
});
type Env = z.infer<typeof envSchema>;

/** Reads the environment once at start-up; throws ConfigError (one line, naming the variable) on the first problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty value (`DEBUG=` in a compose file) means "not set", as it does for most twelve-factor apps.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(String(issue?.path[0] ?? 'environment'), issue?.message ?? 'is invalid');
  }
  return assemble(parsed.data, present);
}

function assemble(e: Env, present: Record<string, unknown>): Config {
  if (!e.SECRET_KEY && !e.DEBUG) throw new ConfigError('SECRET_KEY', 'is required unless DEBUG=True');
  if (!e.ALLOWED_HOSTS && !e.DEBUG) {
    throw new ConfigError('ALLOWED_HOSTS', 'is required unless DEBUG=True (comma-separated host names, or *)');
  }
  return {
    database: databaseFrom(e, present),
    secretKey: e.SECRET_KEY ?? DEVELOPMENT_SECRET_KEY,
    secretKeyIsDefault: !e.SECRET_KEY,
    dataKeyEncryptionKey: e.DATA_KEY_ENCRYPTION_KEY,
    debug: e.DEBUG,
    allowedHosts: e.ALLOWED_HOSTS ?? DEBUG_ALLOWED_HOSTS,
    corsAllowedOrigins: e.CORS_ALLOWED_ORIGINS,
    googleGeminiApiKey: e.GOOGLE_GEMINI_API_KEY,
    openRouterApiKey: e.OPENROUTER_API_KEY,
    geminiBaseUrl: e.GEMINI_BASE_URL,
    openRouterBaseUrl: e.OPENROUTER_BASE_URL,
    aiTimeoutMs: e.AI_TIMEOUT_MS,
    redis: redisFrom(e, present),
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    admin: adminFrom(e),
    eventStore: e.EVENTSTORE_CONNECTION_STRING
      ? { kind: 'eventstoredb', connectionString: asEsdbScheme(e.EVENTSTORE_CONNECTION_STRING) }
      : { kind: 'postgres' },
    port: e.PORT,
    host: listenHost(e),
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    runProjections: e.RUN_PROJECTIONS,
    seedExamples: e.SEED_EXAMPLES,
    dataDir: path.resolve(e.DATA_DIR),
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    projectionWaitTimeoutMs: e.PROJECTION_WAIT_TIMEOUT_MS,
    accessTokenLifetimeS: e.ACCESS_TOKEN_LIFETIME_S,
    refreshTokenLifetimeS: e.REFRESH_TOKEN_LIFETIME_S,
    trustProxy: e.TRUST_PROXY,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    metrics: metricsFrom(e),
    maxAppendBytes: e.MAX_APPEND_BYTES,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    bcrypt: { implementation: e.BCRYPT_IMPLEMENTATION, rounds: e.BCRYPT_ROUNDS },
    passwordHashing: { concurrency: e.PASSWORD_HASH_CONCURRENCY, queue: e.PASSWORD_HASH_QUEUE ?? queueForAboutOneSecond(e) },
    throttling: {
      loginFailuresPerUsernameAndIp: e.THROTTLE_LOGIN_FAILURES_PER_USERNAME_AND_IP,
      loginFailuresPerUsername: e.THROTTLE_LOGIN_FAILURES_PER_USERNAME,
      loginFailuresPerIp: e.THROTTLE_LOGIN_FAILURES_PER_IP,
      loginWindowS: e.THROTTLE_LOGIN_WINDOW_S,
      registrationsPerIp: e.THROTTLE_REGISTRATIONS_PER_IP,
      registrationWindowS: e.THROTTLE_REGISTRATION_WINDOW_S,
    },
    storageLimits: { resumesPerUser: e.MAX_RESUMES_PER_USER, jobApplicationsPerUser: e.MAX_JOB_APPLICATIONS_PER_USER },
  };
}

/**
 * bcrypt at cost 4 takes about 1 ms on a server core and doubles with each round: by default the
 * queue holds about one second of work (cost 12: 4 waiting per slot; cost 4: 1,000), so a
 * burst waits at most about a second before it is refused, whatever the cost.
 */
function queueForAboutOneSecond(e: Env): number {
  const hashMs = 2 ** (e.BCRYPT_ROUNDS - 4);
  return Math.min(1_000, Math.max(4, Math.floor(1_000 / hashMs))) * e.PASSWORD_HASH_CONCURRENCY;
}

const urlHost = (host: string): string => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);

/** DATABASE_URL wins; otherwise the original's DB_* variables; otherwise the embedded PostgreSQL. */
function databaseFrom(e: Env, present: Record<string, unknown>): Config['database'] {
  if (e.DATABASE_URL) return { kind: 'url', url: e.DATABASE_URL };
  if (!e.DB_NAME) {
    const stray = ['DB_USER', 'DB_PASSWORD', 'DB_HOST', 'DB_PORT'].find((name) => name in present);
    if (stray) throw new ConfigError('DB_NAME', `is required when ${stray} is set (or set DATABASE_URL)`);
    return { kind: 'embedded' };
  }
  const password = e.DB_PASSWORD ? `:${encodeURIComponent(e.DB_PASSWORD)}` : '';
  const credentials = e.DB_USER || password ? `${encodeURIComponent(e.DB_USER ?? '')}${password}@` : '';
  const host = `${urlHost(e.DB_HOST ?? 'localhost')}:${e.DB_PORT}`;
  return { kind: 'url', url: `postgres://${credentials}${host}/${encodeURIComponent(e.DB_NAME)}` };
}

/** In development (the development secret) only this machine can reach the server, unless HOST says otherwise. */
const listenHost = (e: Env): string => e.HOST?.trim() ?? (e.DEBUG ? '127.0.0.1' : '0.0.0.0');

function redisFrom(e: Env, present: Record<string, unknown>): Config['redis'] {
  if (e.REDIS_URL) return { kind: 'url', url: e.REDIS_URL };
  if (!e.REDIS_HOST) {
    const stray = ['REDIS_PORT', 'REDIS_PASSWORD'].find((name) => name in present);
    if (stray) throw new ConfigError('REDIS_HOST', `is required when ${stray} is set (or set REDIS_URL)`);
    return { kind: 'memory' };
  }
  const credentials = e.REDIS_PASSWORD ? `:${encodeURIComponent(e.REDIS_PASSWORD)}@` : '';
  return { kind: 'url', url: `redis://${credentials}${urlHost(e.REDIS_HOST)}:${e.REDIS_PORT}` };
}

function metricsFrom(e: Env): Config['metrics'] {
  if (e.METRICS_PORT === undefined) {
    if (e.METRICS_HOST) throw new ConfigError('METRICS_PORT', 'is required when METRICS_HOST is set');
    return { token: e.METRICS_TOKEN };
  }
  if (e.METRICS_PORT === e.PORT) throw new ConfigError('METRICS_PORT', `must differ from PORT ${got(e.METRICS_PORT)}`);
  return { token: e.METRICS_TOKEN, listen: { port: e.METRICS_PORT, host: e.METRICS_HOST ?? listenHost(e) } };
}

const ADMIN_FIELDS = ['USERNAME', 'EMAIL', 'PASSWORD'] as const;
const ADMIN_PREFIXES = ['DJANGO_SUPERUSER_', 'ADMIN_'] as const;

/** The original's DJANGO_SUPERUSER_* names first, ADMIN_* as the shorter alias; all three or none. */
function adminFrom(e: Env): Config['admin'] {
  const found = ADMIN_FIELDS.map((field) => {
    const name = ADMIN_PREFIXES.map((prefix) => `${prefix}${field}` as const).find((n) => e[n] !== undefined);
    return { field, name, value: name && e[name] };
  });
  const [username, email, password] = found.map((f) => f.value);
  if (username && email && password) return { username, email, password };
  const given = found.find((f) => f.name);
  if (!given?.name) return undefined;
  const prefix = given.name.slice(0, -given.field.length);
  const missing = found.find((f) => !f.value)?.field;
  const problem = `is required when ${given.name} is set (set USERNAME, EMAIL and PASSWORD together, or none)`;
  throw new ConfigError(`${prefix}${missing}`, problem);
}

/** KurrentDB is EventStoreDB renamed: same connection string, but our @eventstore/db-client only parses esdb schemes. */
const asEsdbScheme = (connectionString: string): string => connectionString.replace(/^kurrentdb(\+discover)?:\/\//i, 'esdb$1://');

/** Hides the password of a URL (`scheme://user:pass@host`) and any `password=` query parameter. */
export function maskUrl(url: string): string {
  const start = url.indexOf('://') + 3;
  const at = url.lastIndexOf('@');
  const colon = url.indexOf(':', start);
  const masked = start > 2 && at > start && colon > -1 && colon < at ? `${url.slice(0, colon + 1)}${MASK}${url.slice(at)}` : url;
  return masked.replace(/([?&]password=)[^&]*/gi, `$1${MASK}`);
}

const secret = (value: string | undefined): string | undefined => (value === undefined ? undefined : MASK);

/**
 * What the start-up log may show, with every secret masked. Every key is listed on purpose:
 * a new setting breaks the build here until someone decides whether it is secret.
 */
export function describeConfig(config: Config): { [K in keyof Config]-?: unknown } {
  const { database, redis, eventStore, admin } = config;
  return {
    database: database.kind === 'url' ? { kind: 'url', url: maskUrl(database.url) } : database,
    secretKey: config.secretKeyIsDefault ? 'development default (DEBUG only)' : MASK,
    secretKeyIsDefault: config.secretKeyIsDefault,
    dataKeyEncryptionKey: config.dataKeyEncryptionKey === undefined ? (config.debug ? 'derived from SECRET_KEY (DEBUG only)' : undefined) : MASK,
    debug: config.debug,
    allowedHosts: config.allowedHosts,
    corsAllowedOrigins: config.corsAllowedOrigins,
    googleGeminiApiKey: secret(config.googleGeminiApiKey),
    openRouterApiKey: secret(config.openRouterApiKey),
    geminiBaseUrl: config.geminiBaseUrl && maskUrl(config.geminiBaseUrl),
    openRouterBaseUrl: maskUrl(config.openRouterBaseUrl),
    aiTimeoutMs: config.aiTimeoutMs,
    redis: redis.kind === 'url' ? { kind: 'url', url: maskUrl(redis.url) } : redis,
    redisKeyPrefix: config.redisKeyPrefix,
    admin: admin && { username: admin.username, email: admin.email, password: MASK },
    eventStore:
      eventStore.kind === 'eventstoredb'
        ? { kind: 'eventstoredb', connectionString: maskUrl(eventStore.connectionString) }
        : eventStore,
    port: config.port,
    host: config.host,
    logLevel: config.logLevel,
    logFormat: config.logFormat,
    runProjections: config.runProjections,
    seedExamples: config.seedExamples,
    dataDir: config.dataDir,
    embeddedPgPort: config.embeddedPgPort,
    projectionWaitTimeoutMs: config.projectionWaitTimeoutMs,
    accessTokenLifetimeS: config.accessTokenLifetimeS,
    refreshTokenLifetimeS: config.refreshTokenLifetimeS,
    trustProxy: config.trustProxy,
    bcrypt: config.bcrypt,
    passwordHashing: config.passwordHashing,
    throttling: config.throttling,
    storageLimits: config.storageLimits,
    bodyLimitBytes: config.bodyLimitBytes,
    metrics: { token: secret(config.metrics.token), listen: config.metrics.listen },
    maxAppendBytes: config.maxAppendBytes,
    requestTimeoutMs: config.requestTimeoutMs,
  };
}
