import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { aggregate, type AggregateConfig } from '../../src/commands/aggregate.js';
import { systemClock, type CommandDeps } from '../../src/commands/deps.js';
import { createJobApplication } from '../../src/commands/jobApplications.js';
import { createResume, deleteResume } from '../../src/commands/resumes.js';
import { backoffDelayMs, RETRY, type Backoff, type RetryPolicy } from '../../src/commands/retry.js';
import { sequenceIds } from '../../src/db/ids.js';
import { createKnex } from '../../src/db/knex.js';
import { postgresSnapshots, type SnapshotStore } from '../../src/db/streamSnapshots.js';
import type { CommandContext, Decider } from '../../src/domain/decider.js';
import { Conflict } from '../../src/domain/errors.js';
import { newJobApplicationFields } from '../../src/domain/jobApplication/index.js';
import type { EventStore, Position } from '../../src/eventstore/port.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgresEventStore.js';
import { allProjections } from '../../src/projections/index.js';
import { readModelsHandling } from '../../src/projections/readModelsHandling.js';
import { commandDeps } from '../../src/server.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { testDatabaseUrl } from '../support/db.js';
import { requireRedis } from '../support/redis.js';

type TallyCommand = { type: 'Open'; data: { tally: string } } | { type: 'Add'; data: { tally: string; by: number } };
type TallyEvent = { type: 'Opened'; data: { tally: string } } | { type: 'Added'; data: { tally: string; by: number } };
interface Tally {
  open: boolean;
  total: number;
}

const tallies: Decider<TallyCommand, TallyEvent, Tally> = {
  initialState: () => ({ open: false, total: 0 }),
  evolve: (state, event) => (event.type === 'Opened' ? { ...state, open: true } : { ...state, total: state.total + event.data.by }),
  decide: (command, state) => {
    if (command.type === 'Open') {
      if (state.open) throw new Conflict('already open');
      return [{ type: 'Opened', data: command.data }];
    }
    return command.data.by === 0 ? [] : [{ type: 'Added', data: command.data }];
  },
};

const tallyStream = (tally: string) => `tally-${tally}`;
const context: CommandContext = { userId: null, requestId: 'aggregate-test', at: '2026-12-03T10:00:00.000Z' };
const add = (tally: string, by = 1): TallyCommand => ({ type: 'Add', data: { tally, by } });

/** Pauses that only record how long they would have been: no wall clock in these tests. */
function recordedBackoff(random = 0.5): Backoff & { pauses: number[] } {
  const pauses: number[] = [];
  return { pauses, random: () => random, sleep: async (ms) => void pauses.push(ms) };
}

/**
 * The store with another writer that gets in first: before each of the next `times` appends
 * it appends an `Added` of its own to the same stream, so the real PostgreSQL store refuses
 * the command's append with WrongExpectedVersion.
 */
