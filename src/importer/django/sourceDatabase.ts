import pg from 'pg';
import { DJANGO_TABLES, PAGE_QUERIES, type DjangoTable } from './sourceRows.js';

/** The original ResuMate's PostgreSQL database, read-only, one page of rows at a time. */
export interface DjangoSource {
  /** Rows per table, for the progress bar. */
  count(table: DjangoTable): Promise<number>;
  /** Highest id per table (0 when empty). */
  maxId(table: DjangoTable): Promise<number>;
  /** Every row in id order, `pageSize` rows in memory at a time. */
  rows<Row extends { id: number }>(table: DjangoTable, pageSize: number): AsyncGenerator<Row>;
  close(): Promise<void>;
}

export class SourceUnreadable extends Error {}

export async function openDjangoSource(databaseUrl: string): Promise<DjangoSource> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'resumate-import-django' });
  try {
    await client.connect();
  } catch (err) {
    throw new SourceUnreadable(`cannot connect to the Django database: ${(err as Error).message}`);
  }
  client.on('error', () => undefined);
  // Naive (USE_TZ=False) timestamps are then read as UTC; timestamptz ones are exact either way.
  await client.query("SET TIME ZONE 'UTC'; SET default_transaction_read_only = on");
  const missing = await missingTables(client);
  if (missing.length > 0) {
    await client.end();
    throw new SourceUnreadable(`not a ResuMate Django database: missing table${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  }
  return {
    async count(table) {
      const { rows } = await client.query<{ n: number }>(`SELECT count(*)::float8 AS n FROM ${table}`);
      return rows[0]!.n;
    },
    async maxId(table) {
      const { rows } = await client.query<{ max: number }>(`SELECT coalesce(max(id), 0)::float8 AS max FROM ${table}`);
      return rows[0]!.max;
    },
    async *rows<Row extends { id: number }>(table: DjangoTable, pageSize: number) {
      for (let after = 0; ; ) {
        const { rows } = await client.query<Row>(PAGE_QUERIES[table], [after, pageSize]);
        yield* rows;
        if (rows.length < pageSize) return;
        after = rows[rows.length - 1]!.id;
      }
    },
    close: () => client.end(),
  };
}

async function missingTables(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>('SELECT t AS name FROM unnest($1::text[]) AS t WHERE to_regclass(t) IS NULL', [DJANGO_TABLES]);
  return rows.map((r) => r.name);
}
