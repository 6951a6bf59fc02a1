import { expect } from 'chai';
import { EXAMPLE_USERNAME, seedExamples } from '../../src/commands/examples.js';
import { registerUser } from '../../src/commands/users.js';
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
