import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import pino from 'pino';
import { createKnex } from '../../src/db/knex.js';
import type { EventStore, NewEvent } from '../../src/eventstore/port.js';
import type { Projection } from '../../src/projections/projection.js';
import { ProjectionTimeout } from '../../src/projections/progress.js';
import { ProjectionRuntime } from '../../src/projections/runtime.js';
import { testDatabaseUrl } from '../support/db.js';
import { openTestEventStore } from '../support/eventStore.js';
import { until } from '../support/until.js';

const logger = pino({ level: process.env.TEST_LOG ?? 'silent' });
/** How long a wait for the projector may take before the test fails instead of hanging: a safety limit, not what is tested. */
const CATCH_UP_LIMIT_MS = 30_000;
const counted = (i: number): NewEvent => ({ type: 'Counted', data: { i }, metadata: { at: '2026-11-24T00:00:00Z' } });

/**
 * Deliberately not idempotent (counters added to), so applying any event twice shows up as a
 * difference from a model built in one go. `failOnce` makes that event's batch fail inside
 * PostgreSQL (NULL into a NOT NULL column) after the batch's earlier statements ran.
 */
function counterProjection(
  name: string,
  category: string,
  options: { failOnce?: number; onChanges?: (eventsSoFar: number) => void } = {},
): Projection & { failed: () => boolean } {
  let failAt = options.failOnce;
  let eventsSoFar = 0;
  return {
    failed: () => options.failOnce !== undefined && failAt === undefined,
    name,
    tables: [name],
    handles: ['Counted'],
    changesOf(event) {
      if (!event.streamId.startsWith(`${category}-`)) return [];
      options.onChanges?.(++eventsSoFar);
      const i = (event.data as { i: number }).i;
      const key = { stream_id: event.streamId };
      if (failAt !== undefined && i === failAt) {
        failAt = undefined;
        return [{ kind: 'set', table: name, key, set: { n: null } }];
      }
      return [{ kind: 'add', table: name, key, add: { n: 1, total: i } }];
    },
  };
}

