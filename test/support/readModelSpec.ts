import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DomainEvent, RecordedEvent } from '../../src/eventstore/port.js';
import type { Projection } from '../../src/projections/projection.js';
import { BatchWriter } from '../../src/projections/writer/batchWriter.js';
import { testDatabaseUrl } from './db.js';

type Rows = Record<string, unknown>[];
type SpecEvent<E extends DomainEvent> = E & { streamId?: string };

/**
 * A read model's spec in the style of Emmett's PostgreSQLProjectionSpec: given events, when
 * events, then rows — against real PostgreSQL, in copies of the read model's tables made for
 * the one spec. Each spec runs twice, the events as one batch and as one batch each: the
 * writer merges a batch's changes in memory, and the rows must not depend on where the log
 * is cut. Positions are handed out in log order.
 */
export function readModelSpec<E extends DomainEvent>(projection: Projection<E>) {
  let client: pg.Client | undefined;
  const connection = async () => {
    if (!client) {
      client = new pg.Client({ connectionString: testDatabaseUrl(), pipeline: true });
      await client.connect();
      await client.query(`SET TIME ZONE 'UTC'`);
    }
    return client;
  };
  after(async () => {
    await client?.end();
    client = undefined;
  });

  const given = (...givenEvents: SpecEvent<E>[]) => ({
    when: (...whenEvents: SpecEvent<E>[]) => ({
      /** The rows of `table` (only the columns the expected rows name), ordered by `orderBy`. */
      then: async (table: string, expected: Rows, orderBy: string | readonly string[] = 'id') => {
        const events = recorded([...givenEvents, ...whenEvents]);
        for (const batches of [[events], events.map((e) => [e])]) {
          const rows = await project(await connection(), projection, batches, table, expected, orderBy);
          expect(rows, batches.length === 1 ? 'as one batch' : 'one batch per event').to.deep.equal(expected);
        }
      },
    }),
  });
  return { given, when: (...events: SpecEvent<E>[]) => given().when(...events) };
}

function recorded<E extends DomainEvent>(events: readonly SpecEvent<E>[]): RecordedEvent[] {
  return events.map((event, n) => ({
    ...event,
    streamId: event.streamId ?? 'spec',
    revision: BigInt(n),
    position: `spec${String(n).padStart(6, '0')}`,
    metadata: { at: '2026-01-01T00:00:00.000Z' },
    createdAt: new Date(0),
  })) as unknown as RecordedEvent[];
}

async function project(client: pg.Client, projection: Projection, batches: readonly RecordedEvent[][], table: string, expected: Rows, orderBy: string | readonly string[]): Promise<Rows> {
  const prefix = `spec_${randomBytes(4).toString('hex')}_`;
  const copyOf = (name: string) => `${prefix}${name}`;
  const id = (name: string) => client.escapeIdentifier(name);
  try {
    for (const t of projection.tables) await client.query(`CREATE TABLE ${id(copyOf(t))} (LIKE ${id(t)} INCLUDING ALL)`);
    const writer = new BatchWriter(client, { tableName: copyOf });
    for (const batch of batches) {
      writer.statement('BEGIN');
      writer.apply(projection, batch);
      writer.statement('COMMIT');
      await writer.drain();
    }
    // As JSON (ids as numbers, times as UTC text), with only the columns the spec names.
    const columns = [...new Set(expected.flatMap((row) => Object.keys(row)))];
    const select = columns.length > 0 ? columns.map((c) => `t.${id(c)}`).join(', ') : 't.*';
    const { rows } = await client.query<{ row: Record<string, unknown> }>(
      `SELECT row_to_json((SELECT x FROM (SELECT ${select}) x)) AS row FROM ${id(copyOf(table))} t ORDER BY ${[orderBy].flat().map((c) => `t.${id(c)}`).join(', ')}`,
    );
    return rows.map((r) => r.row);
  } finally {
    for (const t of projection.tables) await client.query(`DROP TABLE IF EXISTS ${id(copyOf(t))}`);
  }
}
