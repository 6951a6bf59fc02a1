import { ConfigError, describeConfig, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startServer } from './server.js';
import { onShutdownSignal } from './shutdown.js';

try {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  logger.info({ config: describeConfig(config) }, 'starting ResuMate API');
  const server = await startServer(config, logger);
  onShutdownSignal(logger, () => server.stop());
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
