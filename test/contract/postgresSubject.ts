import pg from 'pg';
import { appendStatement } from '../../src/eventstore/postgres/appendStatements.js';
import { createDatabase, dropDatabase } from '../support/db.js';
import type { ContractSubject } from './eventStoreContract.js';

/**
 * A contract suite's own database: the suite writes events of newer schema versions, which the
 * projectors of the run's shared log would rightly refuse. Subjects made while one is open (the
 * "another connection" cases) share it; the last one closed drops it.
 */
export function suiteDatabase(prefix: string): { open(): Promise<string>; close(): Promise<void> } {
  let database: { url: string; name: string } | undefined;
  let open = 0;
  return {
    async open() {
      database ??= await createDatabase(prefix);
      open++;
      return database.url;
    },
    async close() {
      if (--open === 0 && database) {
        await dropDatabase(database.name);
        database = undefined;
      }
    },
  };
}

/** Begins an append on its own connection and holds it open until `commit`. */
export const holdOpenAppendOn = (url: string): ContractSubject['holdOpenAppend'] => async (streamId, event) => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  await client.query(appendStatement(streamId, 'no_stream', [event.type], [JSON.stringify(event.data)], [JSON.stringify(event.metadata)]));
  return {
    commit: async () => {
      await client.query('COMMIT');
      await client.end();
    },
  };
};
