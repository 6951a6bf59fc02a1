import { expect } from 'chai';
import type { Knex } from 'knex';
import type { Pool } from 'pg';
import { HISTORY_CHUNK_EVENTS } from '../../src/history/resumeHistory.js';
import { resumeStream } from '../../src/domain/resume/index.js';
import type { EventStore } from '../../src/eventstore/port.js';
import { HISTORY_CHUNK_EVENTS as APPLICATION_HISTORY_CHUNK_EVENTS } from '../../src/projections/jobApplicationEvents.js';
import { LIST_CHUNK_BYTES } from '../../src/projections/listQuery.js';
import { JOB_DESCRIPTION_MAX_LENGTH, NOTES_MAX_LENGTH } from '../../src/http/schemas/jobApplications.js';
import { RESUME_CONTENT_MAX_LENGTH } from '../../src/http/schemas/resumes.js';
import { requireRedis } from '../support/redis.js';
import { startTestApi, uniqueName, type TestApi, type TestUser } from '../support/api.js';

interface Sent {
  sql: string;
  bindings: readonly unknown[];
}

/** Every statement the server's knex sends while `run` runs. */
async function sqlSentDuring(db: Knex, run: () => Promise<unknown>): Promise<Sent[]> {
  const sent: Sent[] = [];
  const record = (q: { sql: string; bindings?: readonly unknown[] }) => sent.push({ sql: q.sql, bindings: q.bindings ?? [] });
  db.on('query', record);
  try {
    await run();
  } finally {
    db.off('query', record);
  }
  return sent;
}

/**
 * The row limit of every read of `stream` the PostgreSQL event store sends while `run` runs
 * (the store is behind a metrics proxy, so its pool is where reads can be seen).
 */
async function streamReadLimitsDuring(store: EventStore, stream: string, run: () => Promise<unknown>): Promise<unknown[]> {
  const pool = (store as unknown as { pool: Pool }).pool;
  const limits: unknown[] = [];
  const original = pool.query.bind(pool) as (text: string, values?: unknown[]) => Promise<unknown>;
  pool.query = ((text: string, values?: unknown[]) => {
    if (typeof text === 'string' && text.includes('FROM events e WHERE e.stream_id = $1') && values?.[0] === stream) limits.push(values[2] ?? null);
    return original(text, values);
  }) as Pool['query'];
  try {
    await run();
  } finally {
    pool.query = original as Pool['query'];
  }
  return limits;
}

const tooLong = (limit: number) => `Ensure this field has no more than ${limit} characters.`;

/**
 * Issue 14, item 2: what one request holds is bounded whatever the user stored. Lists and
 * histories are read a few rows at a time (shown by the SQL sent, not by timing or RSS),
 * text fields have maximum lengths, and what one user may keep is capped.
 */
