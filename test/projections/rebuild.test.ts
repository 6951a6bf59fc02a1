import { expect } from 'chai';
import pg from 'pg';
import type { Knex } from 'knex';
import { allProjections } from '../../src/projections/index.js';
import { RebuildInProgress, rebuildProjections, type RebuildOptions } from '../../src/projections/rebuild.js';
import type { Infrastructure } from '../../src/server.js';
import { startTestApi, type TestApi, type TestUser } from '../support/api.js';
import { testDatabaseUrl } from '../support/db.js';
import { requireRedis } from '../support/redis.js';

const TABLES = allProjections.flatMap((p) => p.tables);
const QUOTA_MODEL = 'rebuild-test-model';
const QUOTA_DAY = '2026-11-24';

/** Every row of every read model, ordered by primary key, as PostgreSQL prints it. */
async function dump(db: Knex): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of TABLES) {
    const { rows } = (await db.raw(
      `SELECT string_agg(t::text, E'\\n' ORDER BY ${await primaryKey(db, table)}) AS dump FROM ?? t`,
      [table],
    )) as { rows: { dump: string | null }[] };
    out[table] = rows[0]?.dump ?? '';
  }
  return out;
}

async function primaryKey(db: Knex, table: string): Promise<string> {
  const { rows } = (await db.raw(
    `SELECT string_agg(format('t.%I', a.attname), ', ' ORDER BY array_position(i.indkey, a.attnum)) AS cols
       FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
      WHERE i.indrelid = ?::regclass AND i.indisprimary`,
    [table],
  )) as { rows: { cols: string }[] };
  return rows[0]!.cols;
}

/**
 * Index names and definitions and table settings of the read models: a rebuild (which builds
 * some indexes after its load, with its own table settings) must leave the migration's.
 */
async function indexNames(db: Knex): Promise<string[]> {
  const { rows } = (await db.raw(
    `SELECT tablename || '.' || indexname || ': ' || indexdef AS name FROM pg_indexes WHERE tablename = ANY (?)
     UNION ALL
     SELECT relname || ' settings: ' || coalesce(array_to_string(reloptions, ', '), 'default') FROM pg_class WHERE relname = ANY (?) AND relkind = 'r'
     ORDER BY 1`,
    [TABLES, TABLES],
  )) as { rows: { name: string }[] };
  return rows.map((r) => r.name);
}

