import { expect } from 'chai';
import { runAdmin } from '../support/adminCli.js';
import { startTestApi, uniqueName, type TestApi } from '../support/api.js';
import { requireRedis } from '../support/redis.js';

const errorBody = (message: string, code: string) => ({ error: message, code, detail: message });
const STRONG_PASSWORD = 'Quartz-Lantern-82';

describe('admin users', function () {
  this.timeout(180_000); // child processes start tsx: seconds each on a busy machine
  let api: TestApi;

  before(async function () {
    await requireRedis(this);
    api = await startTestApi();
  });
  after(() => api?.stop());

  describe('create-admin', () => {
    it('creates a staff user once, then leaves it alone (exit 0 both times)', async () => {
      const username = uniqueName('admin');
      const args = ['users', 'create-admin', '--username', username, '--email', `${username}@example.com`];
      const first = await runAdmin(args, { ADMIN_PASSWORD: STRONG_PASSWORD });
      expect(first.code, first.stderr).to.equal(0);
      expect(first.stdout).to.include(`admin "${username}" created`);
      const again = await runAdmin([...args, '--password', 'Another-Quartz-83']);
      expect(again.code, again.stderr).to.equal(0);
      expect(again.stdout).to.include('already exists (staff, active); nothing changed');

      const login = await api.post<{ access: string }>('/api/auth/token/', { username, password: STRONG_PASSWORD });
      expect(login.status).to.equal(200);
      const me = await api.request<{ is_staff: boolean }>('/api/auth/me/', { headers: { authorization: `Bearer ${login.body.access}` } });
      expect(me.body.is_staff).to.equal(true);
      expect((await api.post('/api/auth/token/', { username, password: 'Another-Quartz-83' })).status).to.equal(401);
    });

    it('validates like registration: bad input or a missing value is wrong usage (exit 2)', async () => {
      const username = uniqueName('admin');
      const [badEmail, weak, missing, badName] = await Promise.all([
        runAdmin(['users', 'create-admin', '--username', username, '--email', 'not-an-email', '--password', STRONG_PASSWORD]),
        runAdmin(['users', 'create-admin', '--username', username, '--email', `${username}@example.com`, '--password', '12345678']),
        runAdmin(['users', 'create-admin', '--username', username]),
        runAdmin(['users', 'create-admin', '--username', 'no spaces!', '--email', 'x@example.com', '--password', STRONG_PASSWORD]),
      ]);
      expect([badEmail.code, weak.code, missing.code, badName.code]).to.deep.equal([2, 2, 2, 2]);
      expect(badEmail.stderr).to.include('email: Enter a valid email address.');
      expect(weak.stderr).to.include('This password is too common.').and.to.include('This password is entirely numeric.');
      expect(missing.stderr).to.include('--email, --password required');
      expect(badName.stderr).to.include('username: Enter a valid username.');
      expect((await api.post('/api/auth/token/', { username, password: STRONG_PASSWORD })).status).to.equal(401);
    });
  });

  describe('deactivate', () => {
    it("refuses the user's access token, refresh token and login from then on", async () => {
      const user = await api.newUser();
      expect((await user.get('/api/auth/me/')).status).to.equal(200);
      const run = await runAdmin(['users', 'deactivate', user.username.toUpperCase()]);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.include(`(id ${user.id}) is inactive`);

      const me = await user.get('/api/auth/me/');
      expect(me.status).to.equal(401);
      expect(me.body).to.deep.equal(errorBody('User is inactive', 'user_inactive'));
      const refresh = await api.post('/api/auth/token/refresh/', { refresh: user.refresh });
      expect(refresh.status).to.equal(401);
      expect(refresh.body).to.deep.equal(errorBody('No active account found for the given token.', 'no_active_account'));
      const login = await api.post('/api/auth/token/', { username: user.username, password: user.password });
      expect(login.status).to.equal(401);
      expect(login.body).to.deep.equal(errorBody('No active account found with the given credentials', 'no_active_account'));

      const [again, unknown, list] = await Promise.all([
        runAdmin(['users', 'deactivate', user.username]),
        runAdmin(['users', 'deactivate', 'nobody_at_all_here']),
        runAdmin(['users', 'list', '--json']),
      ]);
      expect(again.code, again.stderr).to.equal(0);
      expect(again.stdout).to.include('was already inactive');
      expect(unknown.code).to.equal(1);
      expect(unknown.stderr).to.include('No user "nobody_at_all_here"');
      expect(list.code, list.stderr).to.equal(0);
      const listed = (JSON.parse(list.stdout) as { id: number; username: string; is_active: boolean; is_staff: boolean }[]).find((u) => u.id === user.id);
      expect(listed).to.deep.include({ username: user.username, is_active: false, is_staff: false });
    });

    it('is wrong usage without a username (exit 2)', async () => {
      expect((await runAdmin(['users', 'deactivate'])).code).to.equal(2);
    });
  });
});
