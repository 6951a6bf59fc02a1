import { ConfigError, describeConfig, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startInfrastructure } from './server.js';
import { onShutdownSignal } from './shutdown.js';
import { exitWithStartupFailure, StartupFailure } from './startupFailure.js';

/** `npm run projector`: runs the read-model projectors without serving HTTP. */
try {
  const config = loadConfig();
  if (config.database.kind === 'embedded') throw new ConfigError('DATABASE_URL', 'is required for a separate projector worker (it must share the API database)');
  const logger = createLogger(config.logLevel, { name: 'resumate-projector', format: config.logFormat });
  logger.debug({ config: describeConfig(config) }, 'configuration');
  const infrastructure = await startInfrastructure(config, logger, { runProjectors: true });
  logger.info(infrastructure.summary, 'ResuMate projector worker running');
  onShutdownSignal(logger, () => infrastructure.close());
} catch (err) {
  if (err instanceof ConfigError || err instanceof StartupFailure) exitWithStartupFailure(err);
  throw err;
}