describe('projections rebuild', function () {
  this.timeout(120_000);
  let api: TestApi;
  let infra: Infrastructure;
  let users: TestUser[];

  const rebuild = (options: Partial<RebuildOptions> = {}) =>
    rebuildProjections(
      { db: infra.db, store: infra.store, connectionString: infra.databaseUrl, lists: infra.lists },
      { projections: allProjections, known: allProjections, ...options },
    );
  /** What each user sees: the answers that must not change across a rebuild. */
  const answers = async () =>
    Promise.all(
      users.map(async (u) => {
        const lists = await Promise.all(['/api/resumes/', '/api/job-applications/', '/api/job-applications/stats/'].map((p) => u.get(p)));
        for (const l of lists) expect(l.status).to.equal(200);
        return lists.map((l) => l.body);
      }),
    );
  const quotaReserved = async (): Promise<number> =>
    Number((await infra.db('ai_usage_daily').where({ day: QUOTA_DAY, model: QUOTA_MODEL }).first('reserved'))?.reserved ?? 0);
  const reserveQuota = (i: number) =>
    infra.store.append(`aiQuota-user-${i}-${QUOTA_DAY}`, [{ type: 'AiQuotaReserved', data: { slot: `slot-${i}`, model: QUOTA_MODEL, day: QUOTA_DAY, at: `${QUOTA_DAY}T10:00:00.000Z` }, metadata: { at: `${QUOTA_DAY}T10:00:00.000Z` } }], { expectedRevision: 'any' });

  before(async function () {
    await requireRedis(this);
    api = await startTestApi();
    infra = api.server.infrastructure;
    users = await Promise.all([0, 1, 2].map(() => api.newUser()));
    for (const [n, u] of users.entries()) {
      const resume = await u.post<{ id: number }>('/api/resumes/', { title: `CV ${n}`, content: `It's me, "${n}" \\ o/\n\tindented\r\nlast line` });
      const gone = await u.post<{ id: number }>('/api/resumes/', { title: 'Old CV', content: 'old' });
      for (let i = 0; i < 4; i++) {
        const app = await u.post<{ id: number }>('/api/job-applications/', { job_title: `Job ${i}`, company_name: 'Acme', resume_used: i % 2 ? resume.body.id : gone.body.id, date_applied: '2026-11-20' });
        expect(app.status).to.equal(201);
        if (i === 1) expect((await u.patch(`/api/job-applications/${app.body.id}/`, { status: 'Interviewing', notes: 'café ☕' })).status).to.equal(200);
        if (i === 2) expect((await u.delete(`/api/job-applications/${app.body.id}/`)).status).to.equal(204);
      }
      expect((await u.delete(`/api/resumes/${gone.body.id}/`)).status).to.equal(204);
    }
    for (let i = 0; i < 5; i++) await reserveQuota(1000 + i);
    // A second creation of a taken id (no command writes one; an odd log might): every
    // projector must ignore it as the live one does, also where a rebuild COPYs rows.
    const taken = (await infra.db('resumes').orderBy('id').first('id', 'user_id', 'username')) as { id: number; user_id: number; username: string };
    const at = new Date().toISOString();
    await infra.store.append(`resume-duplicate-${taken.id}`, [{ type: 'ResumeCreated', data: { id: taken.id, userId: taken.user_id, username: taken.username, title: 'Duplicate', content: 'dup', source: 'manual', at }, metadata: { at } }], { expectedRevision: 'no_stream' });
    await infra.projections.catchUp();
  });
  after(async () => api?.stop());

  it('gives tables identical to the ones the live projector built, twice in a row, under the migration’s index names', async () => {
    await infra.projections.catchUp();
    const live = await dump(infra.db);
    const names = await indexNames(infra.db);
    await rebuild();
    const first = await dump(infra.db);
    await rebuild({ batchSize: 7 });
    const second = await dump(infra.db);
    expect(first).to.deep.equal(live);
    expect(second).to.deep.equal(first);
    expect(await indexNames(infra.db)).to.deep.equal(names);
    expect(first.job_applications).to.include('café ☕');
    // Written by COPY in the rebuild: backslash, tab, CR and LF came back as they went in.
    const contents = (await infra.db('resumes').pluck('content')) as string[];
    expect(contents).to.include(`It's me, "0" \\ o/\n\tindented\r\nlast line`);
  });

  it('swaps while the API serves: no request fails, answers stay the same, no event is lost or applied twice', async () => {
    const before = await answers();
    const writer = await api.newUser();
    const reservedBefore = await quotaReserved();
    let running = true;
    const failures: string[] = [];
    let reserved = 0;
    let written = 0;
    const writing = (async () => {
      while (running) {
        const app = await writer.post<{ id: number }>('/api/job-applications/', { job_title: `Live ${written}`, company_name: 'Acme' });
        if (app.status !== 201) failures.push(`POST ${app.status}`);
        else written++;
        await reserveQuota(reserved++); // increments: applied twice or lost shows in the count
      }
    })();
    const reading = (async () => {
      while (running) {
        const now = await answers().catch((err: Error) => (failures.push(err.message), before));
        if (JSON.stringify(now) !== JSON.stringify(before)) failures.push('answers changed during the rebuild');
      }
    })();
    // Small batches with a pause: the rebuild spans many writes, and the swap meets a busy projector.
    await rebuild({ batchSize: 25, batchDelayMs: 20 });
    await rebuild({ projections: allProjections.filter((p) => p.name === 'ai_usage_daily' || p.name === 'job_applications') });
    running = false;
    await Promise.all([writing, reading]);
    await infra.projections.catchUp();
    expect(failures).to.deep.equal([]);
    expect(written).to.be.greaterThan(0);
    expect(await answers()).to.deep.equal(before);
    const mine = await writer.get<unknown[]>('/api/job-applications/');
    expect(mine.body).to.have.length(written);
    expect(await quotaReserved()).to.equal(reservedBefore + reserved);
  });

  it('refuses to run while another rebuild holds the lock, and leaves the tables alone', async () => {
    const holder = new pg.Client({ connectionString: testDatabaseUrl() });
    await holder.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(hashtext('resumate:rebuild'))`);
      const before = await dump(infra.db);
      const err = await rebuild().catch((e: unknown) => e);
      expect(err).to.be.instanceOf(RebuildInProgress);
      expect((err as Error).message).to.match(/Another projections rebuild is running/);
      expect(await dump(infra.db)).to.deep.equal(before);
    } finally {
      await holder.end();
    }
  });
});
