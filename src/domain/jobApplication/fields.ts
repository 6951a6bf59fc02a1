import { textDigest } from '../textDigest.js';

export const JOB_APPLICATION_STATUSES = ['Applied', 'Interviewing', 'Offer', 'Rejected'] as const;
export type JobApplicationStatus = (typeof JOB_APPLICATION_STATUSES)[number];

/** What a user edits, named as in the API; events carry these names too, so a timeline reads like the API. */
export interface JobApplicationFields {
  job_title: string;
  company_name: string;
  original_job_description: string;
  /** Id of one of the owner's resumes (checked by the caller against the resumes read model). */
  resume_used: number | null;
  /** `YYYY-MM-DD`. */
  date_applied: string | null;
  status: JobApplicationStatus;
  notes: string;
}

export type JobApplicationChanges = Partial<JobApplicationFields>;

/** Fields whose text may be long: a decision only compares them, so its state keeps their digest. */
const LONG_TEXT_FIELDS = ['original_job_description', 'notes'] as const;
type LongTextField = (typeof LONG_TEXT_FIELDS)[number];

/** The fields as decisions see them: every long text replaced by its `textDigest`. */
export type JobApplicationDecidingFields = Omit<JobApplicationFields, LongTextField> & Record<LongTextField, string>;

/** `fields` (all of them, or some changes) as the deciding state holds them. */
export function decidingFields<T extends JobApplicationChanges>(fields: T): T {
  const deciding: JobApplicationChanges = { ...fields };
  for (const key of LONG_TEXT_FIELDS) {
    const text = deciding[key];
    if (text !== undefined) deciding[key] = textDigest(text);
  }
  return deciding as T;
}

/** The original model's defaults for every field but the two required ones. */
export function newJobApplicationFields(
  given: Pick<JobApplicationFields, 'job_title' | 'company_name'> & JobApplicationChanges,
): JobApplicationFields {
  return { original_job_description: '', resume_used: null, date_applied: null, status: 'Applied', notes: '', ...given };
}

/** The entries of `changes` that differ from `current`. */
export function changedFields(current: JobApplicationDecidingFields, changes: JobApplicationChanges): JobApplicationChanges {
  const changed: Record<string, unknown> = {};
  const comparable: Record<string, unknown> = decidingFields(changes);
  for (const [key, value] of Object.entries(changes)) {
    if (value !== undefined && comparable[key] !== current[key as keyof JobApplicationDecidingFields]) changed[key] = value;
  }
  return changed as JobApplicationChanges;
}
