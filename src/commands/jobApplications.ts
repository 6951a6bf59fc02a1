import type { CommandContext } from '../domain/decider.js';
import { jobApplicationDecider, jobApplicationStream, type JobApplicationChanges, type JobApplicationFields } from '../domain/jobApplication/index.js';
import { aggregate } from './aggregate.js';
import type { CommandDeps } from './deps.js';
import type { SnapshotPolicy } from './handle.js';
import { RETRY } from './retry.js';

// An application is edited over weeks (status, notes): its commands start from a snapshot.
export const JOB_APPLICATION_SNAPSHOTS: SnapshotPolicy = { version: 1, every: 10 };

/** Never a lost update: every append names the revision its decision was based on; a lost race re-decides. */
const jobApplications = aggregate({
  decider: jobApplicationDecider,
  streamOf: (command) => jobApplicationStream(command.data.id),
  retry: RETRY.few,
  createdBy: ['CreateJobApplication'],
  snapshots: JOB_APPLICATION_SNAPSHOTS,
});

interface Target {
  id: number;
  userId: number;
}

/** Records a new application and returns its id once the read models show it. */
export async function createJobApplication(
  deps: CommandDeps,
  input: { userId: number; fields: JobApplicationFields; isExample?: boolean },
  context: CommandContext,
): Promise<number> {
  const id = await deps.ids.next('jobApplication');
  const data = { id, userId: input.userId, fields: input.fields, isExample: input.isExample ?? false, at: context.at };
  await jobApplications.run(deps, { type: 'CreateJobApplication', data }, context);
  return id;
}

/** PUT and PATCH: only the fields that differ are recorded; nothing differing records nothing. */
export async function updateJobApplication(
  deps: CommandDeps,
  input: Target & { changes: JobApplicationChanges },
  context: CommandContext,
): Promise<void> {
  const { id, userId, changes } = input;
  await jobApplications.run(deps, { type: 'UpdateJobApplication', data: { id, userId, changes, at: context.at } }, context);
}

export async function softDeleteJobApplication(deps: CommandDeps, { id, userId }: Target, context: CommandContext): Promise<void> {
  await jobApplications.run(deps, { type: 'SoftDeleteJobApplication', data: { id, userId, at: context.at } }, context);
}

export async function restoreJobApplication(deps: CommandDeps, { id, userId }: Target, context: CommandContext): Promise<void> {
  await jobApplications.run(deps, { type: 'RestoreJobApplication', data: { id, userId, at: context.at } }, context);
}