function racedBy(store: EventStore, times: number): EventStore {
  let left = times;
  return new Proxy(store, {
    get(target, property) {
      if (property === 'append') {
        return async (...[stream, events, options]: Parameters<EventStore['append']>) => {
          if (left > 0) {
            left--;
            await target.append(stream, [{ type: 'Added', data: { by: 100 }, metadata: { at: context.at } }], { expectedRevision: 'any' });
          }
          return target.append(stream, events, options);
        };
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Counts readStream calls and the revision each one started from. */
function watchingReads(store: EventStore): { store: EventStore; from: (bigint | undefined)[] } {
  const from: (bigint | undefined)[] = [];
  const watched = new Proxy(store, {
    get(target, property) {
      if (property === 'readStream') {
        return (...[stream, options]: Parameters<EventStore['readStream']>) => {
          from.push(options?.fromRevision);
          return target.readStream(stream, options);
        };
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: watched, from };
}

describe('aggregate: a command handler configured once', function () {
  this.timeout(30_000);
  let db: Knex;
  let store: PostgresEventStore;
  let snapshots: SnapshotStore;
  let waits: { readModels: readonly string[]; position: Position }[];

  const readModelsFor = readModelsHandling([
    { name: 'tallies', handles: ['Opened', 'Added'] },
    { name: 'tally_totals', handles: ['Added'] },
  ]);
  const deps = (over: Partial<CommandDeps> = {}): CommandDeps => ({
    store,
    ids: sequenceIds(db),
    clock: systemClock,
    readModelsFor,
    waitFor: async (readModels, position) => void waits.push({ readModels, position }),
    ...over,
  });
  const tallyAggregate = (config: Partial<AggregateConfig<TallyCommand, TallyEvent, Tally>> = {}) =>
    aggregate({ decider: tallies, streamOf: (c) => tallyStream(c.data.tally), retry: RETRY.none, ...config });
  const eventsOf = async (tally: string) => (await store.readStream<TallyEvent>(tallyStream(tally))).map((e) => e.type);

  before(async () => {
    db = createKnex(testDatabaseUrl());
    store = await PostgresEventStore.connect({ connectionString: testDatabaseUrl() });
    snapshots = postgresSnapshots(db);
  });
  beforeEach(() => {
    waits = [];
  });
  after(async () => {
    await store.close();
    await db.destroy();
  });

  describe('retry policy', () => {
    const policy: RetryPolicy = { retries: 3, baseDelayMs: 10, maxDelayMs: 25 };

    it('pauses a jittered, doubling and capped time before each retry', () => {
      expect([0, 1, 2, 3].map((retry) => backoffDelayMs(policy, retry, () => 0.5))).to.deep.equal([5, 10, 12, 12]);
      expect([0, 1, 2, 3].map((retry) => backoffDelayMs(policy, retry, () => 0.999))).to.deep.equal([9, 19, 24, 24]);
      expect(backoffDelayMs(policy, 3, () => 0), 'full jitter reaches down to no pause').to.equal(0);
    });

    it('re-reads and decides again after a concurrent write, pausing before each retry', async () => {
      const tally = randomUUID();
      const backoff = recordedBackoff();
      const handled = await tallyAggregate({ retry: policy, backoff }).run(deps({ store: racedBy(store, 2) }), add(tally), context);

      expect(backoff.pauses).to.deep.equal([5, 10]);
      expect(handled.state.total, 'decided on the stream with both writes it lost to').to.equal(201);
      expect(await eventsOf(tally)).to.deep.equal(['Added', 'Added', 'Added']);
    });

    it('answers Conflict once the last attempt lost too, having appended nothing', async () => {
      const tally = randomUUID();
      const backoff = recordedBackoff();
      const error = await tallyAggregate({ retry: policy, backoff })
        .run(deps({ store: racedBy(store, Infinity) }), add(tally), context)
        .then(() => undefined, (e: unknown) => e);

      expect(error).to.be.instanceOf(Conflict);
      expect(backoff.pauses, 'one pause per retry, none after the last attempt').to.deep.equal([5, 10, 12]);
      expect(await eventsOf(tally), 'only the other writer’s four events').to.have.length(4);
      expect(waits).to.deep.equal([]);
    });

    it('with RETRY.none answers Conflict at once, without pausing', async () => {
      const backoff = recordedBackoff();
      const error = await tallyAggregate({ backoff })
        .run(deps({ store: racedBy(store, 1) }), add(randomUUID()), context)
        .then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(Conflict);
      expect(backoff.pauses).to.deep.equal([]);
    });
  });

  describe('read models to wait for', () => {
    it('are the ones whose projections handle the appended event types', async () => {
      const tally = randomUUID();
      const aggregate = tallyAggregate({ createdBy: ['Open'] });
      const opened = await aggregate.run(deps(), { type: 'Open', data: { tally } }, context);
      const added = await aggregate.run(deps(), add(tally), context);
      expect(waits).to.deep.equal([
        { readModels: ['tallies'], position: opened.position },
        { readModels: ['tallies', 'tally_totals'], position: added.position },
      ]);
    });

    it('are none when the command changed nothing, or no projection handles its events', async () => {
      const tally = randomUUID();
      await tallyAggregate().run(deps(), add(tally, 0), context);
      await tallyAggregate().run(deps({ readModelsFor: readModelsHandling([{ name: 'other', handles: ['Elsewhere'] }]) }), add(tally), context);
      expect(await eventsOf(tally)).to.deep.equal(['Added']);
      expect(waits).to.deep.equal([]);
    });

    it('include another aggregate’s read model that handles the event: a deleted resume clears job applications’ resume_used', () => {
      const readModelsFor = readModelsHandling(allProjections);
      expect([...readModelsFor(['ResumeDeleted'])].sort()).to.deep.equal(['job_applications', 'resumes']);
      expect([...readModelsFor(['JobApplicationCreated'])].sort()).to.deep.equal(['job_application_events', 'job_applications']);
      expect(readModelsFor(['UsernameReserved'])).to.deep.equal([]);
    });

    it('are not waited for by `handle`', async () => {
      const handled = await tallyAggregate().handle(deps(), add(randomUUID()), context);
      expect(handled.position).to.be.a('string');
      expect(waits).to.deep.equal([]);
    });
  });

  describe('creation', () => {
    it('skips the read for a command that starts a stream, and refuses an existing one after re-reading it', async () => {
      const tally = randomUUID();
      const reads = watchingReads(store);
      const aggregate = tallyAggregate({ createdBy: ['Open'], retry: RETRY.few, backoff: recordedBackoff() });
      await aggregate.run(deps({ store: reads.store }), { type: 'Open', data: { tally } }, context);
      expect(reads.from).to.deep.equal([]);

      const again = await aggregate.run(deps({ store: reads.store }), { type: 'Open', data: { tally } }, context).then(() => undefined, (e: unknown) => e);
      expect(again).to.be.instanceOf(Conflict).with.property('message', 'already open');
      expect(reads.from, 'read once, after the append found the stream').to.have.length(1);
    });
  });

  describe('snapshots', () => {
    const every = 3;
    const snapshotted = () => tallyAggregate({ snapshots: { version: 1, every } });

    it('starts from the stream’s snapshot once one is kept, and decides the same', async () => {
      const tally = randomUUID();
      for (let i = 0; i < every + 1; i++) await snapshotted().run(deps({ snapshots }), add(tally), context);
      const kept = await snapshots.read(tallyStream(tally));
      expect(kept?.revision, 'taken when a command had folded `every` events').to.equal(BigInt(every - 1));
      expect(kept?.state).to.deep.equal({ open: false, total: every });

      const reads = watchingReads(store);
      const handled = await snapshotted().run(deps({ store: reads.store, snapshots }), add(tally), context);
      expect(reads.from).to.deep.equal([kept?.revision]);
      expect(handled.state.total).to.equal(every + 2);
    });

    it('folds the whole stream when the deps offer no snapshot store', async () => {
      const tally = randomUUID();
      for (let i = 0; i < every + 1; i++) await snapshotted().run(deps(), add(tally), context);
      expect(await snapshots.read(tallyStream(tally))).to.equal(undefined);
    });
  });
});

describe('aggregate: the server’s command deps', function () {
  this.timeout(30_000);
  let api: TestApi;
  before(async function () {
    await requireRedis(this);
    api = await startTestApi();
  });
  after(() => api?.stop());

  it('wait for every read model an event changes: after deleteResume, no application still names the resume', async () => {
    const infra = api.server.infrastructure;
    const waited: string[][] = [];
    const real = commandDeps(infra);
    const deps: CommandDeps = { ...real, waitFor: (readModels, position) => (waited.push([...readModels].sort()), real.waitFor(readModels, position)) };
    const user = await api.newUser();
    const resumeId = await createResume(deps, { userId: user.id, username: user.username, title: 'CV', content: 'text' }, context);
    const applicationId = await createJobApplication(deps, { userId: user.id, fields: newJobApplicationFields({ job_title: 'Dev', company_name: 'ACME', resume_used: resumeId }) }, context);
    waited.length = 0;

    await deleteResume(deps, { id: resumeId, userId: user.id }, context);

    expect(waited).to.deep.equal([['job_applications', 'resumes']]);
    const row = await infra.db('job_applications').where({ id: applicationId }).first<{ resume_used: number | null }>('resume_used');
    expect(row?.resume_used).to.equal(null);
  });
});
