/**
 * Which fields of which events are personal data, and whose. Everything not listed here (types,
 * ids, statuses, dates, models, sizes) is a fact that survives erasure; everything listed is
 * sealed with its subject's data key at append and reads as ERASED once that key is destroyed.
 */

/** Whose data: `user:<id>`. */
export const userSubject = (userId: number): string => `user:${userId}`;

/** What a personal field reads as once its subject is erased. Every personal field is a string. */
export const ERASED = '[erased]';

export interface PersonalFields {
  /** The subject from the event's own non-personal fields; undefined when the event names none. */
  subjectOf(data: Record<string, unknown>): string | undefined;
  /** Dotted paths into `data`: `title`, `changes.title`. */
  paths: readonly string[];
}

const ownedBy =
  (field: string) =>
  (data: Record<string, unknown>): string | undefined => {
    const id = data[field];
    return typeof id === 'number' ? userSubject(id) : undefined;
  };

const APPLICATION_TEXT = ['job_title', 'company_name', 'original_job_description', 'notes'];

export const PERSONAL_FIELDS: ReadonlyMap<string, PersonalFields> = new Map([
  ['UserRegistered', { subjectOf: ownedBy('id'), paths: ['username', 'email', 'passwordHash'] }],
  ['UserPasswordChanged', { subjectOf: ownedBy('id'), paths: ['passwordHash'] }],
  ['UsernameReserved', { subjectOf: ownedBy('userId'), paths: ['username'] }],
  // An AI-written resume's content is the AI's output for its owner: sealed like any resume.
  ['ResumeCreated', { subjectOf: ownedBy('userId'), paths: ['username', 'title', 'content'] }],
  ['ResumeUpdated', { subjectOf: ownedBy('userId'), paths: ['changes.title', 'changes.content'] }],
  ['JobApplicationCreated', { subjectOf: ownedBy('userId'), paths: APPLICATION_TEXT.map((f) => `fields.${f}`) }],
  ['JobApplicationUpdated', { subjectOf: ownedBy('userId'), paths: APPLICATION_TEXT.map((f) => `changes.${f}`) }],
]);
