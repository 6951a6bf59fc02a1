import { createEventStoreDbStore } from '../../src/eventstore/eventStoreDb.js';
import { describeEventStoreContract, type ContractSubject } from './eventStoreContract.js';

// The test variable, not the app's: a child process of another suite must never inherit a store.
const connectionString = process.env.TEST_EVENTSTORE_CONNECTION_STRING;

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
        '      EventStoreDB contract suite SKIPPED: TEST_EVENTSTORE_CONNECTION_STRING is not set ' +
          '(it runs in .github/workflows/ci.yml against the official container)',
      );
      this.skip();
    });
  });
}
