import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { allProjections } from '../../src/projections/index.js';
import { startTestApi, uniqueName, type TestApi, type TestUser } from '../support/api.js';
import { testDatabaseUrl } from '../support/db.js';
import { eventStoreEnv } from '../support/eventStore.js';
import { redisUrl, requireRedis } from '../support/redis.js';

const NAMES = allProjections.map((p) => p.name);
const errorBody = (message: string, code: string) => ({ error: message, code, detail: message });

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('admin projections commands', function () {
  this.timeout(120_000);
  let api: TestApi;
  let user: TestUser;
  let staffToken: string;

  const startCli = (args: string[], env: Record<string, string> = {}): ChildProcess =>
    spawn(process.execPath, ['--import', 'tsx', 'src/cli/admin.ts', ...args], {
      env: { ...process.env, DATABASE_URL: testDatabaseUrl(), ...eventStoreEnv(testDatabaseUrl()), REDIS_URL: redisUrl, REDIS_KEY_PREFIX: api.keyPrefix, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const finished = (child: ChildProcess): Promise<Run> =>
    new Promise((resolve, reject) => {
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  const cli = (args: string[], env?: Record<string, string>) => finished(startCli(args, env));
  const query = async <T extends pg.QueryResultRow>(sql: string): Promise<T[]> => (await api.server.infrastructure.db.raw(sql)).rows as T[];
  const answers = async () => [(await user.get('/api/resumes/')).body, (await user.get('/api/job-applications/')).body];

  before(async function () {
    await requireRedis(this);
    const admin = uniqueName('admin');
    api = await startTestApi({ DJANGO_SUPERUSER_USERNAME: admin, DJANGO_SUPERUSER_EMAIL: `${admin}@example.com`, DJANGO_SUPERUSER_PASSWORD: 'Admin-Pass-123' });
    staffToken = (await api.post<{ access: string }>('/api/auth/token/', { username: admin, password: 'Admin-Pass-123' })).body.access;
    user = await api.newUser();
    for (let i = 0; i < 20; i++) {
      await user.post('/api/resumes/', { title: `CV ${i}`, content: 'text' });
      await user.post('/api/job-applications/', { job_title: `Job ${i}`, company_name: 'Acme' });
    }
    await api.server.infrastructure.projections.catchUp();
  });
  after(async () => api?.stop());

  it('--help describes each command and exits 0', async () => {
    const rebuild = await cli(['projections', 'rebuild', '--help']);
    expect(rebuild.code).to.equal(0);
    expect(rebuild.stdout).to.include('--all').and.include('--json');
    for (const name of NAMES) expect(rebuild.stdout).to.include(name);
    const status = await cli(['projections', 'status', '--help']);
    expect(status.code).to.equal(0);
    expect(status.stdout).to.include('lag in events and seconds');
  });

  it('wrong usage exits 2 and lists the read models', async () => {
    const unknown = await cli(['projections', 'rebuild', 'users', 'nope']);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.include('Unknown read model(s): nope').and.include(NAMES.join(', '));
    const nothing = await cli(['projections', 'rebuild']);
    expect(nothing.code).to.equal(2);
    expect(nothing.stderr).to.include('or pass --all');
    expect((await cli(['projections', 'rebuild', 'users', '--all'])).code).to.equal(2);
    expect((await cli(['projections', 'rebuild', '--all', '--batch-size', 'many'])).code).to.equal(2);
  });

  it('status --json lists every read model caught up with the head of the log', async () => {
    const run = await cli(['projections', 'status', '--json']);
    expect(run.code, run.stderr).to.equal(0);
    const statuses = JSON.parse(run.stdout) as { name: string; checkpoint: string; head: string; lagEvents: number }[];
    expect(statuses.map((s) => s.name)).to.deep.equal(NAMES);
    for (const s of statuses) expect(s.checkpoint <= s.head).to.equal(true);
  });

  it('refuses a second rebuild while one runs: a clear message and exit 1', async () => {
    const holder = new pg.Client({ connectionString: testDatabaseUrl() });
    await holder.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(hashtext('resumate:rebuild'))`);
      const run = await cli(['projections', 'rebuild', '--all']);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.include('Another projections rebuild is running');
    } finally {
      await holder.end();
    }
  });

  it('a killed rebuild leaves the old tables serving, and a rerun drops its leftovers and completes', async () => {
    const before = await answers();
    const slow = startCli(['projections', 'rebuild', '--all', '--batch-size', '5'], { RESUMATE_REBUILD_BATCH_DELAY_MS: '200' });
    const exited = finished(slow);
    // Killed midway: once rows have reached a rebuild table.
    for (;;) {
      const rows = await query<{ n: number }>('SELECT count(*)::int AS n FROM resumes__rebuild').catch(() => [{ n: 0 }]);
      if (rows[0]!.n > 0) break;
      expect(slow.exitCode, 'the rebuild ended before it could be interrupted').to.equal(null);
      await new Promise((r) => setTimeout(r, 50));
    }
    slow.kill('SIGKILL');
    expect((await exited).code).to.equal(null);
    expect(await answers()).to.deep.equal(before);
    await user.post('/api/job-applications/', { job_title: 'After the crash', company_name: 'Acme' });
    const afterCrash = await answers();

    const rerun = await cli(['projections', 'rebuild', '--all', '--json']);
    expect(rerun.code, rerun.stderr).to.equal(0);
    const summary = JSON.parse(rerun.stdout) as { models: string[]; events: number; maxRssKb: number };
    expect(summary.models).to.deep.equal(NAMES);
    expect(summary.events).to.be.greaterThan(40);
    const leftovers = await query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE tablename LIKE '%\\_\\_rebuild'`);
    expect(leftovers).to.deep.equal([]);
    expect(await answers()).to.deep.equal(afterCrash);
  });

  it('GET /api/admin/projections/ shows the same status to staff only', async () => {
    const anonymous = await api.request('/api/admin/projections/');
    expect(anonymous.status).to.equal(401);
    expect(anonymous.body).to.deep.equal(errorBody('Authentication credentials were not provided.', 'not_authenticated'));
    const signedIn = await user.get('/api/admin/projections/');
    expect(signedIn.status).to.equal(403);
    expect(signedIn.body).to.deep.equal(errorBody('You do not have permission to perform this action.', 'permission_denied'));
    await api.server.infrastructure.projections.catchUp();
    const staff = await api.request<Record<string, unknown>[]>('/api/admin/projections/', { headers: { authorization: `Bearer ${staffToken}` } });
    expect(staff.status).to.equal(200);
    expect(staff.body.map((s) => s.name)).to.deep.equal(NAMES);
    for (const s of staff.body) {
      expect(s).to.have.all.keys('name', 'checkpoint', 'head', 'lag_events', 'lag_seconds', 'updated_at', 'refused');
      expect(s.refused).to.equal(null);
      expect(s.lag_events).to.be.a('number');
    }
  });
});
