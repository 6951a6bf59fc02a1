import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { startInfrastructure, type Infrastructure } from '../server.js';
import { projectionStatus } from '../projections/status.js';

/**
 * `npm run admin -- <command>`: the admins' and analysts' entry point.
 * Exit codes: 0 success, 1 failure, 2 wrong usage.
 */
async function withInfrastructure<T>(run: (infra: Infrastructure) => Promise<T>): Promise<T> {
  const config = loadConfig({ DEBUG: 'True', ...process.env });
  const logger = createLogger(process.env.LOG_LEVEL === undefined ? 'warn' : config.logLevel, 'resumate-admin');
  const infra = await startInfrastructure(config, logger, { runProjectors: false });
  try {
    return await run(infra);
  } finally {
    await infra.close();
  }
}

const program = new Command('admin').description('ResuMate administration and analysis').exitOverride();

const projections = program.command('projections').description('read models built from the event log');
projections
  .command('status')
  .description('each read model: checkpoint, head of the log, lag in events and seconds')
  .option('--json', 'machine-readable output')
  .action(async (options: { json?: boolean }) => {
    const statuses = await withInfrastructure((infra) => projectionStatus(infra.db, infra.store, infra.projections.projections));
    if (options.json) {
      console.log(JSON.stringify(statuses, null, 2));
      return;
    }
    if (statuses.length === 0) console.log('No read models registered yet.');
    for (const s of statuses) {
      console.log(`${s.name.padEnd(24)} lag ${String(s.lagEvents ?? '?').padStart(8)} events  ${s.lagSeconds.toFixed(1).padStart(8)} s  checkpoint ${s.checkpoint || '(start)'}`);
    }
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
}
