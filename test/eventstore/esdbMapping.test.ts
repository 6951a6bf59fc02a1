import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import {
  ANY,
  AccessDeniedError,
  DeadlineExceededError,
  NO_STREAM,
  STREAM_EXISTS,
  MaxAppendSizeExceededError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
} from '@eventstore/db-client';
import { isTransient, toAppendExpectedRevision, toPortError, type EsdbClient, type EsdbSubscription } from '../../src/eventstore/esdbClient.js';
import {
  comparePositions,
  decodePosition,
  encodePosition,
  isSystemRecord,
  LOG_IDENTITY_STREAM,
  toRecordedEvent,
  type EsdbPosition,
  type EsdbRecord,
} from '../../src/eventstore/esdbMapping.js';
import { createEventStoreDbStoreOn } from '../../src/eventstore/eventStoreDb.js';
import { handleCommand } from '../../src/commands/handle.js';
import type { SnapshotStore, StreamSnapshot } from '../../src/db/streamSnapshots.js';
import type { Decider } from '../../src/domain/decider.js';
import {
  AppendTooLargeError,
  START,
  WrongExpectedVersionError,
  type DomainEvent,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
} from '../../src/eventstore/port.js';

const at = '2026-11-24T10:00:00.000Z';
const event = (type: string): NewEvent => ({ type, data: { type }, metadata: { at } });

describe('EventStoreDB positions', () => {
  it('encodes commit and prepare as two zero-padded 20-digit fields', () => {
    expect(encodePosition({ commit: 123n, prepare: 45n })).to.equal('00000000000000000123:00000000000000000045');
  });

  it('round-trips the largest unsigned 64-bit position', () => {
    const max = { commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n };
    expect(decodePosition(encodePosition(max))).to.deep.equal(max);
  });

  it('decodes START as "from the beginning" and rejects anything else that is not a position', () => {
    expect(decodePosition(START)).to.equal(undefined);
    for (const bad of ['12:34', 'start', '00000000000000000001', `${'1'.repeat(21)}:${'0'.repeat(20)}`]) {
      expect(() => decodePosition(bad), bad).to.throw('Not an EventStoreDB event store position');
    }
    expect(() => encodePosition({ commit: -1n, prepare: -1n })).to.throw(RangeError);
  });

  it('sorts as strings exactly as (commit, prepare) pairs, after START', () => {
    const pairs: EsdbPosition[] = [
      { commit: 10n, prepare: 10n },
      { commit: 9n, prepare: 9n },
      { commit: 10n, prepare: 250n },
      { commit: 10n, prepare: 99n },
      { commit: 1_000_000_000n, prepare: 1_000_000_000n },
      { commit: 0n, prepare: 0n },
    ];
    const byString = pairs.map(encodePosition).sort();
    const byPair = [...pairs].sort(comparePositions).map(encodePosition);
    expect(byString).to.deep.equal(byPair);
    expect(byString.every((p) => START < p)).to.equal(true);
  });
});

describe('EventStoreDB expected revisions', () => {
  it('maps the port expectations onto the client constants, revisions unchanged', () => {
    expect(toAppendExpectedRevision('any')).to.equal(ANY);
    expect(toAppendExpectedRevision('no_stream')).to.equal(NO_STREAM);
    expect(toAppendExpectedRevision('stream_exists')).to.equal(STREAM_EXISTS);
    expect(toAppendExpectedRevision(0n)).to.equal(0n);
    expect(toAppendExpectedRevision(41n)).to.equal(41n);
  });
});

