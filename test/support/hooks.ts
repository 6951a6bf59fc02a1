import { createDatabase, dropDatabase, setRunDatabaseUrl, stopEmbeddedServer } from './db.js';
import { TEST_DATA_KEY_ENCRYPTION_KEY } from './dataKeys.js';

// Every process a test starts with this process's environment (CLI, API, projector) shares the
// run's database, so it must unwrap the same data keys: one key-encryption key for the run.
process.env.DATA_KEY_ENCRYPTION_KEY = TEST_DATA_KEY_ENCRYPTION_KEY;

let created: { url: string; name: string } | undefined;

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(120_000);
    created = await createDatabase();
    setRunDatabaseUrl(created.url);
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    if (created) await dropDatabase(created.name);
    setRunDatabaseUrl(undefined);
    await stopEmbeddedServer();
  },
};
