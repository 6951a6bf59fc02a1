import type { Knex } from 'knex';
import { START, type Position } from '../eventstore/port.js';

export const CHECKPOINT_CHANNEL = 'resumate_projection_checkpoints';
const TABLE = 'projection_checkpoints';

export class CheckpointMoved extends Error {
  constructor(readonly projection: string) {
    super(`Checkpoint of ${projection} was moved by another projector`);
  }
}

export async function ensureCheckpoints(db: Knex, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  await db(TABLE)
    .insert(names.map((name) => ({ name, position: START })))
    .onConflict('name')
    .ignore();
}

export async function readCheckpoints(db: Knex, names?: readonly string[]): Promise<Map<string, Position>> {
  return new Map([...(await readCheckpointRows(db, names))].map(([name, row]) => [name, row.position]));
}

export interface CheckpointRow {
  position: Position;
  /** The event log the position was read from; null for a checkpoint older than log ids. */
  logId: string | null;
  /** Why a projector refused this checkpoint; null unless refused (a rebuild clears it). */
  refused: string | null;
}

export async function readCheckpointRows(db: Knex, names?: readonly string[]): Promise<Map<string, CheckpointRow>> {
  const query = db(TABLE).select<{ name: string; position: string; log_id: string | null; refused: string | null }[]>('name', 'position', 'log_id', 'refused');
  const rows = names ? await query.whereIn('name', names) : await query;
  return new Map(rows.map((r) => [r.name, { position: r.position, logId: r.log_id, refused: r.refused }]));
}

/**
 * Sets the row's log id (adopting a checkpoint from before log ids) or its refusal, only if
 * the row is still `seen`: a rebuild that swapped in a new checkpoint meanwhile is kept.
 */
export async function markCheckpoint(db: Knex, name: string, seen: CheckpointRow, mark: { logId: string } | { refused: string }): Promise<boolean> {
  const updated = await db(TABLE)
    .where({ name, position: seen.position })
    .andWhereRaw('log_id IS NOT DISTINCT FROM ? AND refused IS NOT DISTINCT FROM ?', [seen.logId, seen.refused])
    .update('logId' in mark ? { log_id: mark.logId } : { refused: mark.refused });
  return updated === 1;
}

/**
 * Compare-and-set inside the batch's transaction: if another projector moved the
 * checkpoint meanwhile, the whole batch rolls back instead of applying twice.
 */
export async function moveCheckpoint(trx: Knex.Transaction, name: string, from: Position, to: Position): Promise<void> {
  const updated = await trx(TABLE).where({ name, position: from }).update({ position: to, updated_at: trx.fn.now() });
  if (updated !== 1) throw new CheckpointMoved(name);
}

/**
 * Tells every process the read model reached `to` (and, with `changed`, that its rows changed). Sent after the batch committed and its
 * after-commit work (cache invalidation) ran, so a waiter released by it sees both.
 */
export async function announceCheckpoint(db: Knex, name: string, to: Position, changed = false): Promise<void> {
  await db.raw('SELECT pg_notify(?, ?)', [CHECKPOINT_CHANNEL, `${changed ? CHANGED_MARK : ''}${name}|${to}`]);
}

/** Leads a checkpoint announcement whose batch changed the read model's rows (not only its position). */
export const CHANGED_MARK = '+';

/** Tells every process a projector refused read model `name`'s checkpoint (they read why from the table). */
export async function announceRefusal(db: Knex, name: string): Promise<void> {
  await db.raw('SELECT pg_notify(?, ?)', [CHECKPOINT_CHANNEL, `${REFUSED_MARK}${name}`]);
}

/** Leads an announcement that a read model's checkpoint was refused. */
export const REFUSED_MARK = '!';
