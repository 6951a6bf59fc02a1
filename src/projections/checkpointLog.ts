import type { Knex } from 'knex';
import { START, type EventStore, type Position } from '../eventstore/port.js';
import { markCheckpoint, readCheckpointRows, type CheckpointRow } from './checkpoints.js';

export type CheckpointVerdict =
  | { kind: 'follow'; position: Position }
  /** `fresh`: refused just now (not read back from an earlier refusal). */
  | { kind: 'refused'; reason: string; fresh: boolean };

/**
 * Whether read model `name` may go on from its checkpoint in this store's log. A checkpoint
 * read from another log (a wiped or switched event store), or beyond this log's head (a
 * restored backup), would make the projector wait for positions that never come while
 * read-your-writes waits resolve: it is refused, in the table, until a rebuild replaces it.
 * A checkpoint from before log ids is adopted into this log when it is not beyond the head.
 */
export async function verifyCheckpoint(db: Knex, store: EventStore, name: string): Promise<CheckpointVerdict> {
  const logId = await store.logId();
  for (;;) {
    const row: CheckpointRow = (await readCheckpointRows(db, [name])).get(name) ?? { position: START, logId: null, refused: null };
    if (row.refused) return { kind: 'refused', reason: row.refused, fresh: false };
    const reason = await refusalOf(store, row, logId);
    if (reason) {
      if (await markCheckpoint(db, name, row, { refused: reason })) return { kind: 'refused', reason, fresh: true };
      continue; // a rebuild swapped the checkpoint meanwhile: judge the new one
    }
    if (row.logId === logId || (await markCheckpoint(db, name, row, { logId }))) return { kind: 'follow', position: row.position };
  }
}

async function refusalOf(store: EventStore, row: CheckpointRow, logId: string): Promise<string | undefined> {
  if (row.logId !== null && row.logId !== logId) {
    return `its checkpoint was read from event log ${row.logId}, but the event store holds log ${logId}`;
  }
  const head = await store.headPosition();
  if (row.position > head) {
    return `its checkpoint ${row.position} is beyond the head of event log ${logId} (${head === START ? 'an empty log' : head})`;
  }
  return undefined;
}

/** What the operator reads once in the log, and what to do about it. */
export function refusalMessage(name: string, reason: string): string {
  return (
    `Read model ${name} refused: ${reason}. It applies nothing, and writes that wait for it answer 503, ` +
    `until it is rebuilt from this event store: run "resumate admin projections rebuild ${name}" (or --all).`
  );
}
