import pino from 'pino';
import { loadConfig, type Config } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { testDatabaseUrl } from './db.js';
import { redisUrl } from './redis.js';

export interface TestApi {
  url: string;
  server: RunningServer;
  request(path: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: unknown }>;
  stop(): Promise<void>;
}

/** The real server, on an ephemeral port, on this run's database and the real Redis. */
export async function startTestApi(env: Record<string, string> = {}, overrides: Partial<Config> = {}): Promise<TestApi> {
  const config: Config = {
    ...loadConfig({
      DATABASE_URL: testDatabaseUrl(),
      REDIS_URL: redisUrl,
      SECRET_KEY: 'test-secret-key-that-is-long-enough-for-hs256',
      ALLOWED_HOSTS: '*',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      ...env,
    }),
    port: 0,
    ...overrides,
  };
  const server = await startServer(config, pino({ level: 'silent' }));
  return {
    url: server.url,
    server,
    async request(path, init) {
      const response = await fetch(`${server.url}${path}`, init);
      const text = await response.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, headers: response.headers, body };
    },
    stop: () => server.stop(),
  };
}
