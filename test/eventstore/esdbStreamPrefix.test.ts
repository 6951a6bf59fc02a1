import { expect } from 'chai';
import { isTransient, type EsdbClient } from '../../src/eventstore/esdbClient.js';
import { comparePositions, encodePosition, type EsdbRecord } from '../../src/eventstore/esdbMapping.js';
import { splitStreamPrefix, withStreamPrefix } from '../../src/eventstore/esdbStreamPrefix.js';
import { createEventStoreDbStoreOn } from '../../src/eventstore/eventStoreDb.js';
import { START, type RecordedEvent } from '../../src/eventstore/port.js';

const at = '2026-11-24T10:00:00.000Z';

/** One shared $all: what two test databases on one EventStoreDB server write to. */
function sharedServer() {
  const log: EsdbRecord[] = [];
  const appended: string[] = [];
  const add = (streamId: string, type: string) => {
    const commit = BigInt(log.length + 1) * 100n;
    const revision = BigInt(log.filter((r) => r.streamId === streamId).length);
    const record = { streamId, type, revision, data: {}, metadata: { at }, created: new Date(at), position: { commit, prepare: commit } };
    log.push(record);
    return record;
  };
  const client: EsdbClient = {
    async append(streamId, events) {
      appended.push(streamId);
      const last = events.map((e) => add(streamId, e.type)).at(-1)!;
      return { nextExpectedRevision: last.revision, position: last.position };
    },
    readStream: async (streamId, { fromRevision }) => log.filter((r) => r.streamId === streamId && r.revision >= fromRevision),
    async readAll({ from, direction, maxCount }) {
      const after = (r: EsdbRecord) => typeof from === 'string' || comparePositions(r.position!, from) >= 0;
      const page = direction === 'forwards' ? log.filter(after) : log.filter((r) => !after(r) || from === 'end').reverse();
      return page.slice(0, maxCount);
    },
    subscribeToAll(from) {
      const records = log.filter((r) => from === 'start' || comparePositions(r.position!, from) > 0);
      return { [Symbol.asyncIterator]: async function* () { yield* records; }, unsubscribe: async () => undefined };
    },
    isTransient,
    dispose: async () => undefined,
  };
  return { log, appended, add, client };
}

describe('EventStoreDB stream prefix', () => {
  it('is taken out of the connection string wherever it stands, the client options kept', () => {
    expect(splitStreamPrefix('esdb://h:2113?tls=false')).to.deep.equal({ connectionString: 'esdb://h:2113?tls=false', streamPrefix: '' });
    expect(splitStreamPrefix('esdb://h:2113?streamPrefix=run%3A1%3A')).to.deep.equal({ connectionString: 'esdb://h:2113', streamPrefix: 'run:1:' });
    expect(splitStreamPrefix('esdb://h:2113?streamPrefix=a&tls=false')).to.deep.equal({ connectionString: 'esdb://h:2113?tls=false', streamPrefix: 'a' });
    expect(splitStreamPrefix('esdb://h:2113?tls=false&streamPrefix=a')).to.deep.equal({ connectionString: 'esdb://h:2113?tls=false', streamPrefix: 'a' });
    expect(splitStreamPrefix('esdb://a:1,b:2?tls=false&streamPrefix=a&keepAliveInterval=10')).to.deep.equal({
      connectionString: 'esdb://a:1,b:2?tls=false&keepAliveInterval=10',
      streamPrefix: 'a',
    });
  });

  it("gives each store its own streams on one server: it never reads, counts or is handed another prefix's events", async () => {
    const server = sharedServer();
    const one = createEventStoreDbStoreOn(withStreamPrefix(server.client, 'one:'));
    const two = createEventStoreDbStoreOn(withStreamPrefix(server.client, 'two:'));
    await one.append('resume-1', [{ type: 'ResumeCreated', data: {}, metadata: { at } }], { expectedRevision: 'no_stream' });
    for (let i = 0; i < 70; i++) await two.append('resume-1', [{ type: 'ResumeEdited', data: {}, metadata: { at } }], { expectedRevision: 'any' });
    const last = await one.append('resume-1', [{ type: 'ResumeDeleted', data: {}, metadata: { at } }], { expectedRevision: 0n });
    server.add('$stats-node', '$statsCollected');
    server.add('three:resume-1', 'ResumeCreated');

    expect(server.appended.slice(0, 2)).to.deep.equal(['one:resume-1', 'two:resume-1']);
    const mine = await one.readAll({ limit: 10 });
    expect(mine.map((e) => [e.streamId, e.type])).to.deep.equal([['resume-1', 'ResumeCreated'], ['resume-1', 'ResumeDeleted']]);
    expect((await one.readStream('resume-1')).map((e) => e.type)).to.deep.equal(['ResumeCreated', 'ResumeDeleted']);
    expect(await one.headPosition()).to.equal(last.position);
    expect(await one.countAfter(START)).to.equal(2);
    expect(await two.countAfter(START)).to.equal(70);
    expect(last.position).to.equal(encodePosition(server.log.find((r) => r.type === 'ResumeDeleted')!.position!));

    const subscription = one.subscribe({ signal: new AbortController().signal })[Symbol.asyncIterator]();
    const batch = await subscription.next();
    await subscription.return?.();
    expect(batch.done).to.equal(false);
    expect((batch.value as RecordedEvent[]).map((e) => `${e.streamId} ${e.type}`)).to.deep.equal(['resume-1 ResumeCreated', 'resume-1 ResumeDeleted']);
  });
});
