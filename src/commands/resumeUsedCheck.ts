import { ValidationFailed, type FieldErrors } from '../domain/errors.js';

/** Whether `resumeId` is one of the user's live resumes (the `resumes` read model). */
export type OwnsResume = (userId: number, resumeId: number) => Promise<boolean>;

/** A job application's body as the HTTP layer read it. */
export interface ApplicationBody<T> {
  /** The fields; throws `ValidationFailed` with every field's errors. */
  read(): T;
  /** The resume `resume_used` names, when it names one: its id (undefined when it is no whole number) and how a message quotes it. */
  resumeUsed: { id: number | undefined; asSent(): string } | undefined;
}

/**
 * The body's fields, with `resume_used` checked to be the user's own resume. DRF validates
 * `resume_used` like any other field, so a resume that is missing or someone else's is
 * reported together with the other fields' errors, in the serializer's order (the foreign key
 * is last). The message quotes the pk as it was sent.
 */
export async function readWithOwnResume<T>(ownsResume: OwnsResume, userId: number, body: ApplicationBody<T>): Promise<T> {
  let fields: T | undefined;
  let errors: FieldErrors = {};
  try {
    fields = body.read();
  } catch (err) {
    if (!(err instanceof ValidationFailed)) throw err;
    errors = err.fieldErrors;
  }
  const named = body.resumeUsed;
  if (named && !errors.resume_used && (named.id === undefined || !(await ownsResume(userId, named.id)))) {
    errors = { ...errors, resume_used: [`Invalid pk "${named.asSent()}" - object does not exist.`] };
  }
  if (fields === undefined || Object.keys(errors).length > 0) throw new ValidationFailed(errors);
  return fields;
}
