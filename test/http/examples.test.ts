import { expect } from 'chai';
import { seedExamples } from '../../src/commands/seedExamples.js';
import { EXAMPLE_APPLICATIONS, EXAMPLE_USERNAME } from '../../src/examples/jobApplications.js';
import { createJobApplication, softDeleteJobApplication, updateJobApplication } from '../../src/commands/jobApplications.js';
import type { CommandContext } from '../../src/domain/decider.js';
import { newJobApplicationFields, type JobApplicationFields } from '../../src/domain/jobApplication/index.js';
import { commandDeps } from '../../src/server.js';
import { startTestApi, uniqueName, type TestApi } from '../support/api.js';
import { DisposableRedis, requireRedis } from '../support/redis.js';
import { createDatabase, dropDatabase } from '../support/db.js';

interface Application {
  id: number;
  user: number;
  job_title: string;
  status: string;
  is_example: boolean;
}
interface ListAnswer {
  cache_status: string;
  data: Application[];
}

const PATH = '/api/example-job-applications/';
const MISS = 'MISS (Response from database)';
const HIT = 'HIT (Response from Redis cache)';

const buildFields = (overrides: Partial<JobApplicationFields> = {}): JobApplicationFields =>
  newJobApplicationFields({ job_title: uniqueName('title'), company_name: 'Acme', date_applied: '2024-05-06', ...overrides });

const context = (): CommandContext => ({ userId: null, requestId: 'test', at: new Date().toISOString() });

/** Writes through the real commands, which return once the read models (and the cache) show the change. */
function commandsOf(api: TestApi) {
  const deps = commandDeps(api.server.infrastructure);
  return {
    create: (userId: number, fields: JobApplicationFields, isExample = true) => createJobApplication(deps, { userId, fields, isExample }, context()),
    update: (userId: number, id: number, changes: Partial<JobApplicationFields>) => updateJobApplication(deps, { id, userId, changes }, context()),
    softDelete: (userId: number, id: number) => softDeleteJobApplication(deps, { id, userId }, context()),
  };
}

const list = (api: TestApi) => api.request<ListAnswer>(PATH);

describe('GET /api/example-job-applications/', function () {
  this.timeout(30_000);
  let api: TestApi;
  let commands: ReturnType<typeof commandsOf>;
  let owner: number;
  const examples: number[] = [];
  let database: { url: string; name: string } | undefined;

  before(async function () {
    await requireRedis(this);
    // Examples are everyone's: a database of its own, so no other test's example (the Django
    // import keeps `is_example`) takes a place in the five.
    database = await createDatabase('resumate_examples');
    api = await startTestApi({ DATABASE_URL: database.url });
    commands = commandsOf(api);
    owner = (await api.newUser()).id;
    for (let i = 0; i < 6; i++) examples.push(await commands.create(owner, buildFields({ job_title: `Example ${i}` })));
  });
  after(async () => {
    await api?.stop();
    if (database) await dropDatabase(database.name);
  });

  it('answers anonymously from the database first (MISS), then from Redis (HIT), identically', async () => {
    const miss = await list(api);
    expect(miss.status).to.equal(200);
    expect(miss.headers.get('x-cache-status')).to.equal('MISS');
    expect(miss.body.cache_status).to.equal(MISS);
    const hit = await list(api);
    expect(hit.headers.get('x-cache-status')).to.equal('HIT');
    expect(hit.body).to.deep.equal({ cache_status: HIT, data: miss.body.data });
  });

  it('shows the five oldest examples, oldest first, as applications', async () => {
    const { body } = await list(api);
    expect(body.data.map((a) => a.id)).to.deep.equal(examples.slice(0, 5));
    expect(body.data[0]).to.have.all.keys(
      'id', 'user', 'job_title', 'company_name', 'original_job_description', 'resume_used', 'date_applied', 'status', 'notes',
      'is_deleted', 'is_example', 'created_at', 'updated_at',
    );
    expect(body.data[0]).to.include({ user: owner, job_title: 'Example 0', company_name: 'Acme', date_applied: '2024-05-06', is_example: true, is_deleted: false });
  });

  it('answers from the database with the change once an example is edited', async () => {
    await list(api);
    await commands.update(owner, examples[0]!, { status: 'Offer' });
    const { headers, body } = await list(api);
    expect(headers.get('x-cache-status')).to.equal('MISS');
    expect(body.data[0]).to.include({ id: examples[0], status: 'Offer' });
  });

  it('drops a soft-deleted example and shows the next one', async () => {
    await list(api);
    await commands.softDelete(owner, examples[1]!);
    const { headers, body } = await list(api);
    expect(headers.get('x-cache-status')).to.equal('MISS');
    expect(body.data.map((a) => a.id)).to.deep.equal([examples[0], ...examples.slice(2, 6)]);
  });

  it('keeps serving the cached list when only non-example applications change', async () => {
    const id = await commands.create(owner, buildFields(), false);
    await list(api);
    await commands.update(owner, id, { status: 'Rejected' });
    expect((await list(api)).headers.get('x-cache-status')).to.equal('HIT');
  });

  it('answers 404 Not found. for any example id, as the original did', async () => {
    const { status, body } = await api.request(`${PATH}${examples[0]}/`);
    expect(status).to.equal(404);
    expect(body).to.deep.equal({ error: 'Not found.', code: 'not_found', detail: 'Not found.' });
  });

  it('is read-only', async () => {
    const { status, headers } = await api.post(PATH, {});
    expect(status).to.equal(405);
    expect(headers.get('allow')).to.equal('GET, HEAD, OPTIONS');
  });
});

