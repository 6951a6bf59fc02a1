import type { Knex } from 'knex';
import { ID_SEQUENCES } from '../../db/ids.js';
import type { DjangoSource } from './sourceDatabase.js';
import type { DjangoTable } from './sourceRows.js';

/** The write side's id sequences, by the Django table whose ids they continue. */
const SEQUENCES: Partial<Record<DjangoTable, string>> = {
  auth_user: ID_SEQUENCES.user,
  resume_resume: ID_SEQUENCES.resume,
  job_tracker_jobapplication: ID_SEQUENCES.jobApplication,
};

/**
 * Moves each sequence past the highest Django id, so ids handed out from now on never collide
 * with imported ones. Never moves one back; taking one value (nextval) keeps it atomic.
 */
export async function advanceIdSequences(db: Knex, source: DjangoSource): Promise<void> {
  for (const [table, sequence] of Object.entries(SEQUENCES) as [DjangoTable, string][]) {
    const highest = await source.maxId(table);
    if (highest > 0) await db.raw('SELECT setval(?::regclass, GREATEST(nextval(?::regclass), ?))', [sequence, sequence, highest]);
  }
}