describe('EventStoreDB errors', () => {
  const clientConflict = (current: bigint | 'no_stream') =>
    new ClientWrongExpectedVersionError(undefined, { streamName: 'resume-1', expected: 3n, current });

  it("turns the client's wrong expected version into the port's, with the actual revision", () => {
    const err = toPortError(clientConflict(7n), 'resume-1', 3n);
    expect(err).to.be.instanceOf(WrongExpectedVersionError);
    expect(err).to.include({ streamId: 'resume-1', expected: 3n, actual: 7n, code: 'wrong_expected_version' });
  });

  it('reports a missing stream as actual "no_stream"', () => {
    expect(toPortError(clientConflict('no_stream'), 'resume-1', 'stream_exists')).to.include({ expected: 'stream_exists', actual: 'no_stream' });
  });

  it("turns the server's refusal of an append over its MaxAppendSize into the port's AppendTooLargeError (a 413)", () => {
    const events = [event('Big')];
    const err = toPortError(MaxAppendSizeExceededError.fromMaxAppendSize(1_048_576), 'resume-1', 'any', events);
    expect(err).to.be.instanceOf(AppendTooLargeError);
    expect(err).to.include({ streamId: 'resume-1', maxBytes: 1_048_576, bytes: 'Big'.length + JSON.stringify({ type: 'Big' }).length + JSON.stringify({ at }).length });
  });

  it('passes every other error through untouched', () => {
    const denied = new AccessDeniedError();
    expect(toPortError(denied, 'resume-1', 'any')).to.equal(denied);
  });

  it('retries unavailability and deadlines, but not access errors or our own bugs', () => {
    expect(isTransient(new UnavailableError())).to.equal(true);
    expect(isTransient(new DeadlineExceededError())).to.equal(true);
    expect(isTransient(new AccessDeniedError())).to.equal(false);
    expect(isTransient(new TypeError('bug'))).to.equal(false);
    expect(isTransient('UNAVAILABLE')).to.equal(false);
  });

  it("judges the client's UnknownError by the gRPC status it carries: a refusal is not retried forever", () => {
    const unknown = (code: number) => new UnknownError({ code, details: 'refused', message: 'refused' } as ConstructorParameters<typeof UnknownError>[0]);
    expect(isTransient(unknown(14))).to.equal(true); // UNAVAILABLE
    expect(isTransient(unknown(13))).to.equal(true); // INTERNAL: a reset stream
    expect(isTransient(unknown(3))).to.equal(false); // INVALID_ARGUMENT
    expect(isTransient(unknown(9))).to.equal(false); // FAILED_PRECONDITION
    expect(isTransient(unknown(7))).to.equal(false); // PERMISSION_DENIED
  });
});

describe('EventStoreDB records', () => {
  const record = (overrides: Partial<EsdbRecord> = {}): EsdbRecord => ({
    streamId: 'resume-1',
    type: 'ResumeCreated',
    revision: 0n,
    data: { id: 1 },
    metadata: { at, userId: 1 },
    created: new Date(at),
    position: { commit: 5n, prepare: 5n },
    ...overrides,
  });

  it('becomes a port event with an encoded position', () => {
    expect(toRecordedEvent(record())).to.deep.equal({
      type: 'ResumeCreated',
      data: { id: 1 },
      streamId: 'resume-1',
      revision: 0n,
      position: encodePosition({ commit: 5n, prepare: 5n }),
      metadata: { at, userId: 1 },
      createdAt: new Date(at),
    });
  });

  it('gets `at` from the creation time when another tool wrote it without metadata', () => {
    expect(toRecordedEvent(record({ metadata: undefined })).metadata).to.deep.equal({ at });
  });

  it('refuses a record without a position (servers older than 22.6)', () => {
    expect(() => toRecordedEvent(record({ position: undefined }))).to.throw('22.6');
  });

  it('counts $-typed events and $-prefixed streams as system records', () => {
    expect(isSystemRecord({ streamId: '$stats-127.0.0.1:2113', type: '$statsCollected' })).to.equal(true);
    expect(isSystemRecord({ streamId: '$$resume-1', type: 'Whatever' })).to.equal(true);
    expect(isSystemRecord({ streamId: 'resume-1', type: '$>' })).to.equal(true);
    expect(isSystemRecord({ streamId: 'resume-1', type: 'ResumeCreated' })).to.equal(false);
  });
});

