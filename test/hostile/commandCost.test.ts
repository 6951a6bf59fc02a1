import { expect } from 'chai';
import type { Knex } from 'knex';
import { systemClock, type CommandDeps } from '../../src/commands/deps.js';
import { handleCommand, snapshotting } from '../../src/commands/handle.js';
import { JOB_APPLICATION_SNAPSHOTS, updateJobApplication } from '../../src/commands/jobApplications.js';
import { RESUME_SNAPSHOTS, updateResume } from '../../src/commands/resumes.js';
import { limitAppendSize } from '../../src/eventstore/appendSizeLimit.js';
import { sequenceIds } from '../../src/db/ids.js';
import { createKnex } from '../../src/db/knex.js';
import { postgresSnapshots, type SnapshotStore } from '../../src/db/streamSnapshots.js';
import type { CommandContext } from '../../src/domain/decider.js';
import { jobApplicationDecider, jobApplicationStream, newJobApplicationFields, type JobApplicationCommand } from '../../src/domain/jobApplication/index.js';
import { resumeDecider, resumeStream, type ResumeCommand, type ResumeEvent } from '../../src/domain/resume/index.js';
import type { EventStore, NewEvent } from '../../src/eventstore/port.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgresEventStore.js';
import { appendNewStream } from '../../src/importer/django/newStreams.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { testDatabaseUrl } from '../support/db.js';
import { requireRedis } from '../support/redis.js';