describe('memory per request is bounded', function () {
  this.timeout(60_000);
  let api: TestApi;
  let db: Knex;
  before(async function () {
    await requireRedis(this);
    api = await startTestApi();
    db = api.server.infrastructure.db;
  });
  after(async () => api?.stop());

  const resumesOf = async (user: TestUser, count: number): Promise<number[]> => {
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      const { status, body } = await user.post<{ id: number }>('/api/resumes/', { title: `r${i}`, content: `# ${i}` });
      expect(status).to.equal(201);
      ids.push(body.id);
    }
    return ids;
  };

  describe('lists', () => {
    const isRowRead = (table: string) => (q: Sent) => q.sql.startsWith(`select * from "${table}"`);

    it('reads a list of resumes as ids and sizes, then the rows a chunk of bounded size at a time', async () => {
      const alice = await api.newUser();
      const sizes = new Map<number, number>();
      for (let i = 0; i < 5; i++) {
        const content = String(i).repeat(RESUME_CONTENT_MAX_LENGTH);
        const { body } = await alice.post<{ id: number }>('/api/resumes/', { title: `big ${i}`, content });
        sizes.set(body.id, content.length);
      }
      const { body: small } = await alice.post<{ id: number }>('/api/resumes/', { title: 'small', content: 'c' });
      sizes.set(small.id, 1);
      let listed: { id: number; content: string }[] = [];
      const sent = await sqlSentDuring(db, async () => {
        const response = await alice.get<typeof listed>('/api/resumes/');
        expect(response.status).to.equal(200);
        expect(response.headers.get('content-type')).to.match(/^application\/json/);
        listed = response.body;
      });
      expect(listed.map((r) => r.id)).to.deep.equal([...sizes.keys()].reverse()); // newest updated_at first, as before
      expect(listed.map((r) => r.content.length)).to.deep.equal([...sizes.values()].reverse());
      const reads = sent.filter((q) => q.sql.includes(' from "resumes"'));
      expect(reads[0]!.sql, 'ids and sizes first, no content').to.match(/^select "id", octet_length\(content\) as bytes from "resumes"/);
      const rowReads = reads.filter(isRowRead('resumes'));
      expect(rowReads.length).to.be.at.least(2);
      for (const q of rowReads) {
        expect(q.sql).to.match(/"id" in \(/);
        const ids = q.bindings.slice(1) as number[]; // the first binding is the user
        const bytes = ids.reduce((sum, id) => sum + sizes.get(id)!, 0);
        expect(ids.length === 1 || bytes <= LIST_CHUNK_BYTES, `${bytes} bytes in one read`).to.equal(true);
      }
    });

    it('pages a list the same way, with DRF’s envelope', async () => {
      const alice = await api.newUser();
      const ids = await resumesOf(alice, 23);
      let page: { count: number; next: string | null; previous: string | null; results: { id: number }[] } | undefined;
      const sent = await sqlSentDuring(db, async () => {
        page = (await alice.get<NonNullable<typeof page>>('/api/resumes/?limit=12&offset=1')).body;
      });
      expect(page!.count).to.equal(ids.length);
      expect(page!.next).to.match(/\?limit=12&offset=13$/);
      expect(page!.previous).to.match(/\?limit=12$/);
      expect(page!.results.map((r) => r.id)).to.deep.equal([...ids].reverse().slice(1, 13));
      const rowReads = sent.filter(isRowRead('resumes'));
      expect(rowReads).to.have.length(1); // small rows: one read for the page
      expect(rowReads[0]!.bindings).to.have.length(1 + 12);
    });

    it('reads a list of job applications a chunk of bounded size at a time too', async () => {
      const alice = await api.newUser();
      const full = { job_title: 'j', company_name: 'c', original_job_description: 'd'.repeat(JOB_DESCRIPTION_MAX_LENGTH), notes: 'n'.repeat(NOTES_MAX_LENGTH) };
      for (let i = 0; i < 5; i++) expect((await alice.post('/api/job-applications/', full)).status).to.equal(201);
      let listed: unknown[] = [];
      const sent = await sqlSentDuring(db, async () => {
        listed = (await alice.get<unknown[]>('/api/job-applications/')).body;
      });
      expect(listed).to.have.length(5);
      const perRead = Math.floor(LIST_CHUNK_BYTES / (JOB_DESCRIPTION_MAX_LENGTH + NOTES_MAX_LENGTH));
      const rowReads = sent.filter(isRowRead('job_applications'));
      expect(rowReads).to.have.length(Math.ceil(5 / perRead));
      for (const q of rowReads) expect(q.bindings.length - 2).to.be.at.most(perRead); // the user and is_deleted, then the ids
    });

    it('takes limit=0 as no limit given: DRF’s default page, never a link to itself', async () => {
      const alice = await api.newUser();
      await resumesOf(alice, 3);
      const { status, body } = await alice.get<{ count: number; next: string | null; previous: string | null; results: unknown[] }>('/api/resumes/?limit=0');
      expect(status).to.equal(200);
      expect(body).to.include({ count: 3, next: null, previous: null });
      expect(body.results).to.have.length(3);
    });
  });

  describe('histories', () => {
    it('reads a resume’s history from its stream a chunk of events at a time', async () => {
      const alice = await api.newUser();
      const [id] = await resumesOf(alice, 1);
      const patches = 2 * HISTORY_CHUNK_EVENTS + 4;
      for (let i = 0; i < patches; i++) expect((await alice.patch(`/api/resumes/${id}/`, { content: `v${i}` })).status).to.equal(200);
      let history: { revision: number }[] = [];
      const limits = await streamReadLimitsDuring(api.server.infrastructure.store, resumeStream(id!), async () => {
        history = (await alice.get<{ revision: number }[]>(`/api/resumes/${id}/history/`)).body;
      });
      expect(history.map((e) => e.revision)).to.deep.equal([...Array(patches + 1).keys()]);
      expect(limits.length).to.be.greaterThan(2);
      for (const limit of limits) expect(limit, 'events per read').to.be.a('number').and.at.most(HISTORY_CHUNK_EVENTS);
    });

    it('reads a job application’s history a chunk of events at a time', async () => {
      const alice = await api.newUser();
      const { body: app } = await alice.post<{ id: number }>('/api/job-applications/', { job_title: 'j', company_name: 'c' });
      for (let i = 0; i < HISTORY_CHUNK_EVENTS + 2; i++) await alice.patch(`/api/job-applications/${app.id}/`, { notes: `n${i}` });
      let history: unknown[] = [];
      const sent = await sqlSentDuring(db, async () => {
        history = (await alice.get<unknown[]>(`/api/job-applications/${app.id}/history/`)).body;
      });
      expect(history).to.have.length(HISTORY_CHUNK_EVENTS + 3);
      const reads = sent.filter((q) => /from "job_application_events"/.test(q.sql));
      expect(reads).to.have.length(2);
      for (const q of reads) {
        expect(q.sql).to.match(/ limit \$\d+$/);
        expect(q.bindings.at(-1), 'events per read').to.be.at.most(APPLICATION_HISTORY_CHUNK_EVENTS);
      }
    });
  });

  describe('field lengths', () => {
    it('refuses a resume’s content past its maximum with DRF’s message', async () => {
      const alice = await api.newUser();
      const refused = await alice.post('/api/resumes/', { title: 't', content: 'x'.repeat(RESUME_CONTENT_MAX_LENGTH + 1) });
      expect(refused.status).to.equal(400);
      expect(refused.body).to.have.nested.property('field_errors.content[0]', tooLong(RESUME_CONTENT_MAX_LENGTH));
      // Characters, not bytes or UTF-16 units (Python's len): the maximum in emoji is accepted.
      expect((await alice.post('/api/resumes/', { title: 't', content: '😀'.repeat(RESUME_CONTENT_MAX_LENGTH) })).status).to.equal(201);
    });

    it('refuses an application’s description and notes past their maximums', async () => {
      const alice = await api.newUser();
      const { status, body } = await alice.post('/api/job-applications/', {
        job_title: 'j',
        company_name: 'c',
        original_job_description: 'd'.repeat(JOB_DESCRIPTION_MAX_LENGTH + 1),
        notes: 'n'.repeat(NOTES_MAX_LENGTH + 1),
      });
      expect(status).to.equal(400);
      expect(body).to.have.deep.nested.property('field_errors.original_job_description', [tooLong(JOB_DESCRIPTION_MAX_LENGTH)]);
      expect(body).to.have.deep.nested.property('field_errors.notes', [tooLong(NOTES_MAX_LENGTH)]);
    });
  });

  describe('what one user may keep', () => {
    let capped: TestApi;
    before(async () => {
      capped = await startTestApi({ MAX_RESUMES_PER_USER: '3', MAX_JOB_APPLICATIONS_PER_USER: '2' });
    });
    after(async () => capped?.stop());

    const capMessage = (limit: number, things: string) => `You can keep at most ${limit} ${things}. Delete one to add another.`;

    it('refuses a resume past the cap, even in a concurrent burst, until one is deleted', async () => {
      const alice = await capped.newUser();
      const burst = await Promise.all([...Array(6).keys()].map((i) => alice.post<{ id: number }>('/api/resumes/', { title: `r${i}`, content: 'c' })));
      expect(burst.map((r) => r.status).sort()).to.deep.equal([201, 201, 201, 400, 400, 400]);
      const refused = burst.find((r) => r.status === 400)!;
      expect(refused.body).to.deep.equal({
        error: capMessage(3, 'resumes'),
        code: 'invalid',
        detail: capMessage(3, 'resumes'),
        field_errors: { non_field_errors: [capMessage(3, 'resumes')] },
      });
      expect((await alice.get<unknown[]>('/api/resumes/')).body).to.have.length(3);
      const kept = burst.find((r) => r.status === 201)!.body;
      expect((await alice.delete(`/api/resumes/${kept.id}/`)).status).to.equal(204);
      expect((await alice.post('/api/resumes/', { title: 'again', content: 'c' })).status).to.equal(201);
      // Another user has their own allowance.
      expect((await (await capped.newUser()).post('/api/resumes/', { title: uniqueName(), content: 'c' })).status).to.equal(201);
    });

    it('refuses to keep a generated resume past the cap, and gives the AI quota slot back', async () => {
      const alice = await capped.newUser();
      for (let i = 0; i < 3; i++) expect((await alice.post('/api/resumes/', { title: `r${i}`, content: 'c' })).status).to.equal(201);
      const userInput = 'Software engineer with 5 years experience in Python, Django, React. Expert in cloud deployment.';
      const refused = await alice.post('/api/ai/generate/', { model: 'ResuMate Offline', user_input: userInput });
      expect(refused.status).to.equal(400);
      expect(refused.body).to.have.deep.nested.property('field_errors.non_field_errors', [capMessage(3, 'resumes')]);
      const quota = await alice.get<{ model: string; used_today: number }[]>('/api/ai/quota/');
      expect(quota.body.find((q) => q.model === 'ResuMate Offline')?.used_today).to.equal(0);
    });

    it('refuses an application past the cap; a soft delete frees a place, a restore takes one', async () => {
      const alice = await capped.newUser();
      const create = () => alice.post<{ id: number }>('/api/job-applications/', { job_title: 'j', company_name: 'c' });
      const [first, second] = [await create(), await create()];
      const refused = await create();
      expect(refused.status).to.equal(400);
      expect(refused.body).to.have.deep.nested.property('field_errors.non_field_errors', [capMessage(2, 'job applications')]);
      expect((await alice.delete(`/api/job-applications/${first.body.id}/`)).status).to.equal(204);
      expect((await create()).status).to.equal(201);
      expect((await alice.post(`/api/job-applications/${first.body.id}/restore/`)).status).to.equal(400);
      expect((await alice.post(`/api/job-applications/${second.body.id}/restore/`)).status, 'restoring one not deleted changes nothing').to.equal(200);
    });
  });
});
