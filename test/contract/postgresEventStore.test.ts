import { PostgresEventStore } from '../../src/eventstore/postgres/postgresEventStore.js';
import { describeEventStoreContract, type ContractSubject } from './eventStoreContract.js';
import { holdOpenAppendOn, suiteDatabase } from './postgresSubject.js';

const database = suiteDatabase('resumate_contract');

describeEventStoreContract(
  'PostgreSQL',
  async (): Promise<ContractSubject> => {
    const url = await database.open();
    const store = await PostgresEventStore.connect({ connectionString: url, poolSize: 20 });
    return { store, holdOpenAppend: holdOpenAppendOn(url) };
  },
  async ({ store }) => {
    await store.close();
    await database.close();
  },
);