/**
 * An in-memory $all that answers like the server: forward reads include their start
 * position, an append reports the position of its last event, subscriptions are exclusive.
 */
class FakeEsdb implements EsdbClient {
  readonly log: EsdbRecord[] = [];
  readonly subscribedFrom: Array<EsdbPosition | 'start'> = [];
  private readonly live = new Set<PassThrough>();
  private nextTransaction = 1_000n;

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision = 'any') {
    const base = BigInt(this.log.filter((r) => r.streamId === streamId).length);
    if (expected === 'no_stream' && base > 0n) throw new WrongExpectedVersionError(streamId, expected, base - 1n);
    const start = this.nextTransaction;
    const commit = start + 10n * BigInt(events.length - 1);
    this.nextTransaction += 1_000n;
    events.forEach((e, i) => {
      const position = { commit, prepare: start + 10n * BigInt(i) };
      this.add({ streamId, type: e.type, revision: base + BigInt(i), data: e.data, metadata: e.metadata, position });
    });
    return { nextExpectedRevision: base + BigInt(events.length - 1), position: { commit, prepare: commit } };
  }

  addSystemRecords(count: number): void {
    for (let i = 0; i < count; i++) {
      const commit = this.nextTransaction;
      this.nextTransaction += 1_000n;
      const position = { commit, prepare: commit };
      this.add({ streamId: '$stats-node', type: '$statsCollected', revision: BigInt(i), data: {}, metadata: undefined, position });
    }
  }

  async readStream(streamId: string, { fromRevision, maxCount }: { fromRevision: bigint; maxCount?: number }) {
    return this.log.filter((r) => r.streamId === streamId && r.revision >= fromRevision).slice(0, maxCount);
  }

  async readAll({ from, direction, maxCount }: Parameters<EsdbClient['readAll']>[0]) {
    const cmp = (r: EsdbRecord) => (typeof from === 'string' ? 0 : comparePositions(r.position!, from));
    if (direction === 'forwards') return this.log.filter((r) => from === 'start' || cmp(r) >= 0).slice(0, maxCount);
    return this.log.filter((r) => from === 'end' || cmp(r) < 0).reverse().slice(0, maxCount);
  }

  subscribeToAll(from: EsdbPosition | 'start', bufferSize: number): EsdbSubscription {
    this.subscribedFrom.push(from);
    const stream = new PassThrough({ objectMode: true, highWaterMark: bufferSize });
    for (const r of this.log) if (!r.type.startsWith('$') && (from === 'start' || comparePositions(r.position!, from) > 0)) stream.write(r);
    this.live.add(stream);
    return {
      [Symbol.asyncIterator]: () => stream[Symbol.asyncIterator](),
      unsubscribe: async () => {
        this.live.delete(stream);
        stream.destroy();
      },
    };
  }

  dropSubscriptions(error: Error): void {
    for (const stream of this.live) stream.destroy(error);
    this.live.clear();
  }

  isTransient = isTransient;

  async dispose(): Promise<void> {}

  private add(record: Omit<EsdbRecord, 'created'>): void {
    const full = { ...record, created: new Date(at) };
    this.log.push(full);
    if (!full.type.startsWith('$')) for (const stream of this.live) stream.write(full);
  }
}

