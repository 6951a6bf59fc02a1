import pg from 'pg';
import pino from 'pino';
import { createKnex, migrateToLatest } from '../../src/db/knex.js';
import type { Position } from '../../src/eventstore/port.js';
import { encodePosition } from '../../src/eventstore/postgres/positions.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgresEventStore.js';
import { Keyring } from '../../src/eventstore/shredding/keyring.js';
import { withShredding } from '../../src/eventstore/shredding/index.js';
import { TEST_DATA_KEY_ENCRYPTION_KEY } from './dataKeys.js';
import { allProjections } from '../../src/projections/index.js';
import { ProjectionRuntime } from '../../src/projections/runtime.js';

// A log position is `<transaction id>:<global position>`; a replay into another database has other transaction ids.
const LOG_POSITION = /"\d{20}:(\d{20})"/g;
const readModelTables = [...new Set(allProjections.flatMap((p) => p.tables))];

/** Every read-model table's rows as sorted JSON lines, so two databases compare with deep.equal. */
export async function dumpReadModels(databaseUrl: string): Promise<Record<string, string[]>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const dump: Record<string, string[]> = {};
    for (const table of readModelTables) {
      const { rows } = await client.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM ${client.escapeIdentifier(table)} t ORDER BY 1`);
      dump[table] = rows.map((r) => r.row.replace(LOG_POSITION, '"$1"')).sort();
    }
    return dump;
  } finally {
    await client.end();
  }
}

/**
 * The read models as a replay of the log from scratch builds them: the events of `sourceUrl`
 * copied into the empty, migrated `targetUrl` (with the data keys that open them, destroyed ones
 * included), and the real ProjectionRuntime run there to the head.
 */
export async function rebuildReadModels(sourceUrl: string, targetUrl: string): Promise<Record<string, string[]>> {
  const db = createKnex(targetUrl, { max: 4 });
  try {
    await migrateToLatest(db);
    await copyEvents(sourceUrl, targetUrl);
    const logger = pino({ level: 'silent' });
    const keyring = new Keyring(db, Buffer.from(TEST_DATA_KEY_ENCRYPTION_KEY, 'base64'));
    const store = withShredding(await PostgresEventStore.connect({ connectionString: targetUrl, poolSize: 2, logger }), keyring);
    const runtime = new ProjectionRuntime({ db, store, connectionString: targetUrl, projections: allProjections, logger, runProjectors: true });
    try {
      await runtime.start();
      // Not catchUp(): that waits for the *readable* head, which a long transaction elsewhere on
      // a shared cluster holds back; a rebuild to compare must have applied the whole log.
      await runtime.waitFor(allProjections.map((p) => p.name), await lastLogPosition(targetUrl), 60_000);
    } finally {
      await runtime.stop();
      await store.close();
    }
  } finally {
    await db.destroy();
  }
  return dumpReadModels(targetUrl);
}

async function copyEvents(sourceUrl: string, targetUrl: string): Promise<void> {
  const source = new pg.Client({ connectionString: sourceUrl });
  const target = new pg.Client({ connectionString: targetUrl });
  await source.connect();
  await target.connect();
  try {
    const { rows } = await source.query<Record<string, unknown>>(
      'SELECT transaction_id::text AS xid, global_position, stream_id, stream_revision, type, data, metadata, created_at FROM events ORDER BY transaction_id, global_position',
    );
    // One target transaction per source transaction keeps the order readers see, (transaction_id, global_position).
    let open: unknown;
    for (const e of rows) {
      if (e.xid !== open) {
        if (open !== undefined) await target.query('COMMIT');
        await target.query('BEGIN');
        open = e.xid;
      }
      await target.query(
        `INSERT INTO events (global_position, stream_id, stream_revision, type, data, metadata, created_at)
         OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [e.global_position, e.stream_id, e.stream_revision, e.type, e.data, e.metadata, e.created_at],
      );
    }
    if (open !== undefined) await target.query('COMMIT');
    const keys = await source.query<Record<string, unknown>>('SELECT subject, wrapped_key, created_at, destroyed_at FROM data_keys');
    for (const k of keys.rows) {
      await target.query('INSERT INTO data_keys (subject, wrapped_key, created_at, destroyed_at) VALUES ($1, $2, $3, $4)', [k.subject, k.wrapped_key, k.created_at, k.destroyed_at]);
    }
  } finally {
    await source.end();
    await target.end();
  }
}

/** The position of the last event in the log, readable or not yet (START for an empty log). */
export async function lastLogPosition(databaseUrl: string): Promise<Position> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ xid: string; position: string }>(
      'SELECT transaction_id::text AS xid, global_position::text AS position FROM events ORDER BY transaction_id DESC, global_position DESC LIMIT 1',
    );
    return rows[0] ? encodePosition(rows[0].xid, rows[0].position) : '';
  } finally {
    await client.end();
  }
}

/** Polls the stored checkpoints until every read model applied the whole log (bounded by `timeoutMs`). */
export async function waitForWholeLog(databaseUrl: string, timeoutMs = 120_000): Promise<void> {
  const last = await lastLogPosition(databaseUrl);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const { rows } = await client.query<{ behind: string }>('SELECT count(*)::text AS behind FROM projection_checkpoints WHERE position < $1', [last]).finally(() => client.end());
    if (rows[0]?.behind === '0') return;
    if (Date.now() > deadline) throw new Error(`read models did not reach ${last} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
