import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import pino from 'pino';
import { createKnex } from '../../src/db/knex.js';
import type { EventStore, RecordedEvent, SubscribeOptions } from '../../src/eventstore/port.js';
import { ensureCheckpoints } from '../../src/projections/checkpoints.js';
import type { Projection } from '../../src/projections/projection.js';
import { ProjectionProgress } from '../../src/projections/progress.js';
import { ProjectionRunner } from '../../src/projections/runner.js';
import { testDatabaseUrl } from '../support/db.js';
import { until } from '../support/until.js';

/**
 * An endless log, served by subscriptions that count how many are open. Like a gRPC stream,
 * a subscription parked at a batch nobody asked for yet notices no abort: only return() ends it.
 */
function countingStore() {
  const counts = { opened: 0, closed: 0 };
  const eventAt = (n: number) =>
    ({ type: 'Counted', data: { i: n }, streamId: 's-1', revision: BigInt(n), position: `p${String(n).padStart(8, '0')}`, metadata: { at: '2026-01-01T00:00:00Z' }, createdAt: new Date(0) }) as RecordedEvent;
  const store = {
    name: 'postgres',
    logId: async () => 'counting-log',
    headPosition: async () => 'p99999999',
    async *subscribe({ signal }: SubscribeOptions): AsyncGenerator<RecordedEvent[]> {
      counts.opened++;
      try {
        for (let n = 1; !signal.aborted; n++) yield [eventAt(n)];
      } finally {
        counts.closed++;
      }
    },
  } as unknown as EventStore;
  return { store, counts };
}

/**
 * Issue 9, problem 7: after a failed batch the runner left its read-ahead subscription open
 * (one gRPC subscription leaked per failure with EventStoreDB). Every subscription a runner
 * opens is closed, however its batches end.
 */
describe('projection runner subscriptions', function () {
  this.timeout(30_000);
  let db: Knex;
  before(() => {
    db = createKnex(testDatabaseUrl(), { max: 2 });
  });
  after(() => db.destroy());

  it('closes the subscription of every failed batch', async () => {
    const name = `failing_${randomUUID().slice(0, 8)}`;
    // The table does not exist: every batch fails inside PostgreSQL.
    const projection: Projection = { name, tables: [name], handles: ['Counted'], changesOf: () => [{ kind: 'insert', table: name, row: { id: 1 }, conflict: ['id'] }] };
    const { store, counts } = countingStore();
    const logger = pino({ level: 'silent' });
    await ensureCheckpoints(db, [name]);
    const progress = new ProjectionProgress(db, testDatabaseUrl(), logger);
    const runner = new ProjectionRunner(projection, { db, store, connectionString: testDatabaseUrl(), progress, logger });
    runner.start();
    await until(() => counts.opened >= 2, 'the runner to fail a batch and retry');
    await runner.stop();
    await until(() => counts.closed === counts.opened, `all ${counts.opened} subscriptions to close (${counts.closed} closed)`);
    await db('projection_checkpoints').where({ name }).delete();
  });
});
