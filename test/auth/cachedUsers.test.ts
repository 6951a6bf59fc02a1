import { expect } from 'chai';
import { deactivateUser } from '../../src/commands/users.js';
import { commandDeps } from '../../src/server.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { requireRedis } from '../support/redis.js';

const context = () => ({ userId: null, requestId: 'test', at: new Date().toISOString() });

describe('the user lookup behind every authenticated request', function () {
  this.timeout(30_000);
  let api: TestApi;
  let other: TestApi;
  before(async function () {
    await requireRedis(this);
    api = await startTestApi();
    // A second instance on the same database that runs no projectors: it learns of changes only
    // through the checkpoint NOTIFY, as an API beside a separate projector worker does.
    other = await startTestApi({ RUN_PROJECTIONS: 'false' });
  });
  after(async () => {
    await other?.stop();
    await api?.stop();
  });

  it('reads the users table once for many requests of one user', async () => {
    const user = await api.newUser();
    let lookups = 0;
    const count = (query: { sql: string }) => void (/from "users"/i.test(query.sql) && lookups++);
    api.server.infrastructure.db.on('query', count);
    try {
      for (let i = 0; i < 5; i++) expect((await user.get('/api/auth/me/')).status).to.equal(200);
    } finally {
      api.server.infrastructure.db.off('query', count);
    }
    expect(lookups).to.equal(1);
  });

  it('refuses a deactivated user at once, on the instance that applied it and on another', async () => {
    const user = await api.newUser();
    const asOther = (path: string) => other.request(path, { headers: { authorization: `Bearer ${user.access}` } });
    expect((await user.get('/api/auth/me/')).status).to.equal(200);
    expect((await asOther('/api/auth/me/')).status).to.equal(200); // both now remember the user

    await deactivateUser(commandDeps(api.server.infrastructure), user.id, context());
    const here = await user.get<{ code: string }>('/api/auth/me/');
    expect([here.status, here.body.code]).to.deep.equal([401, 'user_inactive']);

    // The other instance hears of it with the read model's checkpoint: as soon as it could read the row.
    await other.server.infrastructure.projections.waitFor(['users'], await other.server.infrastructure.store.headPosition(), 5_000);
    const there = await asOther('/api/auth/me/');
    expect([there.status, (there.body as { code: string }).code]).to.deep.equal([401, 'user_inactive']);
  });
});
