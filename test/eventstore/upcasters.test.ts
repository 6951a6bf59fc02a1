import { expect } from 'chai';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import pino from 'pino';
import { createKnex } from '../../src/db/knex.js';
import type { Decider } from '../../src/domain/decider.js';
import { aiModelDecider, type AiModelEvent } from '../../src/domain/aiModel/index.js';
import { aiQuotaDecider, type AiQuotaEvent } from '../../src/domain/aiQuota/index.js';
import { jobApplicationDecider, type JobApplicationEvent } from '../../src/domain/jobApplication/index.js';
import { resumeDecider, type ResumeEvent } from '../../src/domain/resume/index.js';
import { userDecider, type UserEvent } from '../../src/domain/user/index.js';
import { usernameDecider, type UsernameEvent } from '../../src/domain/username/index.js';
import type { EventMetadata, EventStore } from '../../src/eventstore/port.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgresEventStore.js';
import { eventVersions, UnknownEventVersionError } from '../../src/eventstore/versioning/registry.js';
import { versionedEventStore } from '../../src/eventstore/versioning/versionedEventStore.js';
import { applicationTimeline } from '../../src/history/applicationTimeline.js';
import { allProjections } from '../../src/projections/index.js';
import { findJobApplication } from '../../src/projections/jobApplications.js';
import { getResume, countResumes } from '../../src/projections/resumes.js';
import { findUserById } from '../../src/projections/users.js';
import { listAllModels } from '../../src/projections/aiModels.js';
import { dailyUsage } from '../../src/projections/aiUsageDaily.js';
import { ProjectionRuntime } from '../../src/projections/runtime.js';
import { createDatabase, dropDatabase } from '../support/db.js';
import { lastLogPosition } from '../support/readModels.js';

type AnyDomainEvent = UserEvent | UsernameEvent | ResumeEvent | JobApplicationEvent | AiModelEvent | AiQuotaEvent;

/** Every event type the domain writes: a new one fails to compile here until it has a fixture. */
const EVERY_EVENT_TYPE: Record<AnyDomainEvent['type'], true> = {
  UserRegistered: true,
  UserPasswordChanged: true,
  UserDeactivated: true,
  UsernameReserved: true,
  UsernameReleased: true,
  UserErased: true,
  ResumeCreated: true,
  ResumeUpdated: true,
  ResumeDeleted: true,
  JobApplicationCreated: true,
  JobApplicationUpdated: true,
  JobApplicationStatusChanged: true,
  JobApplicationSoftDeleted: true,
  JobApplicationRestored: true,
  AiModelConfigured: true,
  AiModelUpdated: true,
  AiModelDeactivated: true,
  AiQuotaReserved: true,
  AiQuotaReleased: true,
};

interface FixtureEvent {
  position: number;
  streamId: string;
  revision: number;
  type: string;
  data: unknown;
  metadata: EventMetadata;
}

const FIXTURES_V1 = path.join(import.meta.dirname, '..', 'fixtures', 'events', 'v1');

async function loadFixtures(): Promise<FixtureEvent[]> {
  const files = (await readdir(FIXTURES_V1)).filter((f) => f.endsWith('.json'));
  const events = (await Promise.all(files.map(async (f) => JSON.parse(await readFile(path.join(FIXTURES_V1, f), 'utf8')) as FixtureEvent[]))).flat();
  return events.sort((a, b) => a.position - b.position);
}

/**
 * The v1 fixtures (test/fixtures/events/v1, captured from the real commands before any event
 * changed shape), stored exactly as they were written, must read as what today's commands
 * meant, through every reader, for as long as the log keeps them. When an event changes shape,
 * these expectations stay: its upcaster is what keeps them true.
 */
