import { expect } from 'chai';
import type { Knex } from 'knex';
import { createKnex } from '../../src/db/knex.js';
import type { EventStore, NewEvent } from '../../src/eventstore/port.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgresEventStore.js';
import { Keyring, KeyUnwrapFailed, SubjectErased } from '../../src/eventstore/shredding/keyring.js';
import { ERASED, withShredding } from '../../src/eventstore/shredding/index.js';
import { TEST_DATA_KEY_ENCRYPTION_KEY } from '../support/dataKeys.js';
import { testDatabaseUrl } from '../support/db.js';
import { until } from '../support/until.js';

const KEK = Buffer.from(TEST_DATA_KEY_ENCRYPTION_KEY, 'base64');
const at = '2026-12-03T10:00:00.000Z';
let nextId = 900_000_000 + Math.floor(Math.random() * 1_000_000);

const resumeCreated = (userId: number, id = nextId++): NewEvent => ({
  type: 'ResumeCreated',
  data: { id, userId, username: `name-${userId}`, title: `Title of ${userId}`, content: `Secret content of ${userId}`, source: 'manual', at },
  metadata: { userId, at },
});
const applicationUpdated = (userId: number, id = nextId++): NewEvent => ({
  type: 'JobApplicationUpdated',
  data: { id, userId, at, changes: { status: 'Interviewing', notes: `private notes ${userId}` } },
  metadata: { userId, at },
});

