import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';
import bcrypt from 'bcrypt';
import { START } from '../../src/eventstore/port.js';
import { importDjango } from '../../src/importer/django/importDjango.js';
import type { ImportReport } from '../../src/importer/django/report.js';
import { openDjangoSource } from '../../src/importer/django/sourceDatabase.js';
import { verifyDjangoPbkdf2 } from '../../src/auth/djangoPbkdf2.js';
import { startTestApi, uniqueName, type Response, type TestApi } from '../support/api.js';
import { testDatabaseUrl } from '../support/db.js';
import { eventStoreEnv } from '../support/eventStore.js';
import { createDjangoDatabase, djangoPbkdf2Hash, type DjangoDatabase } from '../support/djangoSchema.js';
import { redisUrl, requireRedis } from '../support/redis.js';
import { eventually } from '../support/until.js';

const run = promisify(execFile);

/** Fewer iterations than Django's 1,000,000 keep the test quick; the hash format is the same. */
const ITERATIONS = 20_000;

interface Ids {
  alice: number;
  boss: number;
  carol: number;
  dave: number;
  squatter: number;
  aliceCv: number;
  aliceDraft: number;
  bossCv: number;
  squatterCv: number;
  applied: number;
  deleted: number;
  foreignResume: number;
  example: number;
  squatterApp: number;
}


