import type { Knex } from 'knex';
import { NotFound, assertNever } from '../domain/errors.js';
import type { ResumeChanges, ResumeEvent } from '../domain/resume/index.js';
import type { UserErasedEvent } from '../domain/user/index.js';
import type { Readable } from 'node:stream';
import { runList, type ListQuery, type ListSpec } from './listQuery.js';
import type { Projection } from './projection.js';

export const resumesProjection: Projection<ResumeEvent | UserErasedEvent> = {
  name: 'resumes',
  tables: ['resumes', 'resume_owner_counts'],
  handles: ['ResumeCreated', 'ResumeUpdated', 'ResumeDeleted', 'UserErased'],
  changesOf(event) {
    switch (event.type) {
      case 'ResumeCreated': {
        const { id, userId, username, title, content, source, aiModel, at } = event.data;
        const row = { id, user_id: userId, username, title, content, source, ai_model: aiModel ?? null, created_at: at, updated_at: at };
        return [{ kind: 'insert', table: 'resumes', row, conflict: ['id'] }, owned(userId, 1)];
      }
      case 'ResumeUpdated':
        return [{ kind: 'set', table: 'resumes', key: { id: event.data.id }, set: { ...columnsOf(event.data.changes), updated_at: event.data.at } }];
      case 'ResumeDeleted':
        return [{ kind: 'delete', table: 'resumes', key: { id: event.data.id } }, owned(event.data.userId, -1)];
      case 'UserErased':
        return [
          { kind: 'deleteWhere', table: 'resumes', column: 'user_id', value: event.data.id },
          { kind: 'delete', table: 'resume_owner_counts', key: { user_id: event.data.id } },
        ];
      default:
        return assertNever(event);
    }
  },
};

/** What the storage cap reads: how many resumes a user keeps. */
const owned = (userId: number, resumes: number) => ({ kind: 'add' as const, table: 'resume_owner_counts', key: { user_id: userId }, add: { resumes } });

// Only the keys present: an absent field must not be written as NULL.
const columnsOf = ({ title, content }: ResumeChanges) => ({
  ...(title === undefined ? {} : { title }),
  ...(content === undefined ? {} : { content }),
});

interface ResumeRow {
  id: number;
  username: string;
  title: string;
  content: string;
  created_at: Date;
  updated_at: Date;
}

/** A resume as the API shows it (the original serializer's fields, `user` being the username). */
export interface ResumeView {
  id: number;
  user: string;
  title: string;
  content: string;
  created_at: string;
  updated_at: string;
}

const toView = (row: ResumeRow): ResumeView => ({
  id: row.id,
  user: row.username,
  title: row.title,
  content: row.content,
  created_at: row.created_at.toISOString(),
  updated_at: row.updated_at.toISOString(),
});

const COLUMNS = ['id', 'username', 'title', 'content', 'created_at', 'updated_at'];

/** The caller's resume; another user's is NotFound, exactly like a missing one. */
export async function getResume(db: Knex, userId: number, id: number): Promise<ResumeView> {
  const row = (await db('resumes').select(COLUMNS).where({ id, user_id: userId }).first()) as ResumeRow | undefined;
  if (!row) throw new NotFound();
  return toView(row);
}

/** How many resumes the user keeps (their storage cap counts these). */
export async function countResumes(db: Knex, userId: number): Promise<number> {
  const row = (await db('resume_owner_counts').where({ user_id: userId }).first('resumes')) as { resumes: number } | undefined;
  return row?.resumes ?? 0;
}

export const resumeListSpec: ListSpec = {
  orderable: { id: 'id', title: 'title', created_at: 'created_at', updated_at: 'updated_at' },
  defaultOrdering: '-updated_at',
  searchColumns: ['title'],
  filters: {},
  rowBytes: 'octet_length(content)',
};

export function listResumes(
  db: Knex,
  userId: number,
  list: ListQuery,
  pageUrl: (offset: number, limit: number) => string,
): Promise<Readable> {
  return runList(() => db('resumes').where({ user_id: userId }), list, resumeListSpec, toView, pageUrl);
}

/** A resume as its owner's data export holds it: the API's fields and where it came from. */
export interface OwnResume extends ResumeView {
  source: string;
  ai_model: string | null;
}

/** One page of the user's resumes in id order, after `afterId`: a personal-data export reads them a page at a time. */
export async function ownResumesPage(db: Knex, userId: number, afterId: number, limit: number): Promise<OwnResume[]> {
  const rows = (await db('resumes')
    .select([...COLUMNS, 'source', 'ai_model'])
    .where({ user_id: userId })
    .andWhere('id', '>', afterId)
    .orderBy('id')
    .limit(limit)) as (ResumeRow & { source: string; ai_model: string | null })[];
  return rows.map((row) => ({ ...toView(row), source: row.source, ai_model: row.ai_model }));
}
