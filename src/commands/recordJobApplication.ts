import type { CommandContext } from '../domain/decider.js';
import { newJobApplicationFields, type JobApplicationChanges, type JobApplicationFields } from '../domain/jobApplication/index.js';
import type { CommandDeps } from './deps.js';
import { createJobApplication } from './jobApplications.js';
import { readWithOwnResume, type ApplicationBody, type OwnsResume } from './resumeUsedCheck.js';
import type { WithinCap } from './storageCaps.js';

export interface RecordJobApplicationDeps {
  commands: CommandDeps;
  ownsResume: OwnsResume;
  /** The per-user job-application cap. */
  withinCap: WithinCap;
}

/** What a new application must name; every other field has the original model's default. */
export type NewJobApplication = Pick<JobApplicationFields, 'job_title' | 'company_name'> & JobApplicationChanges;

/** Records a new application for `userId` once its body is valid and its `resume_used` is theirs; the fields as recorded. */
export async function recordJobApplication(
  deps: RecordJobApplicationDeps,
  input: { userId: number; body: ApplicationBody<NewJobApplication> },
  context: CommandContext,
): Promise<{ id: number; fields: JobApplicationFields }> {
  const { userId } = input;
  const fields = newJobApplicationFields(await readWithOwnResume(deps.ownsResume, userId, input.body));
  const id = await deps.withinCap(userId, () => createJobApplication(deps.commands, { userId, fields }, context));
  return { id, fields };
}
