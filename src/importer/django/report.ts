export type Entity = 'users' | 'aiModels' | 'resumes' | 'jobApplications';

export const ENTITIES: readonly Entity[] = ['users', 'aiModels', 'resumes', 'jobApplications'];

export interface EntityCounts {
  /** Newly appended (in a dry run: would be). */
  imported: number;
  /** Imported by an earlier run: left as it is. */
  alreadyImported: number;
  /** Not imported, for the reasons in `skips`. */
  skipped: number;
}

export interface SkippedRow {
  entity: Entity;
  /** The Django primary key. */
  id: number;
  reason: string;
}

export interface ImportReport {
  dryRun: boolean;
  counts: Record<Entity, EntityCounts>;
  /** Applications whose `resume_used` named a missing resume or another user's: imported with null. */
  resumeUsedCleared: number;
  /** Imported users whose Django hash we cannot verify (unusable `!…`, or not pbkdf2_sha256): they must reset their password. */
  usersWithoutUsablePassword: number;
  /** The first skipped rows (all of them up to MAX_LISTED_SKIPS). */
  skips: SkippedRow[];
  /** False when the read models were still applying the import when the command gave up waiting. */
  readModelsCaughtUp: boolean;
}

const MAX_LISTED_SKIPS = 100;

export function emptyReport(dryRun: boolean): ImportReport {
  const counts = Object.fromEntries(ENTITIES.map((e) => [e, { imported: 0, alreadyImported: 0, skipped: 0 }])) as Record<Entity, EntityCounts>;
  return { dryRun, counts, resumeUsedCleared: 0, usersWithoutUsablePassword: 0, skips: [], readModelsCaughtUp: true };
}

export type Outcome = 'imported' | 'alreadyImported' | { skipped: string };

export function tally(report: ImportReport, entity: Entity, id: number, outcome: Outcome): void {
  const counts = report.counts[entity];
  if (outcome === 'imported') counts.imported++;
  else if (outcome === 'alreadyImported') counts.alreadyImported++;
  else {
    counts.skipped++;
    if (report.skips.length < MAX_LISTED_SKIPS) report.skips.push({ entity, id, reason: outcome.skipped });
  }
}

export const ENTITY_LABELS: Record<Entity, string> = { users: 'users', aiModels: 'AI models', resumes: 'resumes', jobApplications: 'job applications' };

/** The summary an admin reads. */
export function describeReport(report: ImportReport): string {
  const lines = [report.dryRun ? 'Dry run: nothing was written. What the import would do:' : 'Import from Django finished.'];
  for (const entity of ENTITIES) {
    const c = report.counts[entity];
    lines.push(`  ${ENTITY_LABELS[entity].padEnd(17)} ${String(c.imported).padStart(7)} ${report.dryRun ? 'to import' : 'imported'}, ${c.alreadyImported} already imported, ${c.skipped} skipped`);
  }
  if (report.resumeUsedCleared > 0) lines.push(`  ${report.resumeUsedCleared} application(s) named a missing resume or another user's as resume_used: imported with none.`);
  if (report.usersWithoutUsablePassword > 0) lines.push(`  ${report.usersWithoutUsablePassword} user(s) have no password we can verify (unusable or not pbkdf2_sha256): they cannot log in until it is reset.`);
  if (report.skips.length > 0) {
    lines.push('Skipped:');
    for (const s of report.skips) lines.push(`  ${ENTITY_LABELS[s.entity]} #${s.id}: ${s.reason}`);
    const total = ENTITIES.reduce((n, e) => n + report.counts[e].skipped, 0);
    if (total > report.skips.length) lines.push(`  … and ${total - report.skips.length} more`);
  }
  if (!report.readModelsCaughtUp) lines.push('The read models are still applying the imported events; the API shows them once they catch up.');
  return lines.join('\n');
}
