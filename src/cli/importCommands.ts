import cliProgress from 'cli-progress';
import { InvalidArgumentError, type Command } from 'commander';
import { importDjango, type ImportProgress } from '../importer/django/importDjango.js';
import { describeReport, ENTITY_LABELS } from '../importer/django/report.js';
import { openDjangoSource, SourceUnreadable, type DjangoSource } from '../importer/django/sourceDatabase.js';
import { withInfrastructure } from './infrastructure.js';

/** A big import's events can keep the projectors busy for a while after the last append. */
const READ_MODEL_WAIT_MS = 10 * 60_000;

interface DjangoImportOptions {
  databaseUrl: string;
  dryRun?: boolean;
  pageSize: number;
  json?: boolean;
}

/** `import django`: the original ResuMate's data, as events. */
export function registerImportCommands(program: Command): void {
  const imports = program.command('import').description('bring data over from another system, as events');
  imports
    .command('django')
    .description(
      "appends the events of an original ResuMate (Django) database: users (with their Django password hashes, upgraded to bcrypt at first login), AI models, resumes and job applications, keeping ids and timestamps; a rerun imports nothing twice",
    )
    .requiredOption('--database-url <url>', "the original's PostgreSQL database, e.g. postgres://user:pass@host:5432/resumate (only read)")
    .option('--dry-run', 'read and check everything, write nothing, and say what would be imported')
    .option('--page-size <rows>', 'source rows read at a time', positiveInteger, 500)
    .option('--json', 'machine-readable summary on stdout')
    .addHelpText('after', '\nExit codes: 0 done (skipped rows are reported, not failures), 1 failed, 2 wrong usage.')
    .action(async (options: DjangoImportOptions) => {
      let source: DjangoSource;
      try {
        source = await openDjangoSource(options.databaseUrl);
      } catch (err) {
        if (!(err instanceof SourceUnreadable)) throw err;
        console.error(err.message);
        process.exit(1);
      }
      try {
        const report = await withInfrastructure(
          (infra) =>
            importDjango(
              source,
              {
                store: infra.store,
                db: infra.db,
                readModels: infra.projections.projections,
                waitFor: (names, position) => infra.projections.waitFor(names, position, READ_MODEL_WAIT_MS),
                now: () => new Date(),
              },
              { dryRun: options.dryRun ?? false, pageSize: options.pageSize, progress: progressBar() },
            ),
          { runProjectors: true },
        );
        console.log(options.json ? JSON.stringify(report, null, 2) : describeReport(report));
      } finally {
        await source.close();
      }
    });
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

/** On a terminal only: a piped or logged run gets just the summary. */
function progressBar(): ImportProgress | undefined {
  if (!process.stderr.isTTY) return undefined;
  const bar = new cliProgress.SingleBar({ stream: process.stderr, format: 'importing [{bar}] {value}/{total} rows | {entity} | ETA {eta_formatted}', hideCursor: true });
  return {
    start: (total) => bar.start(total, 0, { entity: ENTITY_LABELS.users }),
    advance: (entity) => bar.increment(1, { entity: ENTITY_LABELS[entity] }),
    stop: () => bar.stop(),
  };
}