/** Counts the events each readStream hands back: what a command's cost grows with. */
function countingReads(store: EventStore): { store: EventStore; read: () => number; reset: () => void } {
  let read = 0;
  const counted = new Proxy(store, {
    get(target, property) {
      if (property === 'readStream') {
        return async (...args: Parameters<EventStore['readStream']>) => {
          const events = await target.readStream(...args);
          read += events.length;
          return events;
        };
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: counted, read: () => read, reset: () => (read = 0) };
}

/** Records what a command would append, and appends nothing. */
class Captured extends Error {
  constructor(readonly events: readonly NewEvent[]) {
    super('captured');
  }
}
const capturing = (store: EventStore): EventStore =>
  new Proxy(store, {
    get(target, property) {
      if (property === 'append') return async (_stream: string, events: readonly NewEvent[]) => Promise.reject(new Captured(events));
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });

const context: CommandContext = { userId: 1, requestId: 'command-cost', at: '2026-12-03T10:00:00.000Z' };
const large = (i: number) => `${'résumé '.repeat(20_000)}#${i}`; // ~160 KB each

describe('hostile: the cost of a command does not grow with its stream', function () {
  this.timeout(120_000);
  let db: Knex;
  let pgStore: PostgresEventStore;
  let snapshots: SnapshotStore;
  const deps = (store: EventStore, withSnapshots = true): CommandDeps => ({
    store,
    ids: sequenceIds(db),
    clock: systemClock,
    readModelsFor: () => [],
    waitFor: async () => {},
    ...(withSnapshots ? { snapshots } : {}),
  });

  before(async () => {
    db = createKnex(testDatabaseUrl());
    pgStore = await PostgresEventStore.connect({ connectionString: testDatabaseUrl(), poolSize: 4 });
    snapshots = postgresSnapshots(db);
  });
  after(async () => {
    await pgStore.close();
    await db.destroy();
  });

  const userId = 1;
  /** A stream from before snapshots existed, written straight to the store (a command per edit would be quadratic). */
  async function resumeEditedTimes(times: number): Promise<number> {
    const id = await sequenceIds(db).next('resume');
    const metadata = { ...context };
    const data = { id, userId, username: 'alice', title: 'Engineer', content: large(0), source: 'manual', at: context.at };
    await pgStore.append(resumeStream(id), [{ type: 'ResumeCreated', data, metadata }], { expectedRevision: 'no_stream' });
    for (let i = 1; i <= times; i++) {
      const changes = { content: large(i), title: `Engineer ${i % 3}` };
      await pgStore.append(resumeStream(id), [{ type: 'ResumeUpdated', data: { id, userId, changes, at: context.at }, metadata }], { expectedRevision: BigInt(i - 1) });
    }
    return id;
  }

  describe('a resume edited 100 times with large content', () => {
    let id: number;
    before(async () => {
      id = await resumeEditedTimes(100);
    });

    it('costs the first command the whole stream, and every later one only the events after the snapshot', async () => {
      const counting = countingReads(pgStore);
      await updateResume(deps(counting.store), { id, userId, changes: { title: 'First' } }, context);
      expect(counting.read(), 'the first command folds the whole stream').to.equal(101);
      const snapshot = await snapshots.read(resumeStream(id));
      expect(snapshot?.revision).to.equal(100n);

      for (let i = 0; i < 30; i++) {
        counting.reset();
        await updateResume(deps(counting.store), { id, userId, changes: { title: `Later ${i}` } }, context);
        // The snapshot's own event (checked still in the log) plus at most `every` after it.
        expect(counting.read(), `command ${i}`).to.be.at.most(RESUME_SNAPSHOTS.every + 1);
      }
      expect(Number((await snapshots.read(resumeStream(id)))?.revision)).to.be.greaterThan(100);
    });

    it('keeps a small snapshot: the deciding state holds a digest of the content, not the content', async () => {
      const snapshot = await snapshots.read(resumeStream(id));
      expect(JSON.stringify(snapshot?.state).length).to.be.below(500);
      expect(snapshot?.state).to.not.have.property('content');
    });

    it('decides the same events with and without the snapshot', async () => {
      const stream = resumeStream(id);
      expect(await snapshots.read(stream)).to.not.equal(undefined);
      const latest = (await pgStore.readStream<ResumeEvent>(stream)).reduce(resumeDecider.evolve, resumeDecider.initialState());
      if (latest.status !== 'active') expect.fail('resume should be active');
      const commands: ResumeCommand[] = [
        { type: 'UpdateResume', data: { id, userId, changes: { content: large(100) }, at: context.at } }, // the current content: nothing
        { type: 'UpdateResume', data: { id, userId, changes: { content: large(7), title: latest.title }, at: context.at } }, // an old content: a change
        { type: 'UpdateResume', data: { id, userId, changes: { title: 'Engineer 1' }, at: context.at } },
        { type: 'UpdateResume', data: { id, userId: 999, changes: { title: 'not yours' }, at: context.at } },
        { type: 'DeleteResume', data: { id, userId, at: context.at } },
      ];
      for (const command of commands) {
        const decided = await Promise.all(
          [true, false].map((withSnapshot) =>
            decideWithoutAppending(() =>
              handleCommand(capturing(pgStore), resumeDecider, stream, command, context, {
                snapshots: withSnapshot ? snapshotting(snapshots, RESUME_SNAPSHOTS) : undefined,
              }),
            ),
          ),
        );
        expect(decided[0], JSON.stringify(command.data).slice(0, 80)).to.deep.equal(decided[1]);
      }
    });

    it('ignores a snapshot of another version, and one whose event is not where it was seen', async () => {
      const stream = resumeStream(id);
      const head = (await pgStore.readStream(stream)).at(-1)!;
      const forged = { status: 'active', id, ownerId: 999, title: 'forged', contentDigest: 'forged' };
      const counting = countingReads(pgStore);
      const events = (await pgStore.readStream(stream)).length;

      await snapshots.write(stream, { revision: head.revision + 1n, position: head.position, version: RESUME_SNAPSHOTS.version + 1, state: forged });
      counting.reset();
      // The forged owner would make this a 404: the owner's update succeeds, from the whole stream.
      await updateResume(deps(counting.store), { id, userId, changes: { title: 'Owner after a stale snapshot' } }, context);
      expect(counting.read()).to.equal(events);
      expect((await snapshots.read(stream))?.version, 'replaced by a current one').to.equal(RESUME_SNAPSHOTS.version);

      const now = (await pgStore.readStream(stream)).at(-1)!;
      await db('stream_snapshots').where({ stream_id: stream }).update({ position: `${now.position}-another-log`, revision: String(now.revision), state: JSON.stringify(forged) });
      counting.reset();
      await updateResume(deps(counting.store), { id, userId, changes: { title: 'Owner after a foreign snapshot' } }, context);
      expect(counting.read(), 'the snapshot event, then the whole stream').to.equal(1 + events + 1);
    });
  });

  it('a job application with 40 large notes decides from its snapshot the same as from its stream', async () => {
    const id = await sequenceIds(db).next('jobApplication');
    const stream = jobApplicationStream(id);
    const fields = newJobApplicationFields({ job_title: 'Engineer', company_name: 'ACME', notes: large(0) });
    await handleCommand(pgStore, jobApplicationDecider, stream, { type: 'CreateJobApplication', data: { id, userId, fields, isExample: false, at: context.at } }, context);
    for (let i = 1; i <= 40; i++) {
      await updateJobApplication(deps(pgStore), { id, userId, changes: { notes: large(i), status: i % 2 ? 'Interviewing' : 'Applied' } }, context);
    }
    const counting = countingReads(pgStore);
    await updateJobApplication(deps(counting.store), { id, userId, changes: { company_name: 'ACME Inc.' } }, context);
    counting.reset();
    await updateJobApplication(deps(counting.store), { id, userId, changes: { company_name: 'ACME Ltd' } }, context);
    expect(counting.read()).to.be.at.most(JOB_APPLICATION_SNAPSHOTS.every + 1);

    const commands: JobApplicationCommand[] = [
      { type: 'UpdateJobApplication', data: { id, userId, changes: { notes: large(40) }, at: context.at } },
      { type: 'UpdateJobApplication', data: { id, userId, changes: { notes: large(3), status: 'Offer' }, at: context.at } },
      { type: 'SoftDeleteJobApplication', data: { id, userId, at: context.at } },
    ];
    for (const command of commands) {
      const decided = await Promise.all(
        [JOB_APPLICATION_SNAPSHOTS, undefined].map((policy) =>
          decideWithoutAppending(() =>
            handleCommand(capturing(pgStore), jobApplicationDecider, stream, command, context, { snapshots: policy && snapshotting(snapshots, policy) }),
          ),
        ),
      );
      expect(decided[0]).to.deep.equal(decided[1]);
    }
  });

  it('a Django row whose events are over the limit is skipped with a reason, and nothing is appended', async () => {
    const writer = { store: limitAppendSize(pgStore, 20_000), dryRun: false, importedAt: context.at, lastPositionOf: new Map() };
    const stream = resumeStream(await sequenceIds(db).next('resume'));
    const data = { id: 1, userId, username: 'alice', title: 't', content: 'x'.repeat(25_000), source: 'manual', at: context.at };
    const outcome = await appendNewStream(writer, stream, [{ type: 'ResumeCreated', data }], 'taken', () => false);
    expect(outcome).to.have.property('skipped').that.matches(/^its events are too large to record: \d+ bytes, over the limit of 20000$/);
    expect(await pgStore.readStream(stream)).to.deep.equal([]);
  });

  describe('an append over MAX_APPEND_BYTES', () => {
    let api: TestApi;
    before(async function () {
      await requireRedis(this);
      api = await startTestApi({ MAX_APPEND_BYTES: '10000' });
    });
    after(() => api?.stop());

    it('is refused with 413 in the error shape, and nothing is appended', async () => {
      const user = await api.newUser();
      const before = await eventCount(db);
      // Under the content's maximum length (20,000 characters), over this server's append limit.
      const created = await user.post('/api/resumes/', { title: 'Too long', content: 'x'.repeat(15_000) });
      expect(created.status).to.equal(413);
      expect(created.body).to.deep.include({ code: 'payload_too_large' });
      expect((created.body as { detail: string }).detail).to.match(/^This change is too large to record: \d+ bytes, over the limit of 10000\.$/);
      expect(await eventCount(db)).to.equal(before);

      const small = await user.post<{ id: number }>('/api/resumes/', { title: 'Small', content: 'fits' });
      expect(small.status).to.equal(201);
      const afterCreate = await eventCount(db);
      const patched = await user.patch(`/api/resumes/${small.body.id}/`, { content: 'y'.repeat(15_000) });
      expect(patched.status).to.equal(413);
      expect(await eventCount(db)).to.equal(afterCreate);
      expect((await user.get<{ content: string }>(`/api/resumes/${small.body.id}/`)).body.content).to.equal('fits');
    });
  });
});

/** What a command decided: the events it would append, or its error, or "nothing". */
async function decideWithoutAppending(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
    return 'nothing to append';
  } catch (err) {
    if (err instanceof Captured) return err.events.map((e) => ({ type: e.type, data: e.data }));
    return { error: err instanceof Error ? err.constructor.name : String(err) };
  }
}

async function eventCount(db: Knex): Promise<number> {
  const [row] = await db('events').count<{ count: string }[]>('* as count');
  return Number(row!.count);
}
