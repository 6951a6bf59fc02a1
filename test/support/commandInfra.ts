import pino from 'pino';
import type { Clock, CommandDeps } from '../../src/commands/deps.js';
import type { CommandContext } from '../../src/domain/decider.js';
import { loadConfig } from '../../src/config.js';
import { commandDeps, startInfrastructure, type Infrastructure } from '../../src/server.js';
import { deleteKeys, newKeyPrefix, testInfrastructureEnv } from './api.js';
import { testDatabaseUrl } from './db.js';

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
  const keyPrefix = newKeyPrefix();
  const config = loadConfig(testInfrastructureEnv(testDatabaseUrl(), keyPrefix));
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
