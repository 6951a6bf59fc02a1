import pg from 'pg';
import { appendStatement } from '../../src/eventstore/postgres/appendStatements.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgresEventStore.js';
import { createDatabase, dropDatabase } from '../support/db.js';
import { describeEventStoreContract, type ContractSubject } from './eventStoreContract.js';

// Its own database: the suite writes events from newer schema versions, which every reader of
// the run's shared log (the projectors of other test files) would rightly refuse.
let database: { url: string; name: string } | undefined;

describeEventStoreContract(
  'PostgreSQL',
  async (): Promise<ContractSubject> => {
    database = await createDatabase('resumate_contract');
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
    if (database) await dropDatabase(database.name);
  },
);
