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

/** The original model's defaults for every field but the two required ones. */
export function newJobApplicationFields(
  given: Pick<JobApplicationFields, 'job_title' | 'company_name'> & JobApplicationChanges,
): JobApplicationFields {
  return { original_job_description: '', resume_used: null, date_applied: null, status: 'Applied', notes: '', ...given };
}

/** The entries of `changes` that differ from `current`. */
export function changedFields(current: JobApplicationFields, changes: JobApplicationChanges): JobApplicationChanges {
  const changed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(changes)) {
    if (value !== undefined && value !== current[key as keyof JobApplicationFields]) changed[key] = value;
  }
  return changed as JobApplicationChanges;
}
