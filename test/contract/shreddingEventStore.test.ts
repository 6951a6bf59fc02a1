import pg from 'pg';
import { createKnex } from '../../src/db/knex.js';
import { appendStatement } from '../../src/eventstore/postgres/appendStatements.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgresEventStore.js';
import { Keyring } from '../../src/eventstore/shredding/keyring.js';
import { withShredding } from '../../src/eventstore/shredding/index.js';
import { TEST_DATA_KEY_ENCRYPTION_KEY } from '../support/dataKeys.js';
import { testDatabaseUrl } from '../support/db.js';
import { describeEventStoreContract, type ContractSubject } from './eventStoreContract.js';

/** The crypto-shredding wrapper keeps every promise of the port it wraps. */
describeEventStoreContract(
  'crypto-shredding over PostgreSQL',
  async (): Promise<ContractSubject> => {
    const url = testDatabaseUrl();
    const db = createKnex(url, { max: 2 });
    const keyring = await new Keyring(db, Buffer.from(TEST_DATA_KEY_ENCRYPTION_KEY, 'base64'), { connectionString: url }).start();
    const inner = await PostgresEventStore.connect({ connectionString: url, poolSize: 20 });
    const store = withShredding(inner, keyring);
    return {
      store: {
        ...store,
        close: async () => {
          await store.close();
          await keyring.close();
          await db.destroy();
        },
      },
      holdOpenAppend: async (streamId, event) => {
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
      },
    };
  },
  async ({ store }) => store.close(),
);
