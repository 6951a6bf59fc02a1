/**
 * bench/append: appends to the PostgreSQL event store as the API builds it (versions stamped,
 * personal fields sealed with the owner's data key, the size limit checked; one new stream per
 * append, one event each, owners spread over 1,000 users) against its ceiling, raw single-row
 * INSERTs of the same event in clear into a plain table on the same database, measured in the
 * same run and interleaved so both see the same machine state.
 */
import pg from 'pg';
import pino from 'pino';
import { randomBytes, randomUUID } from 'node:crypto';
import { createKnex } from '../src/db/knex.js';
import { layered } from '../src/eventstore/createEventStore.js';
import { PostgresEventStore } from '../src/eventstore/postgres/postgresEventStore.js';
import { Keyring, userSubject } from '../src/eventstore/shredding/index.js';
import { createDatabase, dropDatabase } from '../test/support/db.js';
import { fmt, median, table, throughput } from './support/measure.js';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 4000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WRITERS = [1, 32];
const fields = { job_title: 'Senior Software Engineer', company_name: 'TechCorp Inc.', status: 'Applied', notes: 'Applied through the website' };
const USERS = 1000;
const eventOf = (n: number) => ({ id: n, userId: (n % USERS) + 1, fields, isExample: false, at: '2026-11-24T10:00:00.000Z' });
const metadata = { userId: 1, requestId: 'bench', at: '2026-11-24T10:00:00.000Z' };

export async function benchAppend(): Promise<{ writers: number; appendPerS: number; insertPerS: number; ratio: number; unsealedPerS: number; unsealedRatio: number }[]> {
  const { url, name } = await createDatabase('resumate_bench');
  const pool = new pg.Pool({ connectionString: url, max: 32 });
  pool.on('error', () => undefined); // connections are force-closed when the bench database is dropped
  const db = createKnex(url, { max: 4 });
  const keyring = await new Keyring(db, randomBytes(32), { connectionString: url }).start();
  const adapter = await PostgresEventStore.connect({ connectionString: url, poolSize: 32, logger: pino({ level: 'silent' }) });
  const store = layered(adapter, { keyring, maxAppendBytes: 1_000_000 });
  // The same adapter without sealing, to show what sealing costs (reported, not judged).
  const unsealed = layered(adapter, { maxAppendBytes: 1_000_000 });
  let n = 0;
  try {
    await pool.query('CREATE TABLE raw_inserts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, stream_id text NOT NULL, type text NOT NULL, data jsonb NOT NULL, metadata jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())');
    const rawInsert = () =>
      pool.query({
        name: 'raw_insert',
        text: 'INSERT INTO raw_inserts (stream_id, type, data, metadata) VALUES ($1, $2, $3, $4)',
        values: [`bench-${randomUUID()}`, 'JobApplicationCreated', JSON.stringify(eventOf(++n)), JSON.stringify(metadata)],
      }).then(() => undefined);
    const append = () =>
      store.append(`bench-${randomUUID()}`, [{ type: 'JobApplicationCreated', data: eventOf(++n), metadata }], { expectedRevision: 'no_stream' }).then(() => undefined);

    const appendUnsealed = () =>
      unsealed.append(`bench-${randomUUID()}`, [{ type: 'JobApplicationCreated', data: eventOf(++n), metadata }], { expectedRevision: 'no_stream' }).then(() => undefined);

    await throughput(32, 1000, rawInsert); // warm-up
    // Every owner has a data key since registration (UserRegistered is sealed): made before measuring.
    for (let user = 1; user <= USERS; user++) await keyring.sealingKey(userSubject(user));
    await throughput(32, 1000, append);
    await throughput(32, 1000, appendUnsealed);
    const results = [];
    for (const writers of WRITERS) {
      const raw: number[] = [];
      const appends: number[] = [];
      const unsealedAppends: number[] = [];
      // The order turns each round, so none of the three always runs right after the same one
      // (and inherits its checkpoint or autovacuum).
      const measures = [
        { fn: rawInsert, into: raw },
        { fn: append, into: appends },
        { fn: appendUnsealed, into: unsealedAppends },
      ];
      for (let round = 0; round < ROUNDS; round++) {
        for (let k = 0; k < measures.length; k++) {
          const { fn, into } = measures[(round + k) % measures.length]!;
          into.push(await throughput(writers, DURATION_MS, fn));
        }
      }
      const appendPerS = median(appends);
      const insertPerS = median(raw);
      const unsealedPerS = median(unsealedAppends);
      results.push({ writers, appendPerS, insertPerS, ratio: appendPerS / insertPerS, unsealedPerS, unsealedRatio: unsealedPerS / insertPerS });
    }
    return results;
  } finally {
    await adapter.close();
    await keyring.close();
    await db.destroy();
    await pool.end();
    await dropDatabase(name);
  }
}

export async function main(): Promise<boolean> {
  const results = await benchAppend();
  console.log(`\nbench/append — PostgreSQL event store as the API builds it (sealed) vs raw INSERT ceiling (median of ${ROUNDS} × ${DURATION_MS} ms)`);
  console.log(
    table(results.map((r) => ({
      writers: r.writers,
      'append events/s': fmt(r.appendPerS),
      'raw INSERT rows/s': fmt(r.insertPerS),
      ratio: fmt(r.ratio, 2),
      'unsealed events/s (ratio)': `${fmt(r.unsealedPerS)} (${fmt(r.unsealedRatio, 2)})`,
      target: r.writers === 32 ? '≥ 0.60' : '—',
    }))),
  );
  const at32 = results.find((r) => r.writers === 32)!;
  return at32.ratio >= 0.6;
}

if (import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().then((ok) => process.exit(ok ? 0 : 1), (err) => { console.error(err); process.exit(2); });
}