describe('projection runtime', function () {
  this.timeout(90_000);
  let db: Knex;
  let store: EventStore;
  const runtimes: ProjectionRuntime[] = [];

  const runtime = (projections: Projection[], options: { runProjectors?: boolean; maxBatchSize?: number } = {}) => {
    const r = new ProjectionRuntime({
      db,
      store,
      connectionString: testDatabaseUrl(),
      projections,
      logger,
      runProjectors: options.runProjectors ?? true,
      maxBatchSize: options.maxBatchSize,
      standbyRetryMs: 100,
    });
    runtimes.push(r);
    return r;
  };
  const table = async (name: string) => {
    await db.schema.createTable(name, (t) => {
      t.text('stream_id').primary();
      t.integer('n').notNullable().defaultTo(0);
      t.bigInteger('total').notNullable().defaultTo(0);
    });
    return name;
  };
  const rows = (name: string) => db(name).select('stream_id', 'n', 'total').orderBy('stream_id');
  const uid = () => randomUUID().replaceAll('-', '').slice(0, 12);

  before(async () => {
    db = createKnex(testDatabaseUrl());
    store = await openTestEventStore(testDatabaseUrl());
  });
  afterEach(async () => {
    await Promise.all(runtimes.splice(0).map((r) => r.stop()));
  });
  after(async () => {
    await store.close();
    await db.destroy();
  });

  async function appendMany(category: string, streams: number, perStream: number): Promise<string> {
    let last = '';
    for (let s = 0; s < streams; s++) {
      for (let e = 0; e < perStream; e++) {
        const result = await store.append(`${category}-${s}`, [counted(s * 1000 + e)], { expectedRevision: e === 0 ? 'no_stream' : BigInt(e - 1) });
        last = result.position;
      }
    }
    return last;
  }

  it('applies appended events and resolves waitFor once they are visible', async () => {
    const category = `c${uid()}`;
    const name = await table(`t_${uid()}`);
    const r = runtime([counterProjection(name, category)]);
    await r.start();
    const { position } = await store.append(`${category}-1`, [counted(1), counted(2)], { expectedRevision: 'no_stream' });
    await r.waitFor([name], position, CATCH_UP_LIMIT_MS);
    expect(await rows(name)).to.deep.equal([{ stream_id: `${category}-1`, n: 2, total: 3 }]);
  });

  it('resumes after a stop mid-stream without applying anything twice', async () => {
    const category = `c${uid()}`;
    const interrupted = await table(`t_${uid()}`);
    const oneGo = await table(`t_${uid()}`);
    await appendMany(category, 10, 30);

    // Stopped from inside its 60th event's batch: mid-stream however fast or slow the machine is.
    let stopped: Promise<void> | undefined;
    const stopAt60 = (eventsSoFar: number) => {
      if (eventsSoFar === 60) stopped = first.stop();
    };
    const first = runtime([counterProjection(interrupted, category, { onChanges: stopAt60 })], { maxBatchSize: 7 });
    await first.start();
    await until(() => stopped !== undefined, 'the first runtime to reach its 60th event', CATCH_UP_LIMIT_MS);
    await stopped;
    const applied = async () => Number((await db(interrupted).sum<{ total: string | null }[]>('n as total'))[0]?.total ?? 0);
    expect(await applied()).to.be.within(1, 299);

    const head = await store.headPosition();
    const second = runtime([counterProjection(interrupted, category), counterProjection(oneGo, category)]);
    await second.start();
    await second.waitFor([interrupted, oneGo], head, CATCH_UP_LIMIT_MS);
    const expected = await rows(oneGo);
    expect(expected.reduce((sum, r) => sum + (r as { n: number }).n, 0)).to.equal(300);
    expect(await rows(interrupted)).to.deep.equal(expected);
  });

  it('rolls back a failed batch with its checkpoint and applies it again', async () => {
    const category = `c${uid()}`;
    const flaky = await table(`t_${uid()}`);
    const clean = await table(`t_${uid()}`);
    const head = await appendMany(category, 3, 10);
    const failing = counterProjection(flaky, category, { failOnce: 1005 });
    const r = runtime([failing, counterProjection(clean, category)], { maxBatchSize: 4 });
    await r.start();
    await r.waitFor([flaky, clean], head, CATCH_UP_LIMIT_MS);
    expect(failing.failed(), 'the batch of event 1005 failed').to.equal(true);
    expect(await rows(flaky)).to.deep.equal(await rows(clean));
  });

  it('answers waitFor with a 503-style timeout when no projector is running', async () => {
    const name = await table(`t_${uid()}`);
    const r = runtime([counterProjection(name, `c${uid()}`)], { runProjectors: false });
    await r.start();
    const { position } = await store.append(`x${uid()}-1`, [counted(1)], { expectedRevision: 'no_stream' });
    const error = await r.waitFor([name], position, 300).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(ProjectionTimeout);
    expect((error as ProjectionTimeout).code).to.equal('service_unavailable');
  });

  it('runs one projector per read model across processes, tells the others, and fails over', async () => {
    const category = `c${uid()}`;
    const name = await table(`t_${uid()}`);
    const a = runtime([counterProjection(name, category)]);
    const b = runtime([counterProjection(name, category)]);
    const apiOnly = runtime([counterProjection(name, category)], { runProjectors: false });
    await Promise.all([a.start(), b.start(), apiOnly.start()]);
    await until(() => a.leaderOf(name) || b.leaderOf(name), 'a leader', CATCH_UP_LIMIT_MS);
    expect([a.leaderOf(name), b.leaderOf(name)].filter(Boolean)).to.have.length(1);

    const first = await store.append(`${category}-1`, [counted(1)], { expectedRevision: 'no_stream' });
    await apiOnly.waitFor([name], first.position, CATCH_UP_LIMIT_MS);

    const [leader, standby] = a.leaderOf(name) ? [a, b] : [b, a];
    await leader.stop();
    const second = await store.append(`${category}-1`, [counted(2)], { expectedRevision: 0n });
    await apiOnly.waitFor([name], second.position, CATCH_UP_LIMIT_MS);
    expect(standby.leaderOf(name)).to.equal(true);
    expect(leader.leaderOf(name)).to.equal(false);
    expect(await rows(name)).to.deep.equal([{ stream_id: `${category}-1`, n: 2, total: 3 }]);
  });
});