describe('crypto-shredding event store', function () {
  this.timeout(30_000);
  let db: Knex;
  let inner: PostgresEventStore;
  let keyring: Keyring;
  let store: EventStore;

  before(async () => {
    db = createKnex(testDatabaseUrl(), { max: 4 });
    inner = await PostgresEventStore.connect({ connectionString: testDatabaseUrl(), poolSize: 4 });
    keyring = await new Keyring(db, KEK, { connectionString: testDatabaseUrl() }).start();
    store = withShredding(inner, keyring);
  });
  after(async () => {
    await store?.close();
    await keyring?.close();
    await db?.destroy();
  });

  const rawData = async (streamId: string): Promise<Record<string, unknown>[]> =>
    (await db('events').where({ stream_id: streamId }).orderBy('stream_revision').select('data')).map((r: { data: Record<string, unknown> }) => r.data);

  it('seals personal fields at append (none in clear in the log) and every read opens them; the caller’s event is left alone', async () => {
    const userId = nextId++;
    const event = resumeCreated(userId);
    const original = structuredClone(event);
    const stream = `resume-${nextId++}`;
    const before = await store.headPosition();
    await store.append(stream, [event], { expectedRevision: 'no_stream' });
    expect(event).to.deep.equal(original);

    const [raw] = await rawData(stream);
    expect(JSON.stringify(raw)).to.not.include('Secret content').and.not.include('Title of').and.not.include('name-');
    expect(raw).to.include({ id: (event.data as { id: number }).id, userId, source: 'manual', at });
    expect(raw!.$personal).to.deep.include({ subject: `user:${userId}`, fields: ['username', 'title', 'content'] });

    const [read] = await store.readStream(stream);
    expect(read!.data).to.deep.equal(event.data);
    const all = await store.readAll({ fromPosition: before, limit: 100 });
    expect(all.find((e) => e.streamId === stream)!.data).to.deep.equal(event.data);
    const log = await store.readLog({ fromPosition: before, limit: 100 });
    expect(log.find((e) => e.streamId === stream)!.data).to.deep.equal(event.data);
  });

  it('a subscriber gets every event, and only those of the types it reads opened (the rest as stored)', async () => {
    const userId = nextId++;
    const before = await store.headPosition();
    const resume = resumeCreated(userId);
    const update = applicationUpdated(userId);
    await store.append(`resume-${nextId++}`, [resume], { expectedRevision: 'no_stream' });
    await store.append(`jobApplication-${nextId++}`, [update], { expectedRevision: 'no_stream' });
    const controller = new AbortController();
    const seen: { type: string; data: Record<string, unknown> }[] = [];
    for await (const batch of store.subscribe({ fromPosition: before, signal: controller.signal, readsDataOf: ['JobApplicationUpdated'] })) {
      seen.push(...batch.filter((e) => (e.data as { userId?: number }).userId === userId).map((e) => ({ type: e.type, data: e.data as Record<string, unknown> })));
      if (seen.length >= 2) break;
    }
    controller.abort();
    expect(seen.map((e) => e.type)).to.deep.equal(['ResumeCreated', 'JobApplicationUpdated']);
    expect(seen[1]!.data).to.deep.equal(update.data);
    expect(seen[0]!.data).to.have.property('$personal');
    expect(JSON.stringify(seen[0]!.data)).to.not.include('Secret content');
  });

  it('after the key is destroyed: personal fields read as [erased], facts as written, and new writes for the subject are refused', async () => {
    const userId = nextId++;
    const resumes = `resume-${nextId++}`;
    const applications = `jobApplication-${nextId++}`;
    await store.append(resumes, [resumeCreated(userId)], { expectedRevision: 'no_stream' });
    const updated = applicationUpdated(userId);
    await store.append(applications, [updated], { expectedRevision: 'no_stream' });
    await keyring.destroy(`user:${userId}`);

    const [resume] = await store.readStream(resumes);
    expect(resume!.data).to.deep.include({ userId, source: 'manual', at, username: ERASED, title: ERASED, content: ERASED });
    const [application] = await store.readStream(applications);
    // Only the fields the event held are shown erased: an update of notes and status stays that.
    expect(application!.data).to.deep.equal({ ...(updated.data as object), changes: { status: 'Interviewing', notes: ERASED } });

    let refused: unknown;
    await store.append(resumes, [resumeCreated(userId)], { expectedRevision: 0n }).catch((err: unknown) => (refused = err));
    expect(refused).to.be.instanceOf(SubjectErased);
    expect(await store.readStream(resumes)).to.have.length(1);
  });

  it('another process that cached the key forgets it when the key is destroyed', async () => {
    const userId = nextId++;
    const stream = `resume-${nextId++}`;
    const other = await new Keyring(db, KEK, { connectionString: testDatabaseUrl() }).start();
    try {
      const otherStore = withShredding(inner, other);
      await otherStore.append(stream, [resumeCreated(userId)], { expectedRevision: 'no_stream' });
      expect((await otherStore.readStream(stream))[0]!.data).to.include({ title: `Title of ${userId}` });
      await keyring.destroy(`user:${userId}`);
      await until(async () => ((await otherStore.readStream(stream))[0]!.data as { title: string }).title === ERASED, 'the other keyring to hear of the destruction');
    } finally {
      await other.close();
    }
  });

  it('an event written in clear before sealing reads as written, and as [erased] once its subject is erased', async () => {
    const userId = nextId++;
    const stream = `resume-${nextId++}`;
    const legacy = resumeCreated(userId);
    await inner.append(stream, [legacy], { expectedRevision: 'no_stream' });
    expect((await store.readStream(stream))[0]!.data).to.deep.equal(legacy.data);
    await keyring.destroy(`user:${userId}`);
    expect((await store.readStream(stream))[0]!.data).to.include({ title: ERASED, content: ERASED, username: ERASED, userId });
  });

  it('events without personal fields pass through untouched', async () => {
    const stream = `aiQuota-user-1-${nextId++}`;
    const event: NewEvent = { type: 'AiQuotaReserved', data: { slot: 's', model: 'm', day: '2026-12-03', at }, metadata: { at } };
    await store.append(stream, [event], { expectedRevision: 'no_stream' });
    expect(await rawData(stream)).to.deep.equal([event.data]);
  });

  it('a key-encryption key that is not the one the keys were wrapped with is a clear error, not garbage', async () => {
    const userId = nextId++;
    const stream = `resume-${nextId++}`;
    await store.append(stream, [resumeCreated(userId)], { expectedRevision: 'no_stream' });
    const wrong = new Keyring(db, Buffer.alloc(32, 1));
    let failed: unknown;
    await withShredding(inner, wrong).readStream(stream).catch((err: unknown) => (failed = err));
    expect(failed).to.be.instanceOf(KeyUnwrapFailed);
    expect((failed as Error).message).to.include('DATA_KEY_ENCRYPTION_KEY');
  });
});
