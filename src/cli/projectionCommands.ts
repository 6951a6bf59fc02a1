import { Command, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { withInfrastructure } from './infrastructure.js';
import { allProjections } from '../projections/index.js';
import { RebuildInProgress, rebuildProjections, type RebuildProgress, type RebuildResult } from '../projections/rebuild.js';
import { withRebuildDeps } from './rebuildInfrastructure.js';
import { projectionStatus } from '../projections/status.js';

interface RebuildCommandOptions {
  all?: boolean;
  json?: boolean;
  batchSize?: number;
}

const positiveInteger = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
};

/** `projections status` and `projections rebuild`. */
export function registerProjectionCommands(program: Command): void {
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
        console.log(`${s.name.padEnd(24)} lag ${String(s.lagEvents).padStart(8)} events  ${s.lagSeconds.toFixed(1).padStart(8)} s  checkpoint ${s.checkpoint || '(start)'}${s.refused ? `  REFUSED: ${s.refused}` : ''}`);
      }
    });

  const names = allProjections.map((p) => p.name);
  projections
    .command('rebuild')
    .description(
      'rebuilds read models from the whole log into fresh tables while the API keeps serving the old ones, then swaps them in; ' +
        'an interrupted rebuild leaves the old tables serving, and a rerun starts over',
    )
    .argument('[name...]', `read models to rebuild: ${names.join(', ')}`)
    .option('--all', 'rebuild every read model')
    .option('--json', 'print a JSON summary instead of progress')
    .option('--batch-size <n>', 'events read and applied per round trip (default 2000)', positiveInteger)
    .action(async (requested: string[], options: RebuildCommandOptions, command: Command) => {
      const unknown = requested.filter((name) => !names.includes(name));
      if (unknown.length > 0) command.error(`Unknown read model(s): ${unknown.join(', ')}. Read models: ${names.join(', ')}`, { exitCode: 2 });
      if (Boolean(options.all) === requested.length > 0) command.error(`Name the read models to rebuild, or pass --all (not both). Read models: ${names.join(', ')}`, { exitCode: 2 });
      const selected = options.all ? allProjections : allProjections.filter((p) => requested.includes(p.name));
      const report = progressReporter(options.json === true);
      try {
        const result = await withRebuildDeps((deps, config) =>
          rebuildProjections(
            deps,
            {
              projections: selected,
              known: allProjections,
              batchSize: options.batchSize,
              batchDelayMs: config.rebuildBatchDelayMs,
              onProgress: report.progress,
            },
          ),
        );
        report.finished(result);
      } catch (err) {
        report.stop();
        if (!(err instanceof RebuildInProgress)) throw err;
        console.error(err.message);
        process.exit(1);
      }
    });
}

interface Reporter {
  progress(p: RebuildProgress): void;
  finished(result: RebuildResult): void;
  stop(): void;
}

/** A bar on a terminal; plain lines when piped; only the summary with --json. */
function progressReporter(json: boolean): Reporter {
  const summary = (r: RebuildResult) => ({ ...r, maxRssKb: process.resourceUsage().maxRSS });
  if (json) return { progress: () => undefined, finished: (r) => console.log(JSON.stringify(summary(r), null, 2)), stop: () => undefined };
  const finished = (r: RebuildResult) =>
    console.log(`rebuilt ${r.models.join(', ')}: ${r.events} events in ${r.seconds.toFixed(1)} s (${Math.round(r.eventsPerSecond)} events/s)`);
  if (!process.stdout.isTTY) {
    let lastLine = 0;
    return {
      progress: ({ done, total }) => {
        if (Date.now() - lastLine < 1000) return;
        lastLine = Date.now();
        console.log(`rebuilding: ${done}/${total} events`);
      },
      finished,
      stop: () => undefined,
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: 'rebuilding [{bar}] {value}/{total} events | {speed} events/s | ETA {eta_formatted}', etaBuffer: 20 },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  let running = false;
  return {
    progress: ({ done, total }) => {
      const speed = Math.round(done / Math.max((Date.now() - started) / 1000, 0.001));
      if (!running) bar.start(total, 0, { speed });
      running = true;
      bar.setTotal(total);
      bar.update(done, { speed });
    },
    finished: (r) => {
      if (running) bar.stop();
      running = false;
      finished(r);
    },
    stop: () => {
      if (running) bar.stop();
      running = false;
    },
  };
}
