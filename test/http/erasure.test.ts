import { expect } from 'chai';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createDatabase, dropDatabase } from '../support/db.js';
import { dumpReadModels, rebuildReadModels, waitForWholeLog } from '../support/readModels.js';
import { redisUrl, requireRedis } from '../support/redis.js';
import { startTestApi, uniqueName, type Response, type TestApi, type TestUser } from '../support/api.js';

const APPS = '/api/job-applications/';
const eraseMe = (api: TestApi, user: TestUser, body: unknown): Promise<Response> =>
  api.request('/api/auth/me/', { method: 'DELETE', headers: { authorization: `Bearer ${user.access}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** What the person wrote, each a needle that must not be found in clear anywhere after erasure. */
interface Secrets {
  email: string;
  resumeText: string;
  resumeTitle: string;
  notes: string;
  company: string;
}

async function writeThings(user: TestUser, secrets: Omit<Secrets, 'email'>): Promise<void> {
  const resume = await user.post<{ id: number }>('/api/resumes/', { title: secrets.resumeTitle, content: secrets.resumeText });
  expect(resume.status).to.equal(201);
  const app = await user.post<{ id: number }>(APPS, { job_title: 'Engineer', company_name: secrets.company, notes: secrets.notes, resume_used: resume.body.id });
  expect(app.status).to.equal(201);
  expect((await user.patch(`${APPS}${app.body.id}/`, { status: 'Interviewing', notes: `${secrets.notes} (updated)` })).status).to.equal(200);
  const second = await user.post<{ id: number }>(APPS, { job_title: 'Other', company_name: secrets.company });
  expect((await user.delete(`${APPS}${second.body.id}/`)).status).to.equal(204);
}

const secretsFor = (tag: string): Omit<Secrets, 'email'> => ({
  resumeText: `resume-text-${tag}-${uniqueName('x')}`,
  resumeTitle: `resume-title-${tag}-${uniqueName('x')}`,
  notes: `notes-${tag}-${uniqueName('x')}`,
  company: `company-${tag}-${uniqueName('x')}`,
});

async function rowsContaining(databaseUrl: string, needles: readonly string[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const found: string[] = [];
    for (const needle of needles) {
      const { rows } = await client.query<{ where: string }>(
        `SELECT 'events' AS where FROM events WHERE data::text LIKE $1 OR metadata::text LIKE $1
         UNION ALL SELECT 'snapshots' FROM stream_snapshots WHERE state::text LIKE $1`,
        [`%${needle}%`],
      );
      found.push(...rows.map((r) => `${r.where}: ${needle}`));
    }
    return found;
  } finally {
    await client.end();
  }
}

async function redisValuesContaining(needles: readonly string[]): Promise<string[]> {
  const redis = new Redis(redisUrl, { lazyConnect: true });
  await redis.connect();
  try {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        const text = key + (type === 'string' ? ((await redis.get(key)) ?? '') : type === 'hash' ? JSON.stringify(await redis.hgetall(key)) : '');
        for (const needle of needles) if (text.includes(needle)) found.push(`${key}: ${needle}`);
      }
    } while (cursor !== '0');
    return found;
  } finally {
    redis.disconnect();
  }
}

describe('DELETE /api/auth/me/ (erasure)', function () {
  this.timeout(120_000);
  let api: TestApi;
  let database: { url: string; name: string };
  let rebuildDatabase: { url: string; name: string };
  let raceRebuildDatabase: { url: string; name: string };
  before(async function () {
    await requireRedis(this);
    database = await createDatabase('resumate_erasure');
    rebuildDatabase = await createDatabase('resumate_erasure_rebuild');
    raceRebuildDatabase = await createDatabase('resumate_erasure_race');
    api = await startTestApi({ DATABASE_URL: database.url });
  });
  after(async () => {
    await api?.stop();
    if (database) await dropDatabase(database.name);
    if (rebuildDatabase) await dropDatabase(rebuildDatabase.name);
    if (raceRebuildDatabase) await dropDatabase(raceRebuildDatabase.name);
  });

  it('asks for the password: missing is 400, wrong is 400 on `password`, nothing is erased', async () => {
    const carol = await api.newUser();
    const missing = await eraseMe(api, carol, {});
    expect(missing.status).to.equal(400);
    expect(missing.body).to.deep.include({ code: 'invalid', field_errors: { password: ['This field is required.'] } });
    const wrong = await eraseMe(api, carol, { password: 'not-it' });
    expect(wrong.status).to.equal(400);
    expect(wrong.body).to.deep.include({ code: 'invalid', field_errors: { password: ['Your password was entered incorrectly. Please enter it again.'] } });
    expect((await carol.get('/api/auth/me/')).status).to.equal(200);
    const anonymous = await api.request('/api/auth/me/', { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: '{"password":"x"}' });
    expect(anonymous.status).to.equal(401);
  });

  it('forgets the person everywhere, keeps everyone else, and a rebuild equals the live read models', async () => {
    const alice = await api.newUser();
    const bob = await api.newUser();
    const aliceSecrets = secretsFor('alice');
    await writeThings(alice, aliceSecrets);
    await writeThings(bob, secretsFor('bob'));
    const bobBefore = { me: (await bob.get('/api/auth/me/')).body, resumes: (await bob.get('/api/resumes/')).body, apps: (await bob.get(APPS)).body, stats: (await bob.get(`${APPS}stats/`)).body };

    const needles = [alice.email, aliceSecrets.resumeText, aliceSecrets.resumeTitle, aliceSecrets.notes, aliceSecrets.company];
    expect(await rowsContaining(database.url, needles), 'sealed from the start: nothing in clear even before erasure').to.deep.equal([]);

    const erased = await eraseMe(api, alice, { password: alice.password });
    expect(erased.status).to.equal(204);

    expect((await api.post('/api/auth/token/', { username: alice.username, password: alice.password })).status).to.equal(401);
    expect((await alice.get('/api/auth/me/')).status).to.equal(401);
    expect((await alice.get('/api/resumes/')).status).to.equal(401);
    expect((await api.post('/api/auth/token/refresh/', { refresh: alice.refresh })).status).to.equal(401);

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      for (const table of ['resumes', 'job_applications', 'job_application_events', 'resume_owner_counts', 'job_application_owner_counts']) {
        const { rows } = await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table} WHERE user_id = $1`, [alice.id]);
        expect(rows[0]!.n, table).to.equal('0');
      }
      expect((await client.query('SELECT 1 FROM users WHERE id = $1', [alice.id])).rowCount).to.equal(0);
      // The facts survive: alice's status move is still in the log, as a type and a date.
      const { rows: facts } = await client.query<{ type: string }>(`SELECT type FROM events WHERE data->>'userId' = $1 ORDER BY global_position`, [String(alice.id)]);
      expect(facts.map((f) => f.type)).to.include.members(['ResumeCreated', 'JobApplicationCreated', 'JobApplicationStatusChanged', 'JobApplicationSoftDeleted']);
    } finally {
      await client.end();
    }
    expect(await rowsContaining(database.url, needles)).to.deep.equal([]);
    expect(await redisValuesContaining(needles)).to.deep.equal([]);

    const bobAfter = { me: (await bob.get('/api/auth/me/')).body, resumes: (await bob.get('/api/resumes/')).body, apps: (await bob.get(APPS)).body, stats: (await bob.get(`${APPS}stats/`)).body };
    expect(bobAfter).to.deep.equal(bobBefore);

    await waitForWholeLog(database.url);
    const [live, rebuilt] = [await dumpReadModels(database.url), await rebuildReadModels(database.url, rebuildDatabase.url)];
    expect(rebuilt).to.deep.equal(live);

    // The name is free again: a new account, with a new id, and none of the old one's data.
    const again = await api.newUser({ username: alice.username, password: 'Another-Pass-77' });
    expect(again.id).to.not.equal(alice.id);
    expect((await again.get('/api/resumes/')).body).to.deep.equal([]);
    expect((await alice.get('/api/auth/me/')).status, "the old account's token does not become the new one's").to.equal(401);
  });

  it('racing writes by the same user: nothing of anyone else is lost and none of the person stays readable', async () => {
    const alice = await api.newUser();
    const bob = await api.newUser();
    const existing = await alice.post<{ id: number }>(APPS, { job_title: 'Engineer', company_name: `race-company-${uniqueName('x')}` });
    const texts = Array.from({ length: 12 }, (_, i) => `race-${i}-${uniqueName('x')}`);
    const aliceWrites = texts.map((text, i) =>
      i % 3 === 0
        ? alice.post('/api/resumes/', { title: text, content: text })
        : i % 3 === 1
          ? alice.post(APPS, { job_title: 'Engineer', company_name: 'Acme', notes: text })
          : alice.patch(`${APPS}${existing.body.id}/`, { notes: text }),
    );
    const bobWrites = Array.from({ length: 6 }, (_, i) => bob.post<{ id: number }>('/api/resumes/', { title: `bob ${i}`, content: `bob content ${i}` }));
    const [erased, aliceResults, bobResults] = await Promise.all([eraseMe(api, alice, { password: alice.password }), Promise.all(aliceWrites), Promise.all(bobWrites)]);
    expect(erased.status).to.equal(204);
    for (const result of aliceResults) expect([200, 201, 401, 404, 409], JSON.stringify(result.body)).to.include(result.status);
    expect(bobResults.map((r) => r.status)).to.deep.equal(bobResults.map(() => 201));

    const bobResumes = (await bob.get<{ id: number }[]>('/api/resumes/')).body.map((r) => r.id).sort();
    expect(bobResumes).to.deep.equal(bobResults.map((r) => r.body.id).sort());
    await waitForWholeLog(database.url);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      for (const table of ['resumes', 'job_applications', 'job_application_events']) {
        const { rows } = await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table} WHERE user_id = $1`, [alice.id]);
        expect(rows[0]!.n, table).to.equal('0');
      }
    } finally {
      await client.end();
    }
    expect(await rowsContaining(database.url, [alice.email, ...texts])).to.deep.equal([]);
    const [live, rebuilt] = [await dumpReadModels(database.url), await rebuildReadModels(database.url, raceRebuildDatabase.url)];
    expect(rebuilt).to.deep.equal(live);
  });
});
