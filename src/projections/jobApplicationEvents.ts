import type { Knex } from 'knex';
import { assertNever } from '../domain/errors.js';
import type { JobApplicationEvent } from '../domain/jobApplication/index.js';
import { oneEntryPerChange } from '../domain/jobApplication/historyEntries.js';
import type { UserErasedEvent } from '../domain/user/index.js';
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

export const jobApplicationEventsProjection: Projection<JobApplicationEvent | UserErasedEvent> = {
  name: 'job_application_events',
  tables: ['job_application_events'],
  handles: ['JobApplicationCreated', 'JobApplicationUpdated', 'JobApplicationStatusChanged', 'JobApplicationSoftDeleted', 'JobApplicationRestored', 'UserErased'],
  changesOf(event) {
    if (event.type === 'UserErased') return [{ kind: 'deleteWhere', table: 'job_application_events', column: 'user_id', value: event.data.id }];
    const row = { position: event.position, application_id: event.data.id, user_id: event.data.userId, type: event.type, at: event.data.at, changes: changesOf(event) };
    return [{ kind: 'insert', table: 'job_application_events', row, conflict: ['application_id', 'position'] }];
  },
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

/** Events read per query by a history: what one history request holds at a time. */
export const HISTORY_CHUNK_EVENTS = 10;

const toEntry = (r: EventRow): JobApplicationHistoryEntry => ({ position: r.position, type: r.type, at: r.at.toISOString(), changes: r.changes });

/**
 * The changes of one of the user's applications (soft-deleted ones included), oldest first, a
 * status move once; read HISTORY_CHUNK_EVENTS at a time (keyset on the position) as the caller
 * iterates; undefined when it is not theirs.
 */
export async function jobApplicationHistory(db: Knex, userId: number, id: number): Promise<AsyncIterable<JobApplicationHistoryEntry[]> | undefined> {
  // Positions sort bytewise, whatever the database's collation.
  const after = (position: string | undefined) => {
    const query = db('job_application_events').select('position', 'type', 'at', 'changes').where({ application_id: id, user_id: userId });
    if (position !== undefined) query.whereRaw('position COLLATE "C" > ?', [position]);
    return query.orderByRaw('position COLLATE "C"').limit(HISTORY_CHUNK_EVENTS) as Promise<EventRow[]>;
  };
  const first = await after(undefined);
  if (first.length === 0) return undefined;
  return (async function* () {
    for (let chunk = first; ; ) {
      const next = chunk.length < HISTORY_CHUNK_EVENTS ? [] : await after(chunk[chunk.length - 1]!.position);
      // The next chunk's first event decides whether this chunk's last one shows (oneEntryPerChange).
      const shown = oneEntryPerChange([...chunk, ...next.slice(0, 1)].map(toEntry));
      yield next.length > 0 ? shown.slice(0, -1) : shown;
      if (next.length === 0) return;
      chunk = next;
    }
  })();
}
