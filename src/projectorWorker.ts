import { ConfigError, describeConfig, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startInfrastructure } from './server.js';
import { onShutdownSignal } from './shutdown.js';

/** `npm run projector`: runs the read-model projectors without serving HTTP. */
try {
  const config = loadConfig();
  if (config.database.kind === 'embedded') throw new ConfigError('DATABASE_URL', 'is required for a separate projector worker (it must share the API database)');
  const logger = createLogger(config.logLevel, 'resumate-projector');
  logger.info({ config: describeConfig(config) }, 'starting projector worker');
  const infrastructure = await startInfrastructure(config, logger, { runProjectors: true });
  onShutdownSignal(logger, () => infrastructure.close());
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
