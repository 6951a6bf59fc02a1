import { randomBytes } from 'node:crypto';
import pino from 'pino';
import type { Clock, CommandDeps } from '../../src/commands/deps.js';
import type { CommandContext } from '../../src/domain/decider.js';
import { loadConfig } from '../../src/config.js';
import { commandDeps, startInfrastructure, type Infrastructure } from '../../src/server.js';
import { deleteKeys, TEST_SECRET_KEY } from './api.js';
import { TEST_DATA_KEY_ENCRYPTION_KEY } from './dataKeys.js';
import { eventStoreEnv } from './eventStore.js';
import { testDatabaseUrl } from './db.js';
import { redisUrl } from './redis.js';

export interface CommandInfra {
  infra: Infrastructure;
  commands: CommandDeps;
  /** A fresh command context (who, which request, when) at the clock's now. */
  context(userId?: number | null): CommandContext;
  close(): Promise<void>;
}

/**
 * A server's infrastructure on this run's database (log, projectors, Redis under its own key
 * prefix) without the HTTP server: for use cases called as functions.
 */
export async function startCommandInfra(clock: Clock = { now: () => new Date() }): Promise<CommandInfra> {
  const keyPrefix = `test:${randomBytes(6).toString('hex')}:`;
  const databaseUrl = testDatabaseUrl();
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    ...eventStoreEnv(databaseUrl),
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: keyPrefix,
    SECRET_KEY: TEST_SECRET_KEY,
    DATA_KEY_ENCRYPTION_KEY: TEST_DATA_KEY_ENCRYPTION_KEY,
    ALLOWED_HOSTS: '*',
    LOG_LEVEL: 'silent',
  });
  const infra = await startInfrastructure(config, pino({ level: 'silent' }), { runProjectors: true });
  return {
    infra,
    commands: commandDeps(infra, clock),
    context: (userId = null) => ({ userId, requestId: 'test', at: clock.now().toISOString() }),
    async close() {
      await infra.close();
      await deleteKeys(keyPrefix);
    },
  };
}
