import { createDatabase, dropDatabase, setRunDatabaseUrl, stopEmbeddedServer } from './db.js';

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
