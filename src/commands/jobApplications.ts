import type { CommandContext } from '../domain/decider.js';
import {
  jobApplicationDecider,
  jobApplicationStream,
  type JobApplicationChanges,
  type JobApplicationCommand,
  type JobApplicationFields,
} from '../domain/jobApplication/index.js';
import type { CommandDeps } from './deps.js';
import { handleCommand, snapshotting, type SnapshotPolicy } from './handle.js';

const READ_MODELS = ['job_applications', 'job_application_events'] as const;

/**
 * A concurrent write to the same application makes the handler re-read and decide again;
 * after this many retries the caller gets 409. Never a lost update: every append names
 * the revision its decision was based on.
 */
const RETRIES = 2;
// An application is edited over weeks (status, notes): its commands start from a snapshot.
export const JOB_APPLICATION_SNAPSHOTS: SnapshotPolicy = { version: 1, every: 10 };

interface Target {
  id: number;
  userId: number;
}

async function run(deps: CommandDeps, command: JobApplicationCommand, context: CommandContext, retries = RETRIES): Promise<void> {
  const newStream = command.type === 'CreateJobApplication';
  const { position } = await handleCommand(deps.store, jobApplicationDecider, jobApplicationStream(command.data.id), command, context, { retries, newStream, snapshots: snapshotting(deps.snapshots, JOB_APPLICATION_SNAPSHOTS) });
  if (position) await deps.waitFor(READ_MODELS, position);
}

/** Records a new application and returns its id once the read models show it. */
export async function createJobApplication(
  deps: CommandDeps,
  input: { userId: number; fields: JobApplicationFields; isExample?: boolean },
  context: CommandContext,
): Promise<number> {
  const id = await deps.ids.next('jobApplication');
  const data = { id, userId: input.userId, fields: input.fields, isExample: input.isExample ?? false, at: context.at };
  await run(deps, { type: 'CreateJobApplication', data }, context, 0);
  return id;
}

/** PUT and PATCH: only the fields that differ are recorded; nothing differing records nothing. */
export async function updateJobApplication(
  deps: CommandDeps,
  input: Target & { changes: JobApplicationChanges },
  context: CommandContext,
): Promise<void> {
  const { id, userId, changes } = input;
  await run(deps, { type: 'UpdateJobApplication', data: { id, userId, changes, at: context.at } }, context);
}

export async function softDeleteJobApplication(deps: CommandDeps, { id, userId }: Target, context: CommandContext): Promise<void> {
  await run(deps, { type: 'SoftDeleteJobApplication', data: { id, userId, at: context.at } }, context);
}

export async function restoreJobApplication(deps: CommandDeps, { id, userId }: Target, context: CommandContext): Promise<void> {
  await run(deps, { type: 'RestoreJobApplication', data: { id, userId, at: context.at } }, context);
}
