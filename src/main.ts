import { ConfigError, describeConfig, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startServer } from './server.js';
import { onShutdownSignal } from './shutdown.js';
import { exitWithStartupFailure, StartupFailure } from './startupFailure.js';

try {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, { format: config.logFormat });
  logger.debug({ config: describeConfig(config) }, 'configuration');
  const starting = startServer(config, logger);
  // Listening from the start: a Ctrl-C during start-up stops cleanly once started, rather than
  // leaving the embedded PostgreSQL (in its own process group) running.
  onShutdownSignal(logger, async () => (await starting).stop());
  await starting;
} catch (err) {
  if (err instanceof ConfigError || err instanceof StartupFailure) exitWithStartupFailure(err);
  throw err;
}
