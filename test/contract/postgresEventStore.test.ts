import pg from 'pg';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgresEventStore.js';
import { testDatabaseUrl } from '../support/db.js';
import { describeEventStoreContract, type ContractSubject } from './eventStoreContract.js';

describeEventStoreContract(
  'PostgreSQL',
  async (): Promise<ContractSubject> => {
    const url = testDatabaseUrl();
    const store = await PostgresEventStore.connect({ connectionString: url, poolSize: 20 });
    return {
      store,
      holdOpenAppend: async (streamId, event) => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query('BEGIN');
        await client.query('SELECT * FROM append_events($1, $2, $3::text[], $4::jsonb[], $5::jsonb[])', [
          streamId,
          'no_stream',
          [event.type],
          [JSON.stringify(event.data)],
          [JSON.stringify(event.metadata)],
        ]);
        return {
          commit: async () => {
            await client.query('COMMIT');
            await client.end();
          },
        };
      },
    };
  },
  async ({ store }) => store.close(),
);
