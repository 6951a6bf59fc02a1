import type { Knex } from 'knex';
import { assertNever } from '../domain/errors.js';
import {
  JOB_APPLICATION_FIELD_NAMES,
  JOB_APPLICATION_STATUSES,
  type JobApplicationChanges,
  type JobApplicationEvent,
  type JobApplicationFields,
} from '../domain/jobApplication/index.js';
import type { Readable } from 'node:stream';
import { runList, type ListQuery, type ListSpec } from './listQuery.js';
import type { UserErasedEvent } from '../domain/user/index.js';
import type { Projection } from './projection.js';

/** Emitted by the resumes aggregate; an application that used the resume keeps no dangling id (Django's SET_NULL). */
type ResumeDeleted = { type: 'ResumeDeleted'; data: { id: number; userId: number; at: string } };

/**
 * Copies into `target`, in the API's order, each field `source` sets: no other key reaches the
 * table or a response. A plain loop: a list runs it for every row it renders.
 */
function copyFields<T extends object>(source: Partial<Record<keyof JobApplicationFields, unknown>>, target: T): T {
  const into = target as Record<string, unknown>;
  for (const field of JOB_APPLICATION_FIELD_NAMES) {
    const value = source[field];
    if (value !== undefined) into[field] = value;
  }
  return target;
}

const fieldsIn = <T extends JobApplicationChanges>(source: T): T => copyFields(source, {}) as T;

/** What the storage cap reads: how many applications a user keeps that are not soft-deleted. */
const active = (userId: number, n: number) => ({ kind: 'add' as const, table: 'job_application_owner_counts', key: { user_id: userId }, add: { active: n } });

export const jobApplicationsProjection: Projection<JobApplicationEvent | ResumeDeleted | UserErasedEvent> = {
  name: 'job_applications',
  tables: ['job_applications', 'job_application_gone_resumes', 'job_application_owner_counts'],
  handles: ['JobApplicationCreated', 'JobApplicationUpdated', 'JobApplicationSoftDeleted', 'JobApplicationRestored', 'ResumeDeleted', 'UserErased'],
  // The check that resume_used is the caller's own resume reads the resumes read model: a
  // delete of that resume can land in the log after the check and before the application's
  // event. Remembering deleted resumes keeps the table free of them in either order.
  references: [{ table: 'job_applications', column: 'resume_used', gone: { table: 'job_application_gone_resumes', column: 'resume_id' } }],
  changesOf(event) {
    if (event.type === 'UserErased') {
      return [
        { kind: 'deleteWhere', table: 'job_applications', column: 'user_id', value: event.data.id },
        { kind: 'delete', table: 'job_application_owner_counts', key: { user_id: event.data.id } },
      ];
    }
    const row = (set: Record<string, unknown>) => [{ kind: 'set' as const, table: 'job_applications', key: { id: event.data.id }, set: { ...set, updated_at: event.data.at } }];
    switch (event.type) {
      case 'JobApplicationCreated': {
        const { id, userId, fields, isExample, at } = event.data;
        const inserted = { id, user_id: userId, ...fieldsIn(fields), is_deleted: false, is_example: isExample, created_at: at, updated_at: at };
        return [{ kind: 'insert', table: 'job_applications', row: inserted, conflict: ['id'] }, active(userId, 1)];
      }
      case 'JobApplicationUpdated':
        return row(fieldsIn(event.data.changes));
      case 'JobApplicationSoftDeleted':
        return [...row({ is_deleted: true }), active(event.data.userId, -1)];
      case 'JobApplicationRestored':
        return [...row({ is_deleted: false }), active(event.data.userId, 1)];
      case 'ResumeDeleted':
        // Like Django's SET_NULL: a bulk update that leaves updated_at alone.
        return [{ kind: 'clear', table: 'job_applications', column: 'resume_used', value: event.data.id }];
      case 'JobApplicationStatusChanged':
        return []; // the JobApplicationUpdated beside it already carries the new status
      default:
        return assertNever(event);
    }
  },
};

interface JobApplicationRow extends Omit<JobApplicationFields, 'date_applied'> {
  id: number;
  user_id: number;
  date_applied: Date | null;
  is_deleted: boolean;
  is_example: boolean;
  created_at: Date;
  updated_at: Date;
}

/** An application as the API shows it. */
export interface JobApplicationView extends JobApplicationFields {
  id: number;
  user: number;
  is_deleted: boolean;
  is_example: boolean;
  created_at: string;
  updated_at: string;
}

