import { expect } from 'chai';
import { runResumate } from '../support/command.js';
import { testDatabaseUrl } from '../support/db.js';
import { eventStoreEnv } from '../support/eventStore.js';
import { redisUrl } from '../support/redis.js';

/**
 * One store per test run: a child is told its store by the harness, and what the runner's own
 * environment says never reaches it (the workflow once set EVENTSTORE_CONNECTION_STRING for a
 * whole job, and CLI runs wrote to EventStoreDB while their test read PostgreSQL).
 */
describe("the test run's event store", function () {
  this.timeout(120_000);
  const LEAKED = 'esdb://leaked.invalid:2113?tls=false';
  let inherited: string | undefined;

  before(() => {
    inherited = process.env.EVENTSTORE_CONNECTION_STRING;
    process.env.EVENTSTORE_CONNECTION_STRING = LEAKED;
  });
  after(() => {
    if (inherited === undefined) delete process.env.EVENTSTORE_CONNECTION_STRING;
    else process.env.EVENTSTORE_CONNECTION_STRING = inherited;
  });

  it('reaches a CLI run as the harness names it, whatever the runner has set', async () => {
    const env = { DATABASE_URL: testDatabaseUrl(), REDIS_URL: redisUrl, LOG_LEVEL: 'silent' };
    const [named, bare] = await Promise.all([
      runResumate(['admin', 'history', 'export', '--format', 'ndjson'], { ...env, ...eventStoreEnv(testDatabaseUrl()) }),
      // Not even a child that names no store inherits one: it keeps its log in PostgreSQL.
      runResumate(['admin', 'projections', 'status', '--json'], env),
    ]);
    for (const run of [named, bare]) {
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stderr).not.to.include('leaked.invalid');
    }
  });
});