describe('EventStoreDB adapter over a fake client', () => {
  let fake: FakeEsdb;
  const store = () => createEventStoreDbStoreOn(fake);
  const types = (events: RecordedEvent[]) => events.map((e) => e.type);
  const positionOf = (streamId: string, revision: bigint) => fake.log.find((r) => r.streamId === streamId && r.revision === revision)!.position!;

  beforeEach(() => {
    fake = new FakeEsdb();
  });

  async function nextTypes(batches: AsyncIterator<RecordedEvent[]>): Promise<string[]> {
    const next = await batches.next();
    if (next.done) throw new Error('subscription ended');
    return types(next.value);
  }

  it('lets a command start from a snapshot: read from its revision, its event found at the position it was read at', async () => {
    const snapshots = new Map<string, StreamSnapshot>();
    const snapshotStore: SnapshotStore = { read: async (id) => snapshots.get(id), write: async (id, snapshot) => void snapshots.set(id, snapshot) };
    const counter: Decider<{ type: 'Add' }, { type: 'Added'; data: Record<string, never> }, number> = {
      initialState: () => 0,
      evolve: (n) => n + 1,
      decide: () => [{ type: 'Added', data: {} }],
    };
    const esdb = store();
    let read = 0;
    const readStream = async <E extends DomainEvent>(id: string, options?: { fromRevision?: bigint }) => {
      const events = await esdb.readStream<E>(id, options);
      read += events.length;
      return events;
    };
    const counted: EventStore = { ...esdb, readStream };
    const context = { userId: null, requestId: 'fake', at };
    const add = () => handleCommand(counted, counter, 'counter-1', { type: 'Add' }, context, { snapshots: { store: snapshotStore, policy: { version: 1, every: 5 } } });
    await esdb.append('counter-1', Array.from({ length: 30 }, () => ({ type: 'Added', data: {}, metadata: { at } })), { expectedRevision: 'no_stream' });
    expect((await add()).state).to.equal(31);
    expect(read).to.equal(30);
    for (let n = 32; n <= 45; n++) {
      read = 0;
      expect((await add()).state).to.equal(n);
      expect(read).to.be.at.most(6);
    }
  });

  it('answers an append with the revision and position of its last event', async () => {
    const three = await store().append('b-1', [event('A'), event('B'), event('C')], { expectedRevision: 'no_stream' });
    expect(three).to.deep.equal({ nextExpectedRevision: 2n, position: encodePosition(positionOf('b-1', 2n)) });
  });

  it('refuses an append without events', async () => {
    try {
      await store().append('a-1', [], { expectedRevision: 'any' });
      expect.fail('expected an error');
    } catch (err) {
      expect(String(err)).to.include('at least one event');
    }
  });

  it('reads $all strictly after a position, skipping system events across pages', async () => {
    await fake.append('a-1', [event('A')]);
    fake.addSystemRecords(150);
    await fake.append('a-1', [event('B'), event('C')]);
    const s = store();
    expect(types(await s.readAll({ limit: 10 }))).to.deep.equal(['A', 'B', 'C']);
    expect(types(await s.readAll({ fromPosition: encodePosition(positionOf('a-1', 0n)), limit: 1 }))).to.deep.equal(['B']);
    expect(await s.readAll({ fromPosition: encodePosition(positionOf('a-1', 2n)), limit: 10 })).to.deep.equal([]);
  });

  it('finds the newest application event behind trailing system events, START when there is none', async () => {
    const s = store();
    fake.addSystemRecords(3);
    expect(await s.headPosition()).to.equal(START);
    await fake.append('a-1', [event('A'), event('B')]);
    fake.addSystemRecords(250);
    expect(await s.headPosition()).to.equal(encodePosition(positionOf('a-1', 1n)));
  });

  it('delivers what is buffered as batches of at most maxBatchSize, then goes live', async () => {
    await fake.append('a-1', ['A', 'B', 'C', 'D', 'E'].map(event));
    const controller = new AbortController();
    const batches = store().subscribe({ signal: controller.signal, maxBatchSize: 3 })[Symbol.asyncIterator]();
    expect(await nextTypes(batches)).to.deep.equal(['A', 'B', 'C']);
    expect(await nextTypes(batches)).to.deep.equal(['D', 'E']);
    const live = nextTypes(batches);
    await fake.append('a-1', [event('F')]);
    expect(await live).to.deep.equal(['F']);
    controller.abort();
    expect((await batches.next()).done).to.equal(true);
  });

  it('resubscribes after a connection drops mid-batch, from the last delivered event', async () => {
    const unhandled: unknown[] = [];
    const noteUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', noteUnhandled);
    try {
      await fake.append('a-1', [event('A'), event('B')]);
      const controller = new AbortController();
      const warnings: { obj: object; msg: string }[] = [];
      const logged = createEventStoreDbStoreOn(fake, { warn: (obj, msg) => warnings.push({ obj, msg }) });
      const batches = logged.subscribe({ signal: controller.signal, maxBatchSize: 2 })[Symbol.asyncIterator]();
      expect(await nextTypes(batches)).to.deep.equal(['A', 'B']);
      fake.dropSubscriptions(new UnavailableError());
      await new Promise((resolve) => setTimeout(resolve, 20)); // the consumer is busy with its batch
      await fake.append('a-1', [event('C')]);
      expect(await nextTypes(batches)).to.deep.equal(['C']);
      expect(fake.subscribedFrom).to.deep.equal(['start', positionOf('a-1', 1n)]);
      expect(unhandled, 'a drop while the consumer is busy would crash the process').to.deep.equal([]);
      expect(warnings.map((w) => w.msg)).to.deep.equal(['EventStoreDB subscription failed; resubscribing from the last delivered event']);
      expect(warnings[0]!.obj).to.include({ failures: 1 });
      controller.abort();
    } finally {
      process.off('unhandledRejection', noteUnhandled);
    }
  });

  it('fails the subscription on an error that retrying cannot fix', async () => {
    await fake.append('a-1', [event('A')]);
    const batches = store().subscribe({ signal: new AbortController().signal })[Symbol.asyncIterator]();
    await nextTypes(batches);
    fake.dropSubscriptions(new AccessDeniedError());
    try {
      await batches.next();
      expect.fail('expected the error');
    } catch (err) {
      expect(err).to.be.instanceOf(AccessDeniedError);
    }
  });

  it('keeps the log id in a stream of its own: written once, agreed on by concurrent first callers, new on a wiped server', async () => {
    const ids = await Promise.all([store().logId(), store().logId(), store().logId()]);
    expect(ids[0]).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(new Set(ids)).to.deep.equal(new Set([ids[0]]));
    expect(await store().logId()).to.equal(ids[0]);
    expect(fake.log.filter((r) => r.streamId === LOG_IDENTITY_STREAM)).to.have.length(1);
    fake = new FakeEsdb();
    expect(await store().logId()).not.to.equal(ids[0]);
  });

  it('never hands the log id record to readers, counts, the head or subscribers', async () => {
    await fake.append('a-1', [event('A')]);
    const s = store();
    await s.logId();
    expect(await s.headPosition()).to.equal(encodePosition(positionOf('a-1', 0n)));
    await fake.append('a-1', [event('B')]);
    expect(types(await s.readAll({ limit: 10 }))).to.deep.equal(['A', 'B']);
    expect((await s.readLog({ limit: 10 })).map((e) => e.type)).to.deep.equal(['A', 'B']);
    expect(await s.countAfter(START)).to.equal(2);
    const controller = new AbortController();
    const batches = s.subscribe({ signal: controller.signal })[Symbol.asyncIterator]();
    expect(await nextTypes(batches)).to.deep.equal(['A', 'B']);
    controller.abort();
  });

  it('ends a subscription waiting for live events when its signal aborts, or the store closes', async () => {
    const controller = new AbortController();
    const s = store();
    const waiting = s.subscribe({ signal: controller.signal })[Symbol.asyncIterator]().next();
    const other = s.subscribe({ signal: new AbortController().signal })[Symbol.asyncIterator]().next();
    controller.abort();
    expect((await waiting).done).to.equal(true);
    await s.close();
    expect((await other).done).to.equal(true);
  });
});
