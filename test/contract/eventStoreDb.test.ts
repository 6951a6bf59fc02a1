import { createEventStoreDbStore } from '../../src/eventstore/eventStoreDb.js';
import { describeEventStoreContract, type ContractSubject } from './eventStoreContract.js';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

if (connectionString) {
  describeEventStoreContract(
    'EventStoreDB',
    async (): Promise<ContractSubject> => ({ store: createEventStoreDbStore(connectionString) }),
    async ({ store }) => store.close(),
  );
} else {
  describe('EventStore contract: EventStoreDB', () => {
    it('runs against a real EventStoreDB', function () {
      console.log(
        '      EventStoreDB contract suite SKIPPED: EVENTSTORE_CONNECTION_STRING is not set ' +
          '(it runs in .github/workflows/ci.yml against the official container)',
      );
      this.skip();
    });
  });
}
