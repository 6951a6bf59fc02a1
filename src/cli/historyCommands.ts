import { createWriteStream } from 'node:fs';
import { Option, type Command } from 'commander';
import type { EventStore } from '../eventstore/port.js';
import { applicationTimeline, type TimelineEntry } from '../history/applicationTimeline.js';
import { EXPORT_FORMATS, exportLog, type ExportFormat } from '../history/exportLog.js';
import { jobApplicationStatsAsOf } from '../history/statsAsOf.js';
import { resolveUserRef } from '../history/userRef.js';
import type { JobApplicationStats } from '../projections/jobApplicationStats.js';
import { CliFailure, collectList, parseId, parseTime, reportingFailures } from './cliFailure.js';
import { withInfrastructure } from './infrastructure.js';
import { logScanProgress } from './logScanProgress.js';

const EXPORT_HELP = `
Each record: position, stream, revision, type, at (when the command ran), created (when the
store wrote it), user_id (the user the event is about), data and metadata (JSON; in CSV two
columns of JSON text). Password hashes never leave the log: every "passwordHash" (UserRegistered,
UserPasswordChanged) is exported as "[redacted]".

Filters (all given ones must hold):
  --since/--until  the event's "at": since inclusive, until exclusive; a time without an offset is UTC
  --user           events about that user (their account, applications, resumes, username)
                   or caused by them (metadata.userId)
  --type           an event type (JobApplicationStatusChanged) or a stream category (jobApplication,
                   resume, user, username, aiModel, aiQuota); repeat or comma-separate for any of several

The log is read a page at a time and written as fast as the output drains: memory stays
constant however long the log.`;

interface ExportOptions {
  format: ExportFormat;
  since?: Date;
  until?: Date;
  user?: string;
  type?: string[];
  out?: string;
}

/** `history export|timeline|stats`: the analysts' commands, read from the event log itself. */
export function registerHistoryCommands(program: Command): void {
  const history = program.command('history').description("analysts' views of the event log");

  history
    .command('export')
    .description('the event log (or a part of it) as NDJSON or CSV, oldest first, to stdout or --out')
    .addOption(new Option('--format <format>', 'output format').choices(EXPORT_FORMATS).default('ndjson'))
    .option('--since <time>', 'events at or after this ISO time', parseTime)
    .option('--until <time>', 'events before this ISO time', parseTime)
    .option('--user <username|id>', "one user's events")
    .option('--type <type|category>', 'event type or stream category (repeatable, comma list)', collectList)
    .option('--out <file>', 'write here instead of stdout')
    .addHelpText('after', EXPORT_HELP)
    .action((options: ExportOptions) =>
      reportingFailures(() =>
        withInfrastructure(async ({ store }) => {
          const userId = options.user === undefined ? undefined : await requireUser(store, options.user);
          const progress = await logScanProgress(store);
          const toFile = options.out !== undefined;
          const filter = { since: options.since, until: options.until, userId, types: options.type };
          try {
            const out = toFile ? createWriteStream(options.out!) : process.stdout;
            const written = await exportLog(store, { format: options.format, filter, end: toFile, onPage: progress.onPage }, out);
            if (toFile) console.error(`${written} events written to ${options.out}`);
          } catch (err) {
            // `… | head` closed the pipe: the reader has what it wanted.
            if (!(err instanceof Error && 'code' in err && err.code === 'EPIPE')) throw err;
          } finally {
            progress.stop();
          }
        }),
      ),
    );

  history
    .command('timeline <application-id>')
    .description("one job application's events from the log, oldest first: time, type, status from→to, changed fields")
    .option('--json', 'machine-readable output')
    .action((rawId: string, options: { json?: boolean }) =>
      reportingFailures(async () => {
        const id = parseIdArgument(rawId);
        const timeline = await withInfrastructure(({ store }) => applicationTimeline(store, id));
        if (!timeline) throw new CliFailure(`No job application ${id} in the log.`);
        if (options.json) return void console.log(JSON.stringify(timeline, null, 2));
        console.log(`job application ${timeline.applicationId} (user ${timeline.userId})`);
        for (const entry of timeline.entries) console.log(timelineLine(entry));
      }),
    );

  history
    .command('stats')
    .description('the pipeline stats of GET /api/job-applications/stats/, replayed from the log as it stood at --as-of')
    .option('--user <username|id>', "one user's applications (as that user's endpoint would show)")
    .option('--as-of <time>', 'count only events at or before this ISO time (default: the whole log)', parseTime)
    .option('--json', 'machine-readable output (the endpoint\'s shape)')
    .addHelpText('after', `
Without --user: every user's applications except the public example ones (which belong to the
non-login "example" user; --user example counts them). Soft-deleted applications are left out,
as the endpoint does; one restored by --as-of counts again.`)
    .action((options: { user?: string; asOf?: Date; json?: boolean }) =>
      reportingFailures(async () => {
        const stats = await withInfrastructure(async ({ store }) => {
          const userId = options.user === undefined ? undefined : await requireUser(store, options.user);
          const progress = await logScanProgress(store);
          try {
            return await jobApplicationStatsAsOf(store, { asOf: options.asOf, userId, onPage: progress.onPage });
          } finally {
            progress.stop();
          }
        });
        if (options.json) return void console.log(JSON.stringify(stats, null, 2));
        console.log(statsText(stats, options.asOf));
      }),
    );
}

async function requireUser(store: EventStore, ref: string): Promise<number> {
  const id = await resolveUserRef(store, ref);
  if (id === undefined) throw new CliFailure(`No user "${ref}" (neither a username nor a user id).`);
  return id;
}

function parseIdArgument(raw: string): number {
  try {
    return parseId(raw);
  } catch (err) {
    throw new CliFailure(`<application-id>: ${(err as Error).message}`, 2);
  }
}

const MAX_VALUE_CHARS = 60;
function timelineLine({ at, type, status, changes }: TimelineEntry): string {
  const move = status ? `${status.from ?? '∅'} → ${status.to}` : '';
  const changed = Object.entries(changes)
    .filter(([field]) => !(status && field === 'status'))
    .map(([field, value]) => {
      const text = JSON.stringify(value) ?? 'null';
      return `${field}=${text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text}`;
    });
  return `${at}  ${type.padEnd(28)} ${move.padEnd(26)} ${changed.join(' ')}`.trimEnd();
}

function statsText(stats: JobApplicationStats, asOf: Date | undefined): string {
  const days = (value: number | null) => (value === null ? '-' : `${value} days`);
  return [
    `as of ${asOf?.toISOString() ?? 'now'}: ${stats.total} ${stats.total === 1 ? 'application' : 'applications'}`,
    ...Object.entries(stats.by_status).map(([status, count]) => `  ${status.padEnd(13)} ${count}`),
    `reached Interviewing: ${stats.reached.Interviewing.count} (${(stats.reached.Interviewing.rate * 100).toFixed(2)}%)`,
    `reached Offer:        ${stats.reached.Offer.count} (${(stats.reached.Offer.rate * 100).toFixed(2)}%)`,
    `median Applied → Interviewing: ${days(stats.median_days.applied_to_interviewing)}`,
    `median Interviewing → Offer:   ${days(stats.median_days.interviewing_to_offer)}`,
  ].join('\n');
}
