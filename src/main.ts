import { ConfigError, describeConfig, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startServer } from './server.js';
import { onShutdownSignal } from './shutdown.js';
import { exitWithStartupFailure, StartupFailure } from './startupFailure.js';

// A Ctrl-C during start-up aborts the start (initdb is stopped, the embedded PostgreSQL too) rather
// than waiting for a whole first start to finish before stopping: the user asked to stop.
const interrupted = new AbortController();
const byInterruption = (err: unknown) => interrupted.signal.aborted && err === interrupted.signal.reason;
try {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, { format: config.logFormat });
  logger.debug({ config: describeConfig(config) }, 'configuration');
  const starting = startServer(config, logger, { signal: interrupted.signal });
  onShutdownSignal(logger, async () => {
    interrupted.abort();
    const server = await starting.catch((err: unknown) => {
      if (byInterruption(err)) return undefined;
      throw err;
    });
    await server?.stop();
  });
  await starting;
} catch (err) {
  // An interrupted start is a clean stop: the shutdown handler ends the process with exit code 0.
  if (!byInterruption(err)) {
    if (err instanceof ConfigError || err instanceof StartupFailure) exitWithStartupFailure(err);
    throw err;
  }
}