describe('admin import django', function () {
  this.timeout(120_000);
  let api: TestApi;
  let source: DjangoDatabase;
  let ids: Ids;
  let squatterName: string;
  const names = { alice: uniqueName('alice'), boss: uniqueName('boss'), carol: uniqueName('carol'), dave: uniqueName('dave') };

  /** The real CLI in a child process, on this run's database and the test API's Redis prefix. */
  async function cli(...args: string[]): Promise<{ stdout: string; stderr: string }> {
    return run('node', ['--import', 'tsx', 'src/cli/admin.ts', ...args], {
      env: { ...process.env, DATABASE_URL: testDatabaseUrl(), ...eventStoreEnv(testDatabaseUrl()), REDIS_URL: redisUrl, REDIS_KEY_PREFIX: api.keyPrefix, LOG_LEVEL: 'warn' },
    });
  }

  async function login(username: string, password: string): Promise<Response<{ access: string }>> {
    return api.post<{ access: string }>('/api/auth/token/', { username, password });
  }

  async function as(username: string, password: string) {
    const tokens = await login(username, password);
    expect(tokens.status, `login ${username}`).to.equal(200);
    const headers = { authorization: `Bearer ${tokens.body.access}` };
    return {
      get: <T>(path: string) => api.request<T>(path, { headers }),
      post: <T>(path: string) => api.request<T>(path, { method: 'POST', headers }),
    };
  }

  before(async function () {
    await requireRedis(this);
    api = await startTestApi();
    source = await createDjangoDatabase(testDatabaseUrl());
    // Ids far above what this run's database has handed out, like a real source's would be.
    const { db } = api.server.infrastructure;
    const next = async (sequence: string) => Number((await db.raw<{ rows: { v: string }[] }>(`SELECT last_value::text AS v FROM ${sequence}`)).rows[0]!.v) + 1000;
    const [u, r, a] = [await next('user_ids'), await next('resume_ids'), await next('job_application_ids')];
    ids = {
      alice: u + 1, boss: u + 2, carol: u + 3, dave: u + 4, squatter: u + 5,
      aliceCv: r + 1, aliceDraft: r + 2, bossCv: r + 3, squatterCv: r + 4,
      applied: a + 1, deleted: a + 2, foreignResume: a + 3, example: a + 4, squatterApp: a + 5,
    };
    // A username already registered here, in another case: that Django user cannot come over.
    squatterName = (await api.newUser()).username.toUpperCase();

    const q = (sql: string, values: unknown[]) => source.client.query(sql, values);
    const user = (id: number, username: string, password: string, flags: { staff?: boolean; active?: boolean }, joined: string, lastLogin: string | null) =>
      q(`INSERT INTO auth_user (id, password, last_login, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined)
         VALUES ($1, $2, $3, $4, $5, '', '', $6, $4, $7, $8)`, [id, password, lastLogin, flags.staff ?? false, username, `${username}@example.com`, flags.active ?? true, joined]);
    await user(ids.alice, names.alice, djangoPbkdf2Hash('Alice-Original-1', 'aSaltOf22Characters000', ITERATIONS), {}, '2024-03-01T10:00:00.123456Z', '2024-06-01T08:00:00Z');
    await user(ids.boss, names.boss, djangoPbkdf2Hash('Boss-Original-1', 'anotherSalt12345678901', ITERATIONS), { staff: true }, '2024-01-15T09:30:00Z', null);
    await user(ids.carol, names.carol, djangoPbkdf2Hash('Carol-Original-1', 'carolSalt1234567890123', ITERATIONS), { active: false }, '2024-02-01T00:00:00Z', '2024-02-10T12:00:00Z');
    await user(ids.dave, names.dave, '!Xq3kUnusablePasswordMarkerFromDjango000', {}, '2024-02-02T00:00:00Z', null);
    await user(ids.squatter, squatterName, djangoPbkdf2Hash('Whatever-1', 'squatterSalt0123456789', ITERATIONS), {}, '2024-02-03T00:00:00Z', null);

    const resume = (id: number, userId: number, title: string, created: string, updated: string) =>
      q('INSERT INTO resume_resume (id, title, content, created_at, updated_at, user_id) VALUES ($1, $2, $3, $4, $5, $6)', [id, title, `# ${title}\n\nExperience…`, created, updated, userId]);
    await resume(ids.aliceCv, ids.alice, 'Alice — Backend CV', '2024-03-02T11:00:00.250Z', '2024-03-05T16:45:00.500Z');
    await resume(ids.aliceDraft, ids.alice, 'Alice — Draft', '2024-03-03T11:00:00Z', '2024-03-03T11:00:00Z');
    await resume(ids.bossCv, ids.boss, 'Boss CV', '2024-01-16T10:00:00Z', '2024-01-16T10:00:00Z');
    await resume(ids.squatterCv, ids.squatter, 'Squatter CV', '2024-02-04T10:00:00Z', '2024-02-04T10:00:00Z');

    const application = (id: number, userId: number, title: string, extra: { resume?: number; deleted?: boolean; example?: boolean; status?: string }, created: string, updated: string) =>
      q(`INSERT INTO job_tracker_jobapplication (id, job_title, company_name, original_job_description, date_applied, status, notes, is_deleted, is_example, created_at, updated_at, resume_used_id, user_id)
         VALUES ($1, $2, 'Acme', 'Build things.', '2024-04-01', $3, 'notes', $4, $5, $6, $7, $8, $9)`,
        [id, title, extra.status ?? 'Applied', extra.deleted ?? false, extra.example ?? false, created, updated, extra.resume ?? null, userId]);
    await application(ids.applied, ids.alice, 'Backend Engineer', { resume: ids.aliceCv, status: 'Interviewing' }, '2024-04-01T09:00:00Z', '2024-04-10T09:00:00Z');
    await application(ids.deleted, ids.alice, 'Deleted Role', { deleted: true }, '2024-04-02T09:00:00Z', '2024-04-03T09:00:00Z');
    await application(ids.foreignResume, ids.alice, 'Sneaky Role', { resume: ids.bossCv }, '2024-04-04T09:00:00Z', '2024-04-04T09:00:00Z');
    await application(ids.example, ids.boss, 'Example Role', { example: true, status: 'Offer' }, '2024-01-20T09:00:00Z', '2024-01-20T09:00:00Z');
    await application(ids.squatterApp, ids.squatter, 'Squatter Role', {}, '2024-02-05T09:00:00Z', '2024-02-05T09:00:00Z');

    await q(`INSERT INTO ai_aimodel (display_name, model_name, api_provider, api_key_name, is_active, login_required, daily_limit, response_time_info, description)
             VALUES ($1, 'deepseek/deepseek-chat', 'open_router', 'OPENROUTER_API_KEY', true, true, 5, '5-10 seconds', 'Imported model'),
                    ($2, 'gemini-1.0-pro', 'google_gemini', 'GOOGLE_GEMINI_API_KEY', false, false, NULL, '', 'Retired'),
                    ('resumate offline', 'offline', 'offline', '', true, false, NULL, '', 'Clashes with the seeded model')`,
      [`Deepseek ${names.alice}`, `Old Gemini ${names.alice}`]);
  });

  after(async () => {
    await source?.drop();
    await api?.stop();
  });

  let first: ImportReport;

  it('imports through the real CLI and reports what it did and skipped', async () => {
    const { stdout } = await cli('import', 'django', '--database-url', source.url, '--json');
    first = JSON.parse(stdout) as ImportReport;
    expect(first.dryRun).to.equal(false);
    expect(first.counts).to.deep.equal({
      users: { imported: 4, alreadyImported: 0, skipped: 1 },
      aiModels: { imported: 2, alreadyImported: 0, skipped: 1 },
      resumes: { imported: 3, alreadyImported: 0, skipped: 1 },
      jobApplications: { imported: 4, alreadyImported: 0, skipped: 1 },
    });
    expect(first.resumeUsedCleared).to.equal(1);
    expect(first.usersWithoutUsablePassword).to.equal(1);
    expect(first.readModelsCaughtUp).to.equal(true);
    expect(first.skips.map((s) => [s.entity, s.id])).to.deep.equal([
      ['users', ids.squatter],
      ['aiModels', 3],
      ['resumes', ids.squatterCv],
      ['jobApplications', ids.squatterApp],
    ]);
    expect(first.skips[0]!.reason).to.include('is taken');
  });

  it('logs in with the Django password, replaces the hash by bcrypt_sha256 in the log, and the next login uses it', async () => {
    const { store, db } = api.server.infrastructure;
    expect((await login(names.alice, 'wrong-password')).status).to.equal(401);
    expect((await login(names.alice, 'Alice-Original-1')).status).to.equal(200);
    const changed = await eventually(async () => (await store.readStream(`user-${ids.alice}`)).find((e) => e.type === 'UserPasswordChanged'), 'the rehash event');
    const fresh = (changed.data as { passwordHash: string }).passwordHash;
    expect(fresh).to.match(/^bcrypt_sha256\$\$2[ab]\$/);
    expect(await bcrypt.compare(createHash('sha256').update('Alice-Original-1').digest('hex'), fresh.slice('bcrypt_sha256$'.length))).to.equal(true);
    await eventually(async () => ((await db('users').where({ id: ids.alice }).first<{ password_hash: string }>())!.password_hash === fresh ? true : undefined), 'the users read model');
    expect((await login(names.alice, 'Alice-Original-1')).status).to.equal(200);
    expect((await login(names.alice, 'wrong-password')).status).to.equal(401);
    expect((await store.readStream(`user-${ids.alice}`)).filter((e) => e.type === 'UserPasswordChanged')).to.have.length(1);
  });

  it('keeps ids and timestamps: the user, their resumes and applications, a soft-deleted one hidden but restorable', async () => {
    const alice = await as(names.alice, 'Alice-Original-1');
    const me = await alice.get<{ id: number; date_joined: string; is_staff: boolean }>('/api/auth/me/');
    expect(me.body).to.include({ id: ids.alice, date_joined: '2024-03-01T10:00:00.123Z', is_staff: false });

    const resumes = await alice.get<{ id: number; title: string; created_at: string; updated_at: string }[]>('/api/resumes/');
    expect(resumes.body.map(({ id, created_at, updated_at }) => ({ id, created_at, updated_at }))).to.deep.equal([
      { id: ids.aliceCv, created_at: '2024-03-02T11:00:00.250Z', updated_at: '2024-03-05T16:45:00.500Z' },
      { id: ids.aliceDraft, created_at: '2024-03-03T11:00:00.000Z', updated_at: '2024-03-03T11:00:00.000Z' },
    ]);

    type Application = { id: number; resume_used: number | null; status: string; created_at: string; updated_at: string; date_applied: string; is_deleted: boolean };
    const list = await alice.get<Application[]>('/api/job-applications/');
    const byId = new Map(list.body.map((a) => [a.id, a]));
    expect([...byId.keys()].sort()).to.deep.equal([ids.applied, ids.foreignResume].sort());
    expect(byId.get(ids.applied)).to.include({ resume_used: ids.aliceCv, status: 'Interviewing', date_applied: '2024-04-01', created_at: '2024-04-01T09:00:00.000Z', updated_at: '2024-04-10T09:00:00.000Z' });
    expect(byId.get(ids.foreignResume)!.resume_used).to.equal(null);

    const hidden = await alice.get<Application>(`/api/job-applications/${ids.deleted}/`);
    expect(hidden.status).to.equal(404);
    const history = await alice.get<{ type: string; at: string }[]>(`/api/job-applications/${ids.deleted}/history/`);
    expect(history.body.map(({ type, at }) => ({ type, at }))).to.deep.equal([
      { type: 'JobApplicationCreated', at: '2024-04-02T09:00:00.000Z' },
      { type: 'JobApplicationSoftDeleted', at: '2024-04-03T09:00:00.000Z' },
    ]);
    const restored = await alice.post<Application>(`/api/job-applications/${ids.deleted}/restore/`);
    expect(restored.status).to.equal(200);
    expect(restored.body).to.include({ id: ids.deleted, is_deleted: false });

    const boss = await as(names.boss, 'Boss-Original-1');
    expect((await boss.get<{ is_staff: boolean }>('/api/auth/me/')).body.is_staff).to.equal(true);
    const bossApps = await boss.get<{ id: number; is_example: boolean; status: string }[]>('/api/job-applications/');
    expect(bossApps.body).to.have.length(1);
    expect(bossApps.body[0]).to.include({ id: ids.example, is_example: true, status: 'Offer' });
  });

  it('refuses the inactive user and the unusable password', async () => {
    expect((await login(names.carol, 'Carol-Original-1')).status).to.equal(401);
    expect((await login(names.dave, '!Xq3kUnusablePasswordMarkerFromDjango000')).status).to.equal(401);
    const carol = await api.server.infrastructure.store.readStream(`user-${ids.carol}`);
    expect(carol.map((e) => [e.type, (e.data as { at: string }).at])).to.deep.equal([
      ['UserRegistered', '2024-02-01T00:00:00.000Z'],
      ['UserDeactivated', '2024-02-10T12:00:00.000Z'],
    ]);
  });

  it('configures the AI models whose names are free, active or not as they were', async () => {
    const models = await api.request<{ data: { display_name: string; daily_limit: number | null; login_required: boolean }[] }>('/api/ai/models/');
    const imported = models.body.data.filter((m) => m.display_name.endsWith(names.alice));
    expect(imported).to.deep.equal([{ display_name: `Deepseek ${names.alice}`, description: 'Imported model', response_time_info: '5-10 seconds', login_required: true, daily_limit: 5 }]);
  });

  it('imports nothing twice when run again, and says what it found', async () => {
    const { store } = api.server.infrastructure;
    const countEvents = () => store.countAfter(START);
    const before = await countEvents();
    const { stdout } = await cli('import', 'django', '--database-url', source.url);
    expect(stdout).to.match(/users\s+0 imported, 4 already imported, 1 skipped/);
    expect(stdout).to.match(/job applications\s+0 imported, 4 already imported, 1 skipped/);
    expect(stdout).to.include(`users #${ids.squatter}: username "${squatterName}" is taken`);
    expect(await countEvents()).to.equal(before);
  });

  it('a dry run writes nothing; the next run brings over only what is new', async () => {
    const infra = api.server.infrastructure;
    await source.client.query(
      `INSERT INTO auth_user (id, password, last_login, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined)
       VALUES ($1, $2, NULL, false, $3, '', '', '', false, true, '2024-05-01T00:00:00Z')`,
      [ids.squatter + 1, djangoPbkdf2Hash('Late-Comer-1', 'lateSalt00000000000000', ITERATIONS), uniqueName('late')],
    );
    const importOnce = async (dryRun: boolean) => {
      const django = await openDjangoSource(source.url);
      try {
        return await importDjango(django, { store: infra.store, db: infra.db, readModels: infra.projections.projections, waitFor: (names, position) => infra.projections.waitFor(names, position), now: () => new Date() }, { dryRun, pageSize: 2 });
      } finally {
        await django.close();
      }
    };
    const dry = await importOnce(true);
    expect(dry.counts.users).to.deep.equal({ imported: 1, alreadyImported: 4, skipped: 1 });
    expect(await infra.store.readStream(`user-${ids.squatter + 1}`)).to.have.length(0);
    const real = await importOnce(false);
    expect(real.counts.users).to.deep.equal({ imported: 1, alreadyImported: 4, skipped: 1 });
    expect(real.counts.resumes).to.deep.equal({ imported: 0, alreadyImported: 3, skipped: 1 });
    expect(await infra.store.readStream(`user-${ids.squatter + 1}`)).to.have.length(1);
  });

  it('hands out new ids above the imported ones', async () => {
    const newcomer = await api.newUser();
    expect(newcomer.id).to.be.greaterThan(ids.squatter + 1);
    const resume = await newcomer.post<{ id: number }>('/api/resumes/', { title: 'New', content: 'Text' });
    expect(resume.body.id).to.be.greaterThan(ids.squatterCv);
    const application = await newcomer.post<{ id: number }>('/api/job-applications/', { job_title: 'New', company_name: 'Co' });
    expect(application.body.id).to.be.greaterThan(ids.squatterApp);
  });

  it('fails with exit code 1 and one line when the source is not a Django database', async () => {
    const error = await cli('import', 'django', '--database-url', testDatabaseUrl()).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(error?.code).to.equal(1);
    expect(error?.stderr.trim()).to.equal('not a ResuMate Django database: missing tables auth_user, ai_aimodel, resume_resume, job_tracker_jobapplication');
  });

  it("verifies Django's own pbkdf2_sha256 hashes (known answer)", async () => {
    const hash = 'pbkdf2_sha256$1000000$seasalt$r1uLUxoxpP2Ued/qxvmje7UH9PUJBkRrvf9gGPL7Cps=';
    expect(await verifyDjangoPbkdf2('lètmein', hash)).to.equal(true);
    expect(await verifyDjangoPbkdf2('letmein', hash)).to.equal(false);
    expect(await verifyDjangoPbkdf2('lètmein', 'pbkdf2_sha256$x$seasalt$r1uLUxoxpP2Ued/qxvmje7UH9PUJBkRrvf9gGPL7Cps=')).to.equal(false);
  });
});
