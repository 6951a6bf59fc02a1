import { loadCliConfig } from '../config.js';
import { createLogger } from '../logger.js';
import type { Infrastructure } from '../server.js';

/**
 * Runs `run` against the configured database, event store and cache, then closes them.
 * `runProjectors: true` lets a command's writes wait for their read models (the projectors
 * run here, or stand by for a running API's). With the embedded database, a running API's
 * server is used when there is one.
 */
export async function withInfrastructure<T>(run: (infra: Infrastructure) => Promise<T>, options = { runProjectors: false }): Promise<T> {
  const config = loadCliConfig();
  const logger = createLogger(config.logLevel, { name: 'resumate-admin', format: config.logFormat, toStderr: true });
  // Imported here, not on top: commands that never start it (projections rebuild) stay lean.
  const { startInfrastructure } = await import('../server.js');
  // Beside a running `npm start`, its embedded database is shared rather than refused.
  const infra = await startInfrastructure(config, logger, { ...options, shareRunningDatabase: true });
  try {
    return await run(infra);
  } finally {
    await infra.close();
  }
}
