import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pino, { type Logger } from 'pino';
import { loadConfig, type Config } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import type { Clock } from '../../src/commands/deps.js';
import type { PasswordHasher } from '../../src/auth/passwordHasher.js';
import { testDatabaseUrl } from './db.js';
import { eventStoreEnv } from './eventStore.js';
import { redisUrl } from './redis.js';
import { TEST_DATA_KEY_ENCRYPTION_KEY } from './dataKeys.js';

/** A Redis key namespace of this test's own, removed with deleteKeys. */
export const newKeyPrefix = (): string => `test:${randomBytes(6).toString('hex')}:`;

/** What every test server or infrastructure runs with: this run's database, its own Redis keys, the test keys, no log. */
export function testInfrastructureEnv(databaseUrl: string, keyPrefix: string): Record<string, string | undefined> {
  return {
    DATABASE_URL: databaseUrl,
    ...eventStoreEnv(databaseUrl),
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: keyPrefix,
    SECRET_KEY: TEST_SECRET_KEY,
    DATA_KEY_ENCRYPTION_KEY: TEST_DATA_KEY_ENCRYPTION_KEY,
    ALLOWED_HOSTS: '*',
    LOG_LEVEL: 'silent',
  };
}

export interface Response<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface TestUser {
  id: number;
  username: string;
  email: string;
  password: string;
  access: string;
  refresh: string;
  get<T = unknown>(path: string): Promise<Response<T>>;
  post<T = unknown>(path: string, body?: unknown): Promise<Response<T>>;
  put<T = unknown>(path: string, body?: unknown): Promise<Response<T>>;
  patch<T = unknown>(path: string, body?: unknown): Promise<Response<T>>;
  delete<T = unknown>(path: string): Promise<Response<T>>;
}

export interface TestApi {
  url: string;
  server: RunningServer;
  keyPrefix: string;
  request<T = unknown>(path: string, init?: RequestInit): Promise<Response<T>>;
  post<T = unknown>(path: string, body?: unknown, headers?: Record<string, string>): Promise<Response<T>>;
  /** Registers and logs in a fresh user with a unique name. */
  newUser(overrides?: { username?: string; password?: string }): Promise<TestUser>;
  stop(): Promise<void>;
}

export const uniqueName = (prefix = 'user') => `${prefix}_${randomBytes(5).toString('hex')}`;

/**
 * The real server on an ephemeral port, on this run's database (or `env.DATABASE_URL`), its
 * event store and the real Redis, with its own Redis key prefix (removed on stop) so servers
 * never share throttles or blacklists.
 */
export async function startTestApi(
  env: Record<string, string> = {},
  overrides: Partial<Config> = {},
  options: { clock?: Clock; logger?: Logger; hasher?: PasswordHasher } = {},
): Promise<TestApi> {
  const keyPrefix = newKeyPrefix();
  const config: Config = {
    ...loadConfig({
      ...testInfrastructureEnv(env.DATABASE_URL ?? testDatabaseUrl(), keyPrefix),
      HOST: '127.0.0.1',
      BCRYPT_ROUNDS: '4',
      THROTTLE_REGISTRATIONS_PER_IP: '1000000',
      THROTTLE_LOGIN_FAILURES_PER_IP: '1000000',
      // The run's database is shared: a test that wants the examples seeded says so.
      SEED_EXAMPLES: 'False',
      ...env,
    }),
    port: 0,
    ...overrides,
  };
  const server = await startServer(config, options.logger ?? pino({ level: 'silent' }), { clock: options.clock, hasher: options.hasher });

  async function request<T>(path: string, init?: RequestInit): Promise<Response<T>> {
    const response = await fetch(`${server.url}${path}`, init);
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body: body as T };
  }
  const send = <T>(method: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
    request<T>(path, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const post = <T>(path: string, body?: unknown, headers?: Record<string, string>) => send<T>('POST', path, body, headers);

  return {
    url: server.url,
    server,
    keyPrefix,
    request,
    post,
    async newUser(overrides = {}) {
      const username = overrides.username ?? uniqueName();
      const password = overrides.password ?? 'Correct-Horse-42';
      const email = `${username}@example.com`;
      const registered = await post<{ id: number }>('/api/auth/register/', { username, email, password, password2: password });
      if (registered.status !== 201) throw new Error(`register ${username}: ${registered.status} ${JSON.stringify(registered.body)}`);
      const tokens = await post<{ access: string; refresh: string }>('/api/auth/token/', { username, password });
      if (tokens.status !== 200) throw new Error(`token ${username}: ${tokens.status} ${JSON.stringify(tokens.body)}`);
      const auth = { authorization: `Bearer ${tokens.body.access}` };
      return {
        id: registered.body.id,
        username,
        email,
        password,
        ...tokens.body,
        get: (path) => request(path, { headers: auth }),
        post: (path, body) => send('POST', path, body, auth),
        put: (path, body) => send('PUT', path, body, auth),
        patch: (path, body) => send('PATCH', path, body, auth),
        delete: (path) => send('DELETE', path, undefined, auth),
      };
    },
    async stop() {
      await server.stop();
      await deleteKeys(keyPrefix);
    },
  };
}

export const TEST_SECRET_KEY = 'test-secret-key-that-is-long-enough-for-hs256';

/** Removes every Redis key under `prefix` (what a test server or bench run created). */
export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // Redis is gone (a test stopped it): nothing to clean.
  } finally {
    redis.disconnect();
  }
}