describe('Versioned events: the v1 fixtures read through today\'s readers', function () {
  this.timeout(60_000);
  let database: { url: string; name: string };
  let raw: PostgresEventStore;
  let store: EventStore;
  let db: Knex;
  let fixtures: FixtureEvent[];

  before(async () => {
    // Its own database: the fixtures' stream names (user-1, resume-1…) are real ones.
    database = await createDatabase('resumate_fixtures');
    raw = await PostgresEventStore.connect({ connectionString: database.url, poolSize: 2 });
    store = versionedEventStore(raw);
    db = createKnex(database.url, { max: 2 });
    fixtures = await loadFixtures();
    for (const e of fixtures) {
      await raw.append(e.streamId, [{ type: e.type, data: e.data, metadata: e.metadata }], { expectedRevision: e.revision === 0 ? 'no_stream' : BigInt(e.revision - 1) });
    }
  });
  after(async () => {
    await raw?.close();
    await db?.destroy();
    if (database) await dropDatabase(database.name);
  });

  it('has a fixture of every event type, stored without a schema version (version 1)', () => {
    expect([...new Set(fixtures.map((e) => e.type))].sort()).to.deep.equal(Object.keys(EVERY_EVENT_TYPE).sort());
    expect(fixtures.every((e) => e.metadata.schemaVersion === undefined)).to.equal(true);
  });

  const fold = async <C, E extends { type: string; data: unknown }, S>(decider: Decider<C, E, S>, streamId: string): Promise<S> =>
    (await store.readStream<E>(streamId)).reduce(decider.evolve, decider.initialState());

  it('folds through the deciders into the state the commands left', async () => {
    const user = await fold(userDecider, 'user-1');
    expect(user).to.include({ status: 'inactive', id: 1 });
    expect('username' in user && user.username).to.match(/^user_/);
    expect(await fold(usernameDecider, fixtures.find((e) => e.type === 'UsernameReserved')!.streamId)).to.deep.equal({ reservedBy: 1 });
    expect(await fold(resumeDecider, 'resume-1')).to.include({ status: 'active', ownerId: 1, title: 'Backend CV 2026' });
    expect(await fold(resumeDecider, 'resume-2')).to.include({ status: 'deleted', ownerId: 1 });
    const application = await fold(jobApplicationDecider, 'jobApplication-1');
    expect(application).to.include({ status: 'active', ownerId: 1 });
    expect(application.status !== 'absent' && application.fields).to.include({ status: 'Offer' });
    const gemini = await fold(aiModelDecider, 'aiModel-fixture gemini');
    expect(gemini.status === 'configured' && gemini.settings).to.include({ is_active: false, daily_limit: 10, description: 'A model for the fixtures' });
    const quota = await fold(aiQuotaDecider, fixtures.find((e) => e.type === 'AiQuotaReserved')!.streamId);
    expect(Object.values(quota.held), 'the failed generation gave its slot back').to.deep.equal(['resumate offline']);
  });

  it('projects into the read models the live API showed', async () => {
    const runtime = new ProjectionRuntime({ db, store, connectionString: database.url, projections: allProjections, logger: pino({ level: 'silent' }), runProjectors: true });
    await runtime.start();
    try {
      // The whole log, not catchUp()'s readable head, which an open transaction elsewhere on the cluster holds back.
      await runtime.waitFor(allProjections.map((p) => p.name), await lastLogPosition(database.url), 30_000);
    } finally {
      await runtime.stop();
    }
    expect(await findUserById(db, 1)).to.include({ id: 1, isActive: false });
    expect(await getResume(db, 1, 1)).to.include({ title: 'Backend CV 2026', content: '# Alice\n\nPython, PostgreSQL, Kafka.' });
    expect(await countResumes(db, 1)).to.equal(2); // the edited one and the generated one; the spare was deleted
    expect(await findJobApplication(db, 1, 1)).to.include({ status: 'Offer', notes: 'Offer received.', is_deleted: false, company_name: 'TechCorp Inc.' });
    expect((await listAllModels(db)).map((m) => [m.display_name, m.is_active])).to.deep.include.members([['ResuMate Offline', true], ['Fixture Gemini', false]]);
    const day = fixtures.find((e) => e.type === 'AiQuotaReserved')!.metadata.at.slice(0, 10);
    expect(await dailyUsage(db, day)).to.deep.include.members([{ day, model: 'ResuMate Offline', reserved: 1, released: 0 }, { day, model: 'Fixture Gemini', reserved: 1, released: 1 }]);
  });

  it("tells an analyst's timeline: Applied, Interviewing, Offer", async () => {
    const timeline = await applicationTimeline(store, 1);
    expect(timeline!.entries.filter((e) => e.status).map((e) => e.status!.to)).to.deep.equal(['Applied', 'Interviewing', 'Offer']);
  });
});

describe('Versioned events: the upcaster registry', () => {
  const registry = eventVersions({ Renamed: [(d) => ({ ...(d as object), v2: true }), (d) => ({ ...(d as object), v3: true })] });

  it('writes a type at one more than its upcasters, and a type without any at version 1', () => {
    expect(registry.currentVersion('Renamed')).to.equal(3);
    expect(registry.currentVersion('Untouched')).to.equal(1);
  });

  it('runs the chain from the stored version up, and nothing at the current one', () => {
    expect(registry.upcast('Renamed', { a: 1 }, 1)).to.deep.equal({ a: 1, v2: true, v3: true });
    expect(registry.upcast('Renamed', { a: 1, v2: true }, 2)).to.deep.equal({ a: 1, v2: true, v3: true });
    expect(registry.upcast('Renamed', { a: 1 }, 3)).to.deep.equal({ a: 1 });
  });

  it('refuses a version newer than it knows', () => {
    expect(() => registry.upcast('Renamed', {}, 4)).to.throw(UnknownEventVersionError);
  });
});
