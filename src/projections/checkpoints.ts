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
  const query = db(TABLE).select<{ name: string; position: string }[]>('name', 'position');
  const rows = names ? await query.whereIn('name', names) : await query;
  return new Map(rows.map((r) => [r.name, r.position]));
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
