import type { Knex } from 'knex';
import { aiModelStream } from '../../domain/aiModel/index.js';
import { ValidationFailed } from '../../domain/errors.js';
import { jobApplicationStream } from '../../domain/jobApplication/index.js';
import { resumeStream } from '../../domain/resume/index.js';
import type { EventStore, Position, RecordedEvent } from '../../eventstore/port.js';
import { ProjectionTimeout } from '../../projections/progress.js';
import { aiModelEvents, jobApplicationEvents, resumeEvents, UnimportableRow } from './events.js';
import { importUser } from './importUser.js';
import { appendNewStream, type StreamWriter } from './newStreams.js';
import { emptyReport, tally, type Entity, type ImportReport, type Outcome } from './report.js';
import { advanceIdSequences } from './idSequences.js';
import type { DjangoSource } from './sourceDatabase.js';
import type { DjangoAiModel, DjangoJobApplication, DjangoResume, DjangoTable, DjangoUser } from './sourceRows.js';

export interface ImportDeps {
  store: EventStore;
  db: Knex;
  /** The read models, to wait for those that handle the imported events. */
  readModels: readonly { name: string; handles: readonly string[] }[];
  /** Resolves once the named read models applied `position` (throws ProjectionTimeout otherwise). */
  waitFor(names: readonly string[], position: Position): Promise<void>;
  now(): Date;
}

export interface ImportProgress {
  start(total: number): void;
  advance(entity: Entity): void;
  stop(): void;
}

export interface ImportOptions {
  dryRun: boolean;
  /** Source rows held in memory at a time. */
  pageSize?: number;
  progress?: ImportProgress;
}

const TABLES: Record<Entity, DjangoTable> = { users: 'auth_user', aiModels: 'ai_aimodel', resumes: 'resume_resume', jobApplications: 'job_tracker_jobapplication' };

/**
 * Appends the events of the original ResuMate's users, AI models, resumes and applications,
 * with their ids and timestamps, owners first. Idempotent: every stream is written only if it
 * does not exist, and what an earlier run wrote is recognised and counted, not written again.
 */
export async function importDjango(source: DjangoSource, deps: ImportDeps, options: ImportOptions): Promise<ImportReport> {
  const { dryRun, pageSize = 500, progress } = options;
  const report = emptyReport(dryRun);
  const writer: StreamWriter = { store: deps.store, dryRun, importedAt: deps.now().toISOString(), lastPositionOf: new Map() };
  // First, so an account registered while the import runs cannot take an imported id.
  if (!dryRun) await advanceIdSequences(deps.db, source);
  if (progress) {
    let total = 0;
    for (const table of Object.values(TABLES)) total += await source.count(table);
    progress.start(total);
  }

  const record = (entity: Entity, id: number, outcome: Outcome) => {
    tally(report, entity, id, outcome);
    progress?.advance(entity);
    return outcome;
  };
  const ownedBy = (userId: number) => (first: RecordedEvent) => (first.data as { userId: number }).userId === userId;
  const skippedUsers = new Set<number>();
  const skippedResumes = new Set<number>();
  const claimedInDryRun = new Set<string>();

  for await (const user of source.rows<DjangoUser>(TABLES.users, pageSize)) {
    const outcome = record('users', user.id, await importUser(writer, user, claimedInDryRun));
    if (typeof outcome === 'object') skippedUsers.add(user.id);
    else if (outcome === 'imported' && !user.password.startsWith('pbkdf2_sha256$')) report.usersWithoutUsablePassword++;
  }

  for await (const model of source.rows<DjangoAiModel>(TABLES.aiModels, pageSize)) {
    const outcome = await refusalsSkipped(() =>
      appendNewStream(writer, aiModelStream(model.display_name), aiModelEvents(model, writer.importedAt), `a model named "${model.display_name}" (in any case) exists`, () => true),
    );
    record('aiModels', model.id, outcome);
  }

  for await (const resume of source.rows<DjangoResume>(TABLES.resumes, pageSize)) {
    const outcome = skippedUsers.has(resume.user_id)
      ? { skipped: `its owner, user ${resume.user_id}, was not imported` }
      : await appendNewStream(writer, resumeStream(resume.id), resumeEvents(resume), `id ${resume.id} belongs to another resume`, ownedBy(resume.user_id));
    if (typeof record('resumes', resume.id, outcome) === 'object') skippedResumes.add(resume.id);
  }

  for await (const application of source.rows<DjangoJobApplication>(TABLES.jobApplications, pageSize)) {
    const { id, user_id: userId, resume_used_id: resumeId, resume_owner_id: resumeOwner } = application;
    // Only a resume of the same owner that was imported may be named; Django never checked the owner.
    const resumeUsed = resumeId !== null && resumeOwner === userId && !skippedResumes.has(resumeId) ? resumeId : null;
    const outcome = skippedUsers.has(userId)
      ? { skipped: `its owner, user ${userId}, was not imported` }
      : await refusalsSkipped(() =>
          appendNewStream(writer, jobApplicationStream(id), jobApplicationEvents(application, resumeUsed), `id ${id} belongs to another job application`, ownedBy(userId)),
        );
    if (record('jobApplications', id, outcome) === 'imported' && resumeUsed !== resumeId) report.resumeUsedCleared++;
  }
  progress?.stop();

  if (!dryRun) report.readModelsCaughtUp = await caughtUp(deps, writer.lastPositionOf);
  return report;
}

/** A row our deciders refuse (or that holds a value we have no place for) is skipped, saying why. */
async function refusalsSkipped(importRow: () => Promise<Outcome>): Promise<Outcome> {
  try {
    return await importRow();
  } catch (err) {
    if (err instanceof UnimportableRow) return { skipped: err.message };
    if (err instanceof ValidationFailed) return { skipped: Object.entries(err.fieldErrors).map(([field, messages]) => `${field}: ${messages.join(' ')}`).join('; ') };
    throw err;
  }
}

/**
 * Like a command, waits for each read model to apply the last imported event it handles
 * (not for the head of the log: a read model with nothing to do for the newest events may
 * announce that only later, and a rerun appends nothing to wait for).
 */
async function caughtUp(deps: ImportDeps, lastPositionOf: ReadonlyMap<string, Position>): Promise<boolean> {
  const waits = deps.readModels.flatMap(({ name, handles }) => {
    const positions = handles.flatMap((type) => lastPositionOf.get(type) ?? []);
    return positions.length === 0 ? [] : [deps.waitFor([name], positions.reduce((a, b) => (a > b ? a : b)))];
  });
  try {
    await Promise.all(waits);
    return true;
  } catch (err) {
    if (err instanceof ProjectionTimeout) return false;
    throw err;
  }
}
