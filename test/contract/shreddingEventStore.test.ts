import pg from 'pg';
import { createKnex } from '../../src/db/knex.js';
import { appendStatement } from '../../src/eventstore/postgres/appendStatements.js';
import { overriding } from '../../src/eventstore/overriding.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgresEventStore.js';
import { Keyring } from '../../src/eventstore/shredding/keyring.js';
import { withShredding } from '../../src/eventstore/shredding/index.js';
import { TEST_DATA_KEY_ENCRYPTION_KEY } from '../support/dataKeys.js';
import { createDatabase, dropDatabase } from '../support/db.js';
import { describeEventStoreContract, type ContractSubject } from './eventStoreContract.js';

// Its own database, as the plain PostgreSQL suite's: the suite writes events of newer schema
// versions, which the projectors of the run's shared log would rightly refuse. Subjects made
// while one is open (the "another connection" cases) share it.
let database: { url: string; name: string } | undefined;
let open = 0;

/** The crypto-shredding wrapper keeps every promise of the port it wraps. */
describeEventStoreContract(
  'crypto-shredding over PostgreSQL',
  async (): Promise<ContractSubject> => {
    database ??= await createDatabase('resumate_contract_shredding');
    open++;
    const url = database.url;
    const db = createKnex(url, { max: 2 });
    const keyring = await new Keyring(db, Buffer.from(TEST_DATA_KEY_ENCRYPTION_KEY, 'base64'), { connectionString: url }).start();
    const inner = await PostgresEventStore.connect({ connectionString: url, poolSize: 20 });
    const store = withShredding(inner, keyring);
    return {
      store: overriding(store, {
        close: async () => {
          await store.close();
          await keyring.close();
          await db.destroy();
        },
      }),
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
  async ({ store }) => {
    await store.close();
    if (--open === 0 && database) {
      await dropDatabase(database.name);
      database = undefined;
    }
  },
);
