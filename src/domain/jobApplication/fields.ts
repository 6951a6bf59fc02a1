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

/**
 * Every field, in the order the API shows them; the read model keeps a column of each name.
 * A record rather than a list, so that the compiler names a field missing here.
 */
export const JOB_APPLICATION_FIELD_NAMES = Object.keys({
  job_title: true,
  company_name: true,
  original_job_description: true,
  resume_used: true,
  date_applied: true,
  status: true,
  notes: true,
} satisfies Record<keyof JobApplicationFields, true>) as (keyof JobApplicationFields)[];

/** The original model's defaults for every field but the two required ones. */
const DEFAULTS: Omit<JobApplicationFields, 'job_title' | 'company_name'> = {
  original_job_description: '',
  resume_used: null,
  date_applied: null,
  status: 'Applied',
  notes: '',
};

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

/** What a new application must name; every other field may be left to its default. */
export type NewJobApplicationFields = Pick<JobApplicationFields, 'job_title' | 'company_name'> & JobApplicationChanges;

/** A new application's fields: the ones given, the defaults for the rest. */
export function newJobApplicationFields(given: NewJobApplicationFields): JobApplicationFields {
  return { ...DEFAULTS, ...given };
}

/**
 * The entries of `changes` that differ from `current`. An application recorded before a field
 * existed (its event, or a snapshot of its state, lacks it) holds that field's default.
 */
export function changedFields(current: JobApplicationDecidingFields, changes: JobApplicationChanges): JobApplicationChanges {
  const changed: Record<string, unknown> = {};
  const before: Record<string, unknown> = { ...decidingFields(DEFAULTS), ...current };
  const comparable: Record<string, unknown> = decidingFields(changes);
  for (const [key, value] of Object.entries(changes)) {
    if (value !== undefined && comparable[key] !== before[key]) changed[key] = value;
  }
  return changed as JobApplicationChanges;
}
