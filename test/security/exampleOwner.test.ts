import { Writable } from 'node:stream';
import { expect } from 'chai';
import pino from 'pino';
import { seedExamples } from '../../src/commands/seedExamples.js';
import { EXAMPLE_USERNAME } from '../../src/examples/jobApplications.js';
import { registerReservedUser, registerUser } from '../../src/commands/users.js';
import { ValidationFailed } from '../../src/domain/errors.js';
import { usernameStream } from '../../src/domain/username/index.js';
import { commandDeps } from '../../src/server.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { expectApiError } from '../support/apiError.js';
import { createDatabase, dropDatabase } from '../support/db.js';
import { requireRedis } from '../support/redis.js';

const TAKEN = { error: 'Invalid input.', code: 'invalid', detail: 'Invalid input.', field_errors: { username: ['A user with that username already exists.'] } };

/**
 * Issue 8, item 9: registering `example` before the examples were seeded made every later
 * seed refuse the account (it can log in), so the examples could never be created.
 */
describe('security: the examples’ owner cannot be squatted', function () {
  this.timeout(60_000);
  let api: TestApi;
  let database: { url: string; name: string } | undefined;
  before(async function () {
    await requireRedis(this);
    // Unseeded, as a fresh install with SEED_EXAMPLES=False (or one racing its first start) is.
    database = await createDatabase('resumate_squat');
    api = await startTestApi({ DATABASE_URL: database.url, SEED_EXAMPLES: 'False' });
  });
  after(async () => {
    await api?.stop();
    if (database) await dropDatabase(database.name);
  });

  it('refuses to register the name in any case, as a taken username, and records nothing', async () => {
    for (const username of ['example', 'EXAMPLE', 'Example', '  eXample  ']) {
      const response = await api.post('/api/auth/register/', { username, email: 'squatter@example.com', password: 'Zx9!long-enough', password2: 'Zx9!long-enough' });
      expectApiError(response, username);
      expect(response.body, username).to.deep.equal(TAKEN);
    }
    expect(await api.server.infrastructure.store.readStream(usernameStream(EXAMPLE_USERNAME))).to.deep.equal([]);
  });

  it('refuses it in the registration command too, whoever calls it', async () => {
    const deps = commandDeps(api.server.infrastructure);
    const attempt = registerUser(deps, { username: 'Example', email: 'x@example.com', passwordHash: '!', isStaff: true }, { userId: null, requestId: 'test', at: new Date().toISOString() });
    const err = await attempt.then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(ValidationFailed);
    expect((err as ValidationFailed).fieldErrors).to.deep.equal({ username: ['A user with that username already exists.'] });
  });

  it('so seeding still works after the attempts', async () => {
    const infra = api.server.infrastructure;
    const report = await seedExamples({ commands: commandDeps(infra), db: infra.db, catchUp: () => infra.projections.catchUp() });
    expect(report).to.include({ userCreated: true, applicationsPresent: 0 });
    expect(report.applicationsCreated).to.have.length(5);
    expect((await api.post('/api/auth/token/', { username: 'example', password: 'Zx9!long-enough' })).status).to.equal(401);
  });
});

describe('security: a deployment whose `example` was squatted before the name was reserved', function () {
  this.timeout(60_000);
  let database: { url: string; name: string } | undefined;
  const apis: TestApi[] = [];
  before(async function () {
    await requireRedis(this);
    database = await createDatabase('resumate_squatted');
  });
  after(async () => {
    await Promise.all(apis.map((api) => api.stop()));
    if (database) await dropDatabase(database.name);
  });

  it('still starts, and says in one warning why the examples were not created', async () => {
    const first = await startTestApi({ DATABASE_URL: database!.url, SEED_EXAMPLES: 'False' });
    apis.push(first);
    // What an old registration left: an `example` account with a password that logs in.
    const squatter = { username: 'Example', email: 'squatter@example.com', passwordHash: '$2b$04$abcdefghijklmnopqrstuu5ZP1aMCYcgg5sHuQLQ6Y4vVfJk2aY8W', isStaff: false };
    await registerReservedUser(commandDeps(first.server.infrastructure), squatter, { userId: null, requestId: 'test', at: new Date().toISOString() });
    const lines: { level: number; msg: string }[] = [];
    const logger = pino({ level: 'warn' }, new Writable({ write: (chunk: Buffer, _encoding, done) => done(void lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string })) }));
    const second = await startTestApi({ DATABASE_URL: database!.url, SEED_EXAMPLES: 'True' }, {}, { logger });
    apis.push(second);
    expect((await second.request('/healthz')).status).to.equal(200);
    expect(lines.map((l) => l.msg).filter((msg) => msg.includes('example'))).to.deep.equal([
      'The username "example" belongs to an account that can log in; refusing to attach example data to it. The example applications were not created.',
    ]);
    expect((await second.request<{ data: unknown[] }>('/api/example-job-applications/')).body.data).to.deep.equal([]);
  });
});
