import type { Decider } from '../../domain/decider.js';
import { AI_PROVIDERS, aiModelDecider, type AiModelEvent, type AiModelSettings, type AiProvider } from '../../domain/aiModel/index.js';
import { JOB_APPLICATION_STATUSES, jobApplicationDecider, newJobApplicationFields, type JobApplicationEvent, type JobApplicationStatus } from '../../domain/jobApplication/index.js';
import { resumeDecider, type ResumeEvent } from '../../domain/resume/index.js';
import { userDecider, type UserCommand, type UserEvent } from '../../domain/user/index.js';
import { usernameDecider, type UsernameEvent } from '../../domain/username/index.js';
import type { DjangoAiModel, DjangoJobApplication, DjangoResume, DjangoUser } from './sourceRows.js';

/**
 * Each Django row becomes the events our own commands would have appended, decided by the
 * same deciders (so their invariants hold), timed by the row's own timestamps.
 */

/** A row the deciders refuse, or that holds a value our model has no place for. */
export class UnimportableRow extends Error {}

/** Decides `commands` one after another from the empty state. */
function decideAll<Command, Event, State>(decider: Decider<Command, Event, State>, commands: Command[]): Event[] {
  let state = decider.initialState();
  const events: Event[] = [];
  for (const command of commands) {
    const decided = decider.decide(command, state);
    state = decided.reduce(decider.evolve, state);
    events.push(...decided);
  }
  return events;
}

export function usernameEvents(user: DjangoUser): UsernameEvent[] {
  return decideAll(usernameDecider, [{ type: 'ReserveUsername', data: { username: user.username, userId: user.id, at: user.date_joined } }]);
}

/**
 * Django keeps the hash as is: `pbkdf2_sha256$…` logs in and is replaced by bcrypt at the first
 * login. Django records no deactivation time: the latest instant it knows of stands in.
 */
export function userEvents(user: DjangoUser): UserEvent[] {
  const { id, username, email, password, is_staff, date_joined } = user;
  const commands: UserCommand[] = [{ type: 'RegisterUser', data: { id, username, email, passwordHash: password, isStaff: is_staff, at: date_joined } }];
  if (!user.is_active) commands.push({ type: 'DeactivateUser', data: { id, at: latest(date_joined, user.last_login) } });
  return decideAll(userDecider, commands);
}

/** Django's AIModel has no timestamps: it is configured as of the import, active or not as it was. */
export function aiModelEvents(model: DjangoAiModel, at: string): AiModelEvent[] {
  if (!(AI_PROVIDERS as readonly string[]).includes(model.api_provider)) throw new UnimportableRow(`unknown api_provider "${model.api_provider}"`);
  const { daily_limit } = model;
  if (daily_limit !== null && !(Number.isInteger(daily_limit) && daily_limit >= 0)) throw new UnimportableRow(`daily_limit ${daily_limit} is not a whole number`);
  const settings: AiModelSettings = {
    display_name: model.display_name,
    model_name: model.model_name,
    api_provider: model.api_provider as AiProvider,
    api_key_name: model.api_key_name,
    is_active: model.is_active,
    login_required: model.login_required,
    daily_limit,
    response_time_info: model.response_time_info,
    description: model.description,
  };
  return decideAll(aiModelDecider, [{ type: 'ConfigureAiModel', data: { settings, at } }]);
}

/**
 * Django's `updated_at` is kept: a later one becomes a ResumeUpdated with no changes (what
 * changed then predates the log), so lists sorted by `-updated_at` keep the original order.
 */
export function resumeEvents(resume: DjangoResume): ResumeEvent[] {
  const { id, user_id: userId, username, title, content, created_at, updated_at } = resume;
  const events = decideAll(resumeDecider, [{ type: 'CreateResume', data: { id, userId, username, title, content, source: 'manual', at: created_at } }]);
  if (updated_at > created_at) events.push({ type: 'ResumeUpdated', data: { id, userId, changes: {}, at: updated_at } });
  return events;
}

/** A soft-deleted application was deleted at its `updated_at` (Django's auto_now). */
export function jobApplicationEvents(application: DjangoJobApplication, resumeUsed: number | null): JobApplicationEvent[] {
  const { id, user_id: userId, created_at, updated_at } = application;
  if (!(JOB_APPLICATION_STATUSES as readonly string[]).includes(application.status)) throw new UnimportableRow(`unknown status "${application.status}"`);
  // A field the original model lacks gets its default.
  const fields = newJobApplicationFields({
    job_title: application.job_title,
    company_name: application.company_name,
    original_job_description: application.original_job_description,
    resume_used: resumeUsed,
    date_applied: application.date_applied,
    status: application.status as JobApplicationStatus,
    notes: application.notes,
  });
  const events = decideAll(jobApplicationDecider, [
    { type: 'CreateJobApplication', data: { id, userId, fields, isExample: application.is_example, at: created_at } },
    ...(application.is_deleted ? [{ type: 'SoftDeleteJobApplication' as const, data: { id, userId, at: updated_at } }] : []),
  ]);
  if (!application.is_deleted && updated_at > created_at) events.push({ type: 'JobApplicationUpdated', data: { id, userId, changes: {}, at: updated_at } });
  return events;
}

const latest = (first: string, second: string | null): string => (second !== null && second > first ? second : first);

