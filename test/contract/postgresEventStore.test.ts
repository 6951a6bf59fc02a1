import pg from 'pg';
import { appendStatement } from '../../src/eventstore/postgres/appendStatements.js';
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
  async ({ store }) => store.close(),
);
