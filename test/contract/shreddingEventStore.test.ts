import { createKnex } from '../../src/db/knex.js';
import { overriding } from '../../src/eventstore/overriding.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgresEventStore.js';
import { Keyring } from '../../src/eventstore/shredding/keyring.js';
import { withShredding } from '../../src/eventstore/shredding/index.js';
import { TEST_DATA_KEY_ENCRYPTION_KEY } from '../support/dataKeys.js';
import { describeEventStoreContract, type ContractSubject } from './eventStoreContract.js';
import { holdOpenAppendOn, suiteDatabase } from './postgresSubject.js';

const database = suiteDatabase('resumate_contract_shredding');

/** The crypto-shredding wrapper keeps every promise of the port it wraps. */
describeEventStoreContract(
  'crypto-shredding over PostgreSQL',
  async (): Promise<ContractSubject> => {
    const url = await database.open();
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
      holdOpenAppend: holdOpenAppendOn(url),
    };
  },
  async ({ store }) => {
    await store.close();
    await database.close();
  },
);
