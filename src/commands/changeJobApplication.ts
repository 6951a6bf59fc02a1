import type { CommandContext } from '../domain/decider.js';
import { NotFound } from '../domain/errors.js';
import type { JobApplicationChanges } from '../domain/jobApplication/index.js';
import type { CommandDeps } from './deps.js';
import { updateJobApplication } from './jobApplications.js';
import { readWithOwnResume, type ApplicationBody, type OwnsResume } from './resumeUsedCheck.js';

export interface ChangeJobApplicationDeps<View> {
  commands: CommandDeps;
  ownsResume: OwnsResume;
  /** One of the user's applications that is not deleted (the `job_applications` read model). */
  findApplication(userId: number, id: number): Promise<View | undefined>;
}

/** PUT and PATCH: changes one of the user's applications and returns it as it now reads. */
export async function changeJobApplication<View>(
  deps: ChangeJobApplicationDeps<View>,
  input: { id: number; userId: number; body: ApplicationBody<JobApplicationChanges> },
  context: CommandContext,
): Promise<View> {
  const { id, userId } = input;
  const ownApplication = async (): Promise<View> => {
    const application = await deps.findApplication(userId, id);
    if (application === undefined) throw new NotFound();
    return application;
  };
  await ownApplication(); // DRF looks the object up (404) before it validates the body (400)
  const changes = await readWithOwnResume(deps.ownsResume, userId, input.body);
  await updateJobApplication(deps.commands, { id, userId, changes }, context);
  return ownApplication();
}
