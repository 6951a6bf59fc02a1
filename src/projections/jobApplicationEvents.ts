import type { Knex } from 'knex';
import { assertNever } from '../domain/errors.js';
import type { JobApplicationEvent } from '../domain/jobApplication/index.js';
import { oneEntryPerChange } from '../domain/jobApplication/historyEntries.js';
import type { Projection } from './projection.js';

/** What an event changed, in API field names: the analysts' timeline and GET …/history. */
function changesOf(event: JobApplicationEvent): Record<string, unknown> {
  switch (event.type) {
    case 'JobApplicationCreated':
      return { ...event.data.fields, is_example: event.data.isExample };
    case 'JobApplicationUpdated':
      return event.data.changes;
    case 'JobApplicationStatusChanged':
      return { from: event.data.from, to: event.data.to };
    case 'JobApplicationSoftDeleted':
      return { is_deleted: true };
    case 'JobApplicationRestored':
      return { is_deleted: false };
    default:
      return assertNever(event);
  }
}

export const jobApplicationEventsProjection: Projection<JobApplicationEvent> = {
  name: 'job_application_events',
  tables: ['job_application_events'],
  handles: ['JobApplicationCreated', 'JobApplicationUpdated', 'JobApplicationStatusChanged', 'JobApplicationSoftDeleted', 'JobApplicationRestored'],
  changesOf: (event) => [
    {
      kind: 'insert',
      table: 'job_application_events',
      row: { position: event.position, application_id: event.data.id, user_id: event.data.userId, type: event.type, at: event.data.at, changes: changesOf(event) },
      conflict: ['application_id', 'position'],
    },
  ],
};

export interface JobApplicationHistoryEntry {
  position: string;
  type: JobApplicationEvent['type'];
  at: string;
  changes: Record<string, unknown>;
}

interface EventRow {
  position: string;
  type: JobApplicationEvent['type'];
  at: Date;
  changes: Record<string, unknown>;
}

/** The changes of one of the user's applications (soft-deleted ones included), oldest first, a status move once; empty when it is not theirs. */
export async function jobApplicationHistory(db: Knex, userId: number, id: number): Promise<JobApplicationHistoryEntry[]> {
  const rows = (await db('job_application_events')
    .select('position', 'type', 'at', 'changes')
    .where({ application_id: id, user_id: userId })
    .orderByRaw('position COLLATE "C"')) as EventRow[]; // positions sort bytewise, whatever the database's collation
  return oneEntryPerChange(rows.map((r) => ({ position: r.position, type: r.type, at: r.at.toISOString(), changes: r.changes })));
}