describe('GET /api/example-job-applications/ when Redis goes down', function () {
  this.timeout(30_000);
  let api: TestApi;
  let redis: DisposableRedis;
  before(async function () {
    redis = await DisposableRedis.start(this);
    api = await startTestApi({ REDIS_URL: redis.url });
  });
  after(async () => {
    await api?.stop();
    await redis?.stop();
  });

  it('still answers 200 from the database, as a BYPASS', async () => {
    const before = await list(api);
    expect(before.headers.get('x-cache-status')).to.equal('MISS');
    await redis.stop();
    const { status, headers, body } = await list(api);
    expect(status).to.equal(200);
    expect(headers.get('x-cache-status')).to.equal('BYPASS');
    expect(body).to.deep.equal({ cache_status: 'BYPASS (Redis unavailable; response from database)', data: before.body.data });
  });
});

describe('GET /api/example-job-applications/ without Redis', function () {
  this.timeout(30_000);
  let api: TestApi;
  before(async () => {
    api = await startTestApi({}, { redis: { kind: 'memory' } });
  });
  after(async () => api?.stop());

  it('says a HIT came from the in-process cache, not from Redis, on both answering paths', async () => {
    expect((await list(api)).body.cache_status).to.equal(MISS);
    for (const path of [PATH, `${PATH}?via=app`]) {
      const { headers, body } = await api.request<ListAnswer>(path);
      expect(headers.get('x-cache-status'), path).to.equal('HIT');
      expect(body.cache_status, path).to.equal('HIT (Response from in-process cache)');
    }
  });
});

describe('seeding the examples', function () {
  this.timeout(30_000);
  let api: TestApi;
  before(async function () {
    await requireRedis(this);
    api = await startTestApi();
  });
  after(async () => api?.stop());

  const seed = () => {
    const infra = api.server.infrastructure;
    return seedExamples({ commands: commandDeps(infra), db: infra.db, catchUp: () => infra.projections.catchUp() });
  };

  it('creates one non-login example user and five example applications, and nothing on a rerun', async () => {
    const first = await seed();
    expect(first).to.include({ userCreated: true, applicationsPresent: 0 });
    expect(first.applicationsCreated).to.have.length(EXAMPLE_APPLICATIONS.length).and.to.have.length(5);
    const second = await seed();
    expect(second).to.deep.equal({ userId: first.userId, userCreated: false, applicationsCreated: [], applicationsPresent: 5 });

    const { db } = api.server.infrastructure;
    expect(await db('users').where({ username_lower: EXAMPLE_USERNAME }).pluck('id')).to.deep.equal([first.userId]);
    const rows = await db('job_applications').where({ user_id: first.userId }).select('is_example', 'status');
    expect(rows).to.have.length(5);
    expect(rows.every((r: { is_example: boolean }) => r.is_example)).to.equal(true);
    expect(new Set(rows.map((r: { status: string }) => r.status))).to.have.keys('Applied', 'Interviewing', 'Offer', 'Rejected');
  });

  it('gives the example user no password that logs in', async () => {
    for (const password of ['!', 'example']) {
      expect((await api.post('/api/auth/token/', { username: EXAMPLE_USERNAME, password })).status, password).to.equal(401);
    }
  });
});

describe('the example applications at start-up', function () {
  this.timeout(60_000);
  const databases: string[] = [];
  const apis: TestApi[] = [];
  const startOn = async (url: string, seed: 'True' | 'False') => {
    const api = await startTestApi({ DATABASE_URL: url, SEED_EXAMPLES: seed });
    apis.push(api);
    return api;
  };
  const freshDatabase = async () => {
    const database = await createDatabase('resumate_seed');
    databases.push(database.name);
    return database.url;
  };
  before(async function () {
    await requireRedis(this);
  });
  afterEach(async () => {
    await Promise.all(apis.splice(0).map((api) => api.stop()));
  });
  after(async () => {
    for (const name of databases) await dropDatabase(name);
  });

  it('exist after the first start, once however many servers start together', async () => {
    const url = await freshDatabase();
    await startOn(url, 'False'); // migrates the new database, so the others start together on it
    const [first, second] = await Promise.all([startOn(url, 'True'), startOn(url, 'True')]);
    const { body } = await list(first!);
    expect(body.data.map((a) => a.job_title)).to.have.members(EXAMPLE_APPLICATIONS.map((f) => f.job_title));
    expect((await list(second!)).body.data).to.deep.equal(body.data);

    const { db } = first!.server.infrastructure;
    const owners = await db('users').where({ username_lower: EXAMPLE_USERNAME }).pluck('id');
    expect(owners).to.have.length(1);
    expect(body.data.every((a) => a.user === owners[0] && a.is_example)).to.equal(true);
    const examples = async () => Number((await db('job_applications').where({ is_example: true }).count({ n: '*' }))[0]!.n);
    expect(await examples()).to.equal(5);
    await startOn(url, 'True');
    expect(await examples()).to.equal(5);
  });

  it('are not created with SEED_EXAMPLES=False', async () => {
    const api = await startOn(await freshDatabase(), 'False');
    const { body } = await list(api);
    expect(body.data).to.deep.equal([]);
    expect(await api.server.infrastructure.db('users').where({ username_lower: EXAMPLE_USERNAME }).pluck('id')).to.deep.equal([]);
  });
});
