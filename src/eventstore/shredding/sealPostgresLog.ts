import { isDeepStrictEqual } from 'node:util';
import type { Knex } from 'knex';
import type { Keyring } from './keyring.js';
import { erasePlaintext, openData, plaintextPersonal, sealData, sealedOf } from './sealing.js';

/** Where `log_encryption_progress` keeps the PostgreSQL log's marker. */
const PROGRESS = 'events';

export interface SealProgress {
  /** Events read so far in this run. */
  scanned: number;
  /** Events whose personal fields this run sealed (or, for an erased subject, replaced by [erased]). */
  sealed: number;
  /** Global position of the last event done (the resumable marker). */
  lastId: string;
}

type Data = Record<string, unknown>;

/**
 * Brings a log written before crypto-shredding under it, in place: every event whose personal
 * fields are in clear gets them sealed with its subject's key (an erased subject's become
 * "[erased]": there is no key left to seal them with), `batchSize` events per transaction
 * with the marker beside them, so an interrupted run resumes where it stopped and a rerun
 * changes nothing. Each rewritten event is opened again before it is written and must equal
 * the original, so a rebuild after gives the same rows as before. Events appended meanwhile are
 * sealed already and are skipped.
 */
export async function sealPostgresLog(db: Knex, keyring: Keyring, { batchSize = 1000, onBatch }: { batchSize?: number; onBatch?: (p: SealProgress) => void } = {}): Promise<SealProgress> {
  const marker = await db('log_encryption_progress').where({ name: PROGRESS }).first<{ last_id: string } | undefined>('last_id');
  const progress: SealProgress = { scanned: 0, sealed: 0, lastId: marker?.last_id ?? '0' };
  for (;;) {
    // Ordered by the bigint column (an alias of its text would order "10" before "2").
    const { rows } = await db.raw<{ rows: { global_position: string; type: string; data: unknown }[] }>(
      'SELECT e.global_position::text AS global_position, e.type, e.data FROM events AS e WHERE e.global_position > ? ORDER BY e.global_position LIMIT ?',
      [progress.lastId, batchSize],
    );
    if (rows.length === 0) break;
    const rewritten: { global_position: string; data: Data }[] = [];
    for (const row of rows) {
      const data = await sealedForm(keyring, row.type, row.data);
      if (data) rewritten.push({ global_position: row.global_position, data });
    }
    const lastId = rows[rows.length - 1]!.global_position;
    await db.transaction(async (trx) => {
      if (rewritten.length > 0) {
        await trx.raw(
          `UPDATE events AS e SET data = v.data FROM jsonb_to_recordset(?::jsonb) AS v(global_position bigint, data jsonb) WHERE e.global_position = v.global_position`,
          [JSON.stringify(rewritten)],
        );
      }
      await trx.raw(
        `INSERT INTO log_encryption_progress (name, last_id, events_sealed, updated_at) VALUES (?, ?, ?, now())
         ON CONFLICT (name) DO UPDATE SET last_id = excluded.last_id, events_sealed = log_encryption_progress.events_sealed + excluded.events_sealed, updated_at = now()`,
        [PROGRESS, lastId, rewritten.length],
      );
    });
    progress.scanned += rows.length;
    progress.sealed += rewritten.length;
    progress.lastId = lastId;
    onBatch?.(progress);
    if (rows.length < batchSize) break;
  }
  await db('log_encryption_progress').where({ name: PROGRESS }).update({ finished_at: db.fn.now() });
  return progress;
}

/** The event's data as it should be stored, checked to read back as it was; undefined when it needs no change. */
async function sealedForm(keyring: Keyring, type: string, data: unknown): Promise<Data | undefined> {
  const personal = plaintextPersonal(type, data);
  if (!personal) return undefined;
  const state = keyring.cached(personal.subject) ?? (await keyring.load([personal.subject])).get(personal.subject);
  if (state === 'destroyed') {
    const erased = structuredClone(data as Data);
    erasePlaintext(erased, personal.paths);
    return erased;
  }
  const key = await keyring.sealingKey(personal.subject);
  const sealed = sealData(data as Data, personal, key);
  const reopened = structuredClone(sealed);
  openData(reopened, sealedOf(reopened)!, key);
  if (!isDeepStrictEqual(reopened, data)) throw new Error(`Sealing event data of type ${type} would change it; nothing of this batch was written.`);
  return sealed;
}
