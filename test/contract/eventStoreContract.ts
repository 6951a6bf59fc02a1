import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import {
  WrongExpectedVersionError,
  type EventStore,
  type LogEvent,
  type NewEvent,
  type Position,
  type RecordedEvent,
} from '../../src/eventstore/port.js';
import { eventVersions, UnknownEventVersionError } from '../../src/eventstore/versioning/registry.js';
import { versionedEventStore } from '../../src/eventstore/versioning/versionedEventStore.js';
import { until } from '../support/until.js';

export interface ContractSubject {
  store: EventStore;
  /** PostgreSQL only: an append whose transaction stays open until commit() is called. */
  holdOpenAppend?: (streamId: string, event: NewEvent) => Promise<{ commit(): Promise<void> }>;
}

const at = '2026-11-24T10:00:00.000Z';
const event = (type: string, data: Record<string, unknown> = {}): NewEvent => ({
  type,
  data,
  metadata: { at, requestId: 'contract', userId: null },
});

async function expectConflict(p: Promise<unknown>): Promise<WrongExpectedVersionError> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(WrongExpectedVersionError);
    return err as WrongExpectedVersionError;
  }
  expect.fail('expected a WrongExpectedVersionError');
}

/** Subscribes from `from` and collects events of the given streams until `count` arrived. */
async function collect(
  store: EventStore,
  from: Position,
  streams: Set<string>,
  count: number,
  timeoutMs = 10_000,
): Promise<RecordedEvent[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const seen: RecordedEvent[] = [];
  try {
    for await (const batch of store.subscribe({ fromPosition: from, signal: controller.signal })) {
      seen.push(...batch.filter((e) => streams.has(e.streamId)));
      if (seen.length >= count) break;
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return seen;
}

function expectStrictlyIncreasing(positions: Position[]): void {
  for (let i = 1; i < positions.length; i++) expect(positions[i]! > positions[i - 1]!, `position ${i}`).to.equal(true);
}

export function describeEventStoreContract(
  label: string,
  create: () => Promise<ContractSubject>,
  destroy: (subject: ContractSubject) => Promise<void>,
): void {
  describe(`EventStore contract: ${label}`, function () {
    this.timeout(30_000);
    let subject: ContractSubject;
    let store: EventStore;
    const newStream = (category = 'contract') => `${category}-${randomUUID()}`;

    before(async () => {
      subject = await create();
      store = subject.store;
    });
    after(async () => destroy(subject));

    describe('append', () => {
      it('creates a new stream at revision 0 with data and metadata intact', async () => {
        const stream = newStream();
        const result = await store.append(stream, [event('ThingHappened', { n: 1, text: 'Zoë ✓' })], {
          expectedRevision: 'no_stream',
        });
        expect(result.nextExpectedRevision).to.equal(0n);
        const [read] = await store.readStream(stream);
        expect(read).to.include({ type: 'ThingHappened', streamId: stream, revision: 0n, position: result.position });
        expect(read!.data).to.deep.equal({ n: 1, text: 'Zoë ✓' });
        expect(read!.metadata).to.include({ at, requestId: 'contract' });
        expect(read!.createdAt).to.be.instanceOf(Date);
      });

      it('appends several events atomically with consecutive revisions', async () => {
        const stream = newStream();
        const result = await store.append(stream, [event('A'), event('B'), event('C')], { expectedRevision: 'no_stream' });
        expect(result.nextExpectedRevision).to.equal(2n);
        const read = await store.readStream(stream);
        expect(read.map((e) => [e.type, e.revision])).to.deep.equal([['A', 0n], ['B', 1n], ['C', 2n]]);
      });

      it('accepts the exact expected revision, "any" and "stream_exists"', async () => {
        const stream = newStream();
        await store.append(stream, [event('A')], { expectedRevision: 'no_stream' });
        expect((await store.append(stream, [event('B')], { expectedRevision: 0n })).nextExpectedRevision).to.equal(1n);
        expect((await store.append(stream, [event('C')], { expectedRevision: 'any' })).nextExpectedRevision).to.equal(2n);
        expect((await store.append(stream, [event('D')], { expectedRevision: 'stream_exists' })).nextExpectedRevision).to.equal(3n);
        expect((await store.append(newStream(), [event('E')], { expectedRevision: 'any' })).nextExpectedRevision).to.equal(0n);
      });
    });

    describe('conflicts', () => {
      it('rejects a wrong expected revision, reports the actual one and writes nothing', async () => {
        const stream = newStream();
        await store.append(stream, [event('A')], { expectedRevision: 'no_stream' });
        const err = await expectConflict(store.append(stream, [event('B')], { expectedRevision: 5n }));
        expect(err).to.include({ streamId: stream, expected: 5n, actual: 0n });
        const stale = await expectConflict(store.append(stream, [event('B')], { expectedRevision: 'no_stream' }));
        expect(stale.actual).to.equal(0n);
        expect(await store.readStream(stream)).to.have.length(1);
      });

      it('rejects "stream_exists" and a revision on a missing stream', async () => {
        const stream = newStream();
        const err = await expectConflict(store.append(stream, [event('A')], { expectedRevision: 'stream_exists' }));
        expect(err.actual).to.equal('no_stream');
        await expectConflict(store.append(stream, [event('A')], { expectedRevision: 0n }));
        expect(await store.readStream(stream)).to.deep.equal([]);
      });

      it('lets exactly one of 50 concurrent appends at the same expected revision win', async () => {
        const stream = newStream();
        await store.append(stream, [event('Created')], { expectedRevision: 'no_stream' });
        const results = await Promise.allSettled(
          Array.from({ length: 50 }, (_, i) => store.append(stream, [event('Changed', { i })], { expectedRevision: 0n })),
        );
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(won).to.have.length(1);
        expect(lost).to.have.length(49);
        for (const r of lost) expect(r.reason).to.be.instanceOf(WrongExpectedVersionError);
        expect((await store.readStream(stream)).map((e) => e.revision)).to.deep.equal([0n, 1n]);
      });

      it('serialises concurrent "any" appends to one stream without losing any', async () => {
        const stream = newStream();
        await Promise.all(Array.from({ length: 20 }, (_, i) => store.append(stream, [event('Any', { i })], { expectedRevision: 'any' })));
        const read = await store.readStream(stream);
        expect(read.map((e) => e.revision)).to.deep.equal(Array.from({ length: 20 }, (_, i) => BigInt(i)));
        expect(new Set(read.map((e) => (e.data as { i: number }).i)).size).to.equal(20);
      });
    });

    describe('readStream', () => {
      it('returns an empty list for a stream that does not exist', async () => {
        expect(await store.readStream(newStream())).to.deep.equal([]);
      });

      it('reads in revision order, optionally from a revision', async () => {
        const stream = newStream();
        await store.append(stream, [event('A'), event('B')], { expectedRevision: 'no_stream' });
        await store.append(stream, [event('C')], { expectedRevision: 1n });
        expect((await store.readStream(stream)).map((e) => e.type)).to.deep.equal(['A', 'B', 'C']);
        expect((await store.readStream(stream, { fromRevision: 1n })).map((e) => e.type)).to.deep.equal(['B', 'C']);
        expect((await store.readStream(stream, { fromRevision: 1n, maxCount: 1 })).map((e) => e.type)).to.deep.equal(['B']);
      });

      it('reads from a revision the last event, or nothing past it, with the positions a full read gives', async () => {
        // What a command starting from a snapshot relies on (src/commands/handle.ts).
        const stream = newStream();
        await store.append(stream, [event('A'), event('B'), event('C')], { expectedRevision: 'no_stream' });
        const all = await store.readStream(stream);
        const fromLast = await store.readStream(stream, { fromRevision: 2n });
        expect(fromLast.map((e) => [e.type, e.revision, e.position])).to.deep.equal([['C', 2n, all[2]!.position]]);
        expect(await store.readStream(stream, { fromRevision: 3n })).to.deep.equal([]);
        expect(await store.readStream(stream, { fromRevision: 1000n })).to.deep.equal([]);
      });
    });

    describe('readAll', () => {
      it('reads events after a position in global order', async () => {
        const from = await store.headPosition();
        const streams = [newStream(), newStream(), newStream()];
        for (const [i, s] of streams.entries()) await store.append(s, [event('X', { i }), event('Y', { i })], { expectedRevision: 'no_stream' });
        // readAll never passes a transaction still open anywhere in the cluster, so wait until ours are readable.
        let mine: RecordedEvent[] = [];
        for (let tries = 0; mine.length < 6 && tries < 200; tries++) {
          if (tries > 0) await new Promise((r) => setTimeout(r, 25));
          mine = (await store.readAll({ fromPosition: from, limit: 1000 })).filter((e) => streams.includes(e.streamId));
        }
        expect(mine.map((e) => `${e.type}${(e.data as { i: number }).i}`)).to.deep.equal(['X0', 'Y0', 'X1', 'Y1', 'X2', 'Y2']);
        expectStrictlyIncreasing(mine.map((e) => e.position));
        const afterFirst = await store.readAll({ fromPosition: mine[0]!.position, limit: 1 });
        expect(afterFirst[0]!.position).to.equal(mine[1]!.position);
        expect(await store.headPosition()).to.equal(mine[5]!.position);
      });

      it('readLog gives what read models use of the same events (type, data, position, stream), and countAfter counts them', async () => {
        const from = await store.headPosition();
        const stream = newStream();
        await store.append(stream, [event('X', { i: 1 }), event('Y', { i: 2 }), event('Z', { i: 3 })], { expectedRevision: 'no_stream' });
        let full: RecordedEvent[] = [];
        for (let tries = 0; full.length < 3 && tries < 200; tries++) {
          if (tries > 0) await new Promise((r) => setTimeout(r, 25));
          full = (await store.readAll({ fromPosition: from, limit: 1000 })).filter((e) => e.streamId === stream);
        }
        const lean = (await store.readLog({ fromPosition: from, limit: 1000 })).filter((e) => e.streamId === stream);
        expect(lean.map(({ type, data, position, streamId }) => ({ type, data, position, streamId }))).to.deep.equal(
          full.map(({ type, data, position, streamId }) => ({ type, data, position, streamId })),
        );
        expect(await store.readLog({ fromPosition: full[0]!.position, limit: 1 })).to.have.length(1);
        // Other tests may append meanwhile: at least ours, after the first of them exactly ours and what came later.
        expect(await store.countAfter(from)).to.be.at.least(3);
        const afterFirst = await store.countAfter(full[0]!.position);
        expect(afterFirst).to.be.at.least(2);
        expect(await store.countAfter(await store.headPosition())).to.equal(0);
      });
    });

    describe('logId', () => {
      it('names this log the same on every call: concurrent first calls and another connection agree', async () => {
        const ids = await Promise.all([store.logId(), store.logId(), store.logId()]);
        expect(ids[0]).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        expect(new Set(ids)).to.deep.equal(new Set([ids[0]]));
        const other = await create();
        try {
          expect(await other.store.logId()).to.equal(ids[0]);
        } finally {
          await destroy(other);
        }
      });

      it('is no event: the head stays put, and what is read or delivered after it is the application events alone', async () => {
        const head = await store.headPosition();
        const logId = await store.logId();
        expect(await store.headPosition()).to.equal(head);
        const stream = newStream();
        await store.append(stream, [event('AfterLogId')], { expectedRevision: 'no_stream' });
        // Delivered once readable (readAll never passes a transaction still open anywhere in the cluster).
        const delivered = await collect(store, head, new Set([stream]), 1);
        expect(delivered.map((e) => e.type)).to.deep.equal(['AfterLogId']);
        const read = await store.readAll({ fromPosition: head, limit: 1000 });
        expect(read.map((e) => e.type)).to.include('AfterLogId');
        expect(read.map((e) => JSON.stringify(e.data)).join()).not.to.include(logId);
        expect((await store.readLog({ fromPosition: head, limit: 1000 })).map((e) => JSON.stringify(e.data)).join()).not.to.include(logId);
      });
    });

    describe('subscribe', () => {
      it('catches up, then delivers live events, in order', async () => {
        const from = await store.headPosition();
        const stream = newStream();
        await store.append(stream, [event('Old1'), event('Old2')], { expectedRevision: 'no_stream' });
        const live = collect(store, from, new Set([stream]), 4);
        await new Promise((r) => setTimeout(r, 100));
        await store.append(stream, [event('New1')], { expectedRevision: 1n });
        await store.append(stream, [event('New2')], { expectedRevision: 2n });
        expect((await live).map((e) => e.type)).to.deep.equal(['Old1', 'Old2', 'New1', 'New2']);
      });

      it('delivers 200 concurrent appends to different streams exactly once, in global order', async () => {
        const from = await store.headPosition();
        const streams = Array.from({ length: 200 }, () => newStream());
        const subscription = collect(store, from, new Set(streams), 200, 20_000);
        const results = await Promise.all(streams.map((s, i) => store.append(s, [event('Parallel', { i })], { expectedRevision: 'no_stream' })));
        const delivered = await subscription;
        expect(delivered).to.have.length(200);
        expect(new Set(delivered.map((e) => e.streamId)).size).to.equal(200);
        expectStrictlyIncreasing(delivered.map((e) => e.position));
        expect(new Set(delivered.map((e) => e.position))).to.deep.equal(new Set(results.map((r) => r.position)));
        const read = (await store.readAll({ fromPosition: from, limit: 10_000 })).filter((e) => streams.includes(e.streamId));
        expect(read.map((e) => e.position)).to.deep.equal(delivered.map((e) => e.position));
      });

      it('never delivers past a transaction that commits after a higher-numbered one', async function () {
        if (!subject.holdOpenAppend) return this.skip();
        const from = await store.headPosition();
        const a = newStream('ordering');
        const b = newStream('ordering');
        const held = await subject.holdOpenAppend(a, event('A'));
        await store.append(b, [event('B')], { expectedRevision: 'no_stream' });

        const delivered: RecordedEvent[] = [];
        const controller = new AbortController();
        const done = (async () => {
          for await (const batch of store.subscribe({ fromPosition: from, signal: controller.signal })) {
            delivered.push(...batch.filter((e) => e.streamId === a || e.streamId === b));
            if (delivered.length >= 2) break;
          }
        })();
        await new Promise((r) => setTimeout(r, 400));
        expect(delivered, 'B must wait while A is open').to.deep.equal([]);
        expect((await store.readAll({ fromPosition: from, limit: 1000 })).filter((e) => e.streamId === b)).to.deep.equal([]);

        await held.commit();
        const timeout = setTimeout(() => controller.abort(), 5000);
        await done;
        clearTimeout(timeout);
        controller.abort();
        expect(delivered.map((e) => e.streamId)).to.deep.equal([a, b]);
        expect(delivered[0]!.position < delivered[1]!.position).to.equal(true);
      });
    });

    describe('versioned events (the wrapper over this adapter)', () => {
      // Version 1 held `name`; version 2 splits it. The store holds the v1 event as written.
      const v2 = eventVersions({
        PersonNamed: [(data) => {
          const { name, ...rest } = data as { name: string };
          const [first = '', ...last] = name.split(' ');
          return { ...rest, firstName: first, lastName: last.join(' ') };
        }],
      });
      const asV2 = { firstName: 'Ada', lastName: 'King Lovelace', n: 1 };
      let versioned: EventStore;
      before(() => {
        versioned = versionedEventStore(store, v2);
      });

      it('reads data stored at v1 in its v2 shape through readStream, readAll and readLog', async () => {
        const from = await store.headPosition();
        const stream = newStream('person');
        await store.append(stream, [event('PersonNamed', { name: 'Ada King Lovelace', n: 1 }), event('Other', { name: 'kept' })], { expectedRevision: 'no_stream' });
        const [named, other] = await versioned.readStream(stream);
        expect(named!.data).to.deep.equal(asV2);
        expect(named!.metadata).to.include({ schemaVersion: 2, requestId: 'contract' });
        expect(other!.data, 'a type without upcasters is untouched').to.deep.equal({ name: 'kept' });
        let all: RecordedEvent[] = [];
        await until(async () => (all = (await versioned.readAll({ fromPosition: from, limit: 1000 })).filter((e) => e.streamId === stream)).length === 2, 'the appended events to become readable');
        expect(all.map((e) => e.data)).to.deep.equal([asV2, { name: 'kept' }]);
        const log = (await versioned.readLog({ fromPosition: from, limit: 1000 })).filter((e) => e.streamId === stream);
        expect(log.map((e) => e.data)).to.deep.equal([asV2, { name: 'kept' }]);
      });

      it('delivers data stored at v1 in its v2 shape to subscribers', async () => {
        const from = await store.headPosition();
        const stream = newStream('person');
        await store.append(stream, [event('PersonNamed', { name: 'Ada King Lovelace', n: 1 })], { expectedRevision: 'no_stream' });
        const [delivered] = await collect(versioned, from, new Set([stream]), 1);
        expect(delivered!.data).to.deep.equal(asV2);
      });

      it('stamps what it appends with the current version and reads it back unchanged', async () => {
        const from = await store.headPosition();
        const stream = newStream('person');
        await versioned.append(stream, [event('PersonNamed', asV2), event('Other')], { expectedRevision: 'no_stream' });
        const [stored, other] = await store.readStream(stream);
        expect(stored!.metadata.schemaVersion).to.equal(2);
        expect(other!.metadata.schemaVersion).to.equal(1);
        expect((await versioned.readStream(stream))[0]!.data).to.deep.equal(asV2);
        // The log is read up to the readable head, which another open transaction may hold back a while.
        let log: LogEvent[] = [];
        await until(async () => (log = (await versioned.readLog({ fromPosition: from, limit: 1000 })).filter((e) => e.streamId === stream)).length === 2, 'the appended events to become readable');
        expect(log.map((e) => e.data)).to.deep.equal([asV2, {}]);
      });

      it('refuses an event written by a newer version than it knows', async () => {
        const stream = newStream('person');
        await store.append(stream, [{ ...event('PersonNamed', asV2), metadata: { at, schemaVersion: 3 } }], { expectedRevision: 'no_stream' });
        try {
          await versioned.readStream(stream);
          expect.fail('expected an UnknownEventVersionError');
        } catch (err) {
          expect(err).to.be.instanceOf(UnknownEventVersionError);
        }
      });
    });
  });
}
