import type { Knex } from 'knex';

export type IdKind = 'user' | 'resume' | 'jobApplication';

const SEQUENCE: Record<IdKind, string> = { user: 'user_ids', resume: 'resume_ids', jobApplication: 'job_application_ids' };

export interface IdAllocator {
  next(kind: IdKind): Promise<number>;
}

/** Ids from PostgreSQL sequences: unique across processes, never reused, untouched by rebuilds. */
export function sequenceIds(db: Knex): IdAllocator {
  return {
    async next(kind) {
      const { rows } = await db.raw<{ rows: { id: string }[] }>('SELECT nextval(?)::text AS id', [SEQUENCE[kind]]);
      return Number(rows[0]!.id);
    },
  };
}
