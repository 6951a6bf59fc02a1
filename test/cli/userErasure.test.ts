import { expect } from 'chai';
import { runAdmin } from '../support/adminCli.js';
import { startTestApi, uniqueName, type TestApi } from '../support/api.js';
import { requireRedis } from '../support/redis.js';

describe('admin users erase', function () {
  this.timeout(180_000); // child processes start tsx: seconds each on a busy machine
  let api: TestApi;

  before(async function () {
    await requireRedis(this);
    api = await startTestApi();
  });
  after(() => api?.stop());

  it('erases by username (--json); history export, timeline and stats show [erased] for the person and keep the facts', async () => {
    const user = await api.newUser();
    const secretNotes = `notes ${uniqueName('secret')}`;
    const secretTitle = `title ${uniqueName('secret')}`;
    const app = await user.post<{ id: number }>('/api/job-applications/', { job_title: secretTitle, company_name: 'Initech', notes: secretNotes });
    expect(app.status).to.equal(201);
    expect((await user.patch(`/api/job-applications/${app.body.id}/`, { status: 'Interviewing' })).status).to.equal(200);
    const statsBefore = await runAdmin(['history', 'stats', '--user', String(user.id), '--json']);
    expect(statsBefore.code, statsBefore.stderr).to.equal(0);

    const run = await runAdmin(['users', 'erase', user.username, '--json']);
    expect(run.code, run.stderr).to.equal(0);
    expect(JSON.parse(run.stdout)).to.deep.equal({ username: user.username, id: user.id, erased: true });
    expect((await api.post('/api/auth/token/', { username: user.username, password: user.password })).status).to.equal(401);
    expect((await user.get('/api/job-applications/')).status).to.equal(401);

    const [exported, timeline, statsAfter, again] = await Promise.all([
      runAdmin(['history', 'export', '--user', String(user.id)]),
      runAdmin(['history', 'timeline', String(app.body.id), '--json']),
      runAdmin(['history', 'stats', '--user', String(user.id), '--json']),
      runAdmin(['users', 'erase', user.username]),
    ]);
    expect(exported.code, exported.stderr).to.equal(0);
    for (const secret of [secretNotes, secretTitle, user.email]) expect(exported.stdout).to.not.include(secret);
    const records = exported.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; data: Record<string, unknown> });
    expect(records.map((r) => r.type)).to.include.members(['UserRegistered', 'JobApplicationCreated', 'JobApplicationStatusChanged', 'UserErased']);
    expect(records.find((r) => r.type === 'UserRegistered')!.data).to.include({ username: '[erased]', email: '[erased]', id: user.id });

    expect(timeline.code, timeline.stderr).to.equal(0);
    const entries = (JSON.parse(timeline.stdout) as { entries: { type: string; status: unknown; changes: Record<string, unknown> }[] }).entries;
    expect(entries.map((e) => e.status)).to.deep.equal([{ from: null, to: 'Applied' }, { from: 'Applied', to: 'Interviewing' }]);
    expect(entries[0]!.changes).to.include({ job_title: '[erased]', company_name: '[erased]', notes: '[erased]', status: 'Applied' });

    expect(statsAfter.code, statsAfter.stderr).to.equal(0);
    expect(JSON.parse(statsAfter.stdout)).to.deep.equal(JSON.parse(statsBefore.stdout));

    expect(again.code).to.equal(1);
    expect(again.stderr).to.include(`No user "${user.username}"`);
  });
});