// pg reads a DATE as local midnight, so the local calendar fields give the stored day back.
const isoDay = (d: Date): string =>
  `${String(d.getFullYear()).padStart(4, '0')}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

interface ApplicationFacts {
  id: number;
  userId: number;
  isDeleted: boolean;
  isExample: boolean;
  createdAt: string;
  updatedAt: string;
}

/** An application as the API shows it: one builder, for a row read back and for an application just created. */
export const jobApplicationView = (a: ApplicationFacts & { fields: JobApplicationFields }): JobApplicationView => viewOf(a, a.fields);

export const toJobApplicationView = (row: JobApplicationRow): JobApplicationView => {
  const view = viewOf({ id: row.id, userId: row.user_id, isDeleted: row.is_deleted, isExample: row.is_example, createdAt: row.created_at.toISOString(), updatedAt: row.updated_at.toISOString() }, row);
  view.date_applied = row.date_applied && isoDay(row.date_applied);
  return view;
};

/** Built key by key in the API's order (a list renders one per row), the fields read from `fields` as they are. */
function viewOf(a: ApplicationFacts, fields: Partial<Record<keyof JobApplicationFields, unknown>>): JobApplicationView {
  const view = copyFields(fields, { id: a.id, user: a.userId }) as JobApplicationView;
  view.is_deleted = a.isDeleted;
  view.is_example = a.isExample;
  view.created_at = a.createdAt;
  view.updated_at = a.updatedAt;
  return view;
}

const ownActive = (db: Knex, userId: number) => db('job_applications').where({ user_id: userId, is_deleted: false });

export async function findJobApplication(db: Knex, userId: number, id: number): Promise<JobApplicationView | undefined> {
  const row = (await ownActive(db, userId).where({ id }).first()) as JobApplicationRow | undefined;
  return row && toJobApplicationView(row);
}

/** How many applications the user keeps that are not soft-deleted (their storage cap counts these). */
export async function countJobApplications(db: Knex, userId: number): Promise<number> {
  const row = (await db('job_application_owner_counts').where({ user_id: userId }).first('active')) as { active: number } | undefined;
  return row?.active ?? 0;
}

export const jobApplicationListSpec: ListSpec = {
  // Qualified, so that ordering always uses the column and never a same-named output alias.
  orderable: Object.fromEntries(
    ['id', 'job_title', 'company_name', 'date_applied', 'status', 'created_at', 'updated_at'].map((f) => [f, `job_applications.${f}`]),
  ),
  defaultOrdering: '-created_at',
  searchColumns: ['job_title', 'company_name'],
  filters: { status: { column: 'status', values: JOB_APPLICATION_STATUSES } },
  rowBytes: 'coalesce(octet_length(original_job_description), 0) + coalesce(octet_length(notes), 0)',
};

/** The caller's applications that are not soft-deleted, as a JSON body: an array, or a page when one was asked for. */
export function listJobApplications(
  db: Knex,
  userId: number,
  list: ListQuery,
  pageUrl: (offset: number, limit: number) => string,
): Promise<Readable> {
  return runList(() => ownActive(db, userId), list, jobApplicationListSpec, toJobApplicationView, pageUrl);
}

const MAX_BIGINT = 2n ** 63n - 1n;

/** Whether `resumeId` is one of the user's live resumes. An id beyond bigint is simply absent (Django 5's lookups agree). */
export async function isOwnResume(db: Knex, userId: number, resumeId: number): Promise<boolean> {
  if (!Number.isInteger(resumeId) || resumeId < 1 || BigInt(resumeId) > MAX_BIGINT) return false;
  return (await db('resumes').where({ id: resumeId, user_id: userId }).first('id')) !== undefined;
}

/** Titles and companies of the example applications the user holds, soft-deleted ones included. */
export async function exampleApplicationTitles(db: Knex, userId: number): Promise<{ job_title: string; company_name: string }[]> {
  return db('job_applications').where({ user_id: userId, is_example: true }).select<{ job_title: string; company_name: string }[]>('job_title', 'company_name');
}

/** One page of the user's applications, soft-deleted ones included, in id order after `afterId` (a personal-data export's read). */
export async function ownJobApplicationsPage(db: Knex, userId: number, afterId: number, limit: number): Promise<JobApplicationView[]> {
  const rows = (await db('job_applications').where({ user_id: userId }).andWhere('id', '>', afterId).orderBy('id').limit(limit)) as JobApplicationRow[];
  return rows.map(toJobApplicationView);
}
