import pg from 'pg';
import { appendStatement } from '../../src/eventstore/postgres/appendStatements.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgresEventStore.js';
import { createDatabase, dropDatabase } from '../support/db.js';
import { describeEventStoreContract, type ContractSubject } from './eventStoreContract.js';

// Its own database: the suite writes events from newer schema versions, which every reader of
// the run's shared log (the projectors of other test files) would rightly refuse.
// Subjects made while one is open (the "another connection" cases) share that database.
let database: { url: string; name: string } | undefined;
let open = 0;

describeEventStoreContract(
  'PostgreSQL',
  async (): Promise<ContractSubject> => {
    database ??= await createDatabase('resumate_contract');
    open++;
    const url = database.url;
    const store = await PostgresEventStore.connect({ connectionString: url, poolSize: 20 });
    return {
      store,
      holdOpenAppend: async (streamId, event) => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query('BEGIN');
        await client.query(
          appendStatement(streamId, 'no_stream', [event.type], [JSON.stringify(event.data)], [JSON.stringify(event.metadata)]),
        );
        return {
          commit: async () => {
            await client.query('COMMIT');
            await client.end();
          },
        };
      },
    };
  },
  async ({ store }) => {
    await store.close();
    if (--open === 0 && database) {
      await dropDatabase(database.name);
      database = undefined;
    }
  },
);
