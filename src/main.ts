import { ConfigError, describeConfig, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startServer } from './server.js';
import { onShutdownSignal } from './shutdown.js';
import { exitWithStartupFailure, StartupFailure } from './startupFailure.js';

try {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, { format: config.logFormat });
  logger.debug({ config: describeConfig(config) }, 'configuration');
  const server = await startServer(config, logger);
  onShutdownSignal(logger, () => server.stop());
} catch (err) {
  if (err instanceof ConfigError || err instanceof StartupFailure) exitWithStartupFailure(err);
  throw err;
}
