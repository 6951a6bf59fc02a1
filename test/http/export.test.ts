import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'chai';
import { aiQuotaStream, userPrincipal } from '../../src/domain/aiQuota/index.js';
import { EXPORT_PAGE_SIZE } from '../../src/history/personalDataExport.js';
import { openApiPath } from '../../src/http/openapi/document.js';
import { requireRedis } from '../support/redis.js';
import { startTestApi, uniqueName, type TestApi, type TestUser } from '../support/api.js';

interface Export {
  exported_at: string;
  profile: { id: number; username: string; email: string; is_active: boolean };
  resumes: { id: number; title: string; content: string; source: string; ai_model: string | null; history: { revision: number; type: string; changes: Record<string, unknown> }[] }[];
  job_applications: { id: number; job_title: string; notes: string; status: string; is_deleted: boolean; history: { type: string; changes: Record<string, unknown> }[] }[];
  ai_generations: { at: string; model: string; event: string; reason?: string }[];
  quota_usage: { day: string; model: string; used: number; given_back: number }[];
}

const USER_INPUT = 'Software engineer with five years of Python, Django and React, and cloud deployment.';
const PATH = '/api/auth/me/export/';

describe('GET /api/auth/me/export/', function () {
  this.timeout(60_000);
  let api: TestApi;
  before(async function () {
    await requireRedis(this);
    api = await startTestApi();
  });
  after(async () => api?.stop());

  const created = async <T>(response: Promise<{ status: number; body: T }>): Promise<T> => {
    const { status, body } = await response;
    expect(status, JSON.stringify(body)).to.be.oneOf([200, 201]);
    return body;
  };
  const application = (user: TestUser, fields: Record<string, unknown>) =>
    created(user.post<{ id: number }>('/api/job-applications/', { job_title: uniqueName('job'), company_name: 'TechCorp Inc.', ...fields }));

  it('holds everything the user made — profile, resumes with history, applications (deleted too) with timelines, generations, quota — and nothing of anyone else', async () => {
    const alice = await api.newUser();
    const bob = await api.newUser();
    const cv = await created(alice.post<{ id: number }>('/api/resumes/', { title: 'Alice CV', content: 'Alice writes Rust.' }));
    await created(alice.patch(`/api/resumes/${cv.id}/`, { content: 'Alice writes Rust and Go.' }));
    const applied = await application(alice, { job_title: 'Platform Engineer', notes: 'Alice notes', resume_used: cv.id });
    await created(alice.patch(`/api/job-applications/${applied.id}/`, { status: 'Interviewing' }));
    const dropped = await application(alice, { job_title: 'Dropped Role' });
    expect((await alice.delete(`/api/job-applications/${dropped.id}/`)).status).to.equal(204);
    await created(alice.post('/api/ai/generate/', { model: 'ResuMate Offline', user_input: USER_INPUT, title: 'Alice AI CV' }));
    await created(bob.post('/api/resumes/', { title: 'Bob secret CV', content: 'Bob private text' }));
    await application(bob, { job_title: 'Bob secret job', notes: 'Bob private notes' });

    const response = await alice.get<Export>(PATH);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^application\/json/);
    expect(response.headers.get('content-disposition')).to.match(/^attachment; filename="resumate-export\.json"/);
    const data = response.body;
    expect(data.profile).to.include({ id: alice.id, username: alice.username, email: alice.email, is_active: true });

    expect(data.resumes.map((r) => [r.title, r.source])).to.deep.equal([['Alice CV', 'manual'], ['Alice AI CV', 'ai']]);
    expect(data.resumes[0]!.content).to.equal('Alice writes Rust and Go.');
    expect(data.resumes[0]!.history.map((h) => [h.revision, h.type])).to.deep.equal([[0, 'ResumeCreated'], [1, 'ResumeUpdated']]);
    expect(data.resumes[1]!.ai_model).to.equal('ResuMate Offline');

    const [first, second] = data.job_applications;
    expect(first).to.include({ id: applied.id, job_title: 'Platform Engineer', notes: 'Alice notes', status: 'Interviewing', is_deleted: false });
    expect(first!.history.find((h) => h.type === 'JobApplicationStatusChanged')?.changes).to.deep.equal({ from: 'Applied', to: 'Interviewing' });
    expect(second).to.include({ id: dropped.id, is_deleted: true });
    expect(second!.history.map((h) => h.type)).to.deep.equal(['JobApplicationCreated', 'JobApplicationSoftDeleted']);

    expect(data.ai_generations).to.have.length(1);
    expect(data.ai_generations[0]).to.include({ model: 'resumate offline', event: 'reserved' });
    expect(data.quota_usage).to.deep.equal([{ day: data.exported_at.slice(0, 10), model: 'resumate offline', used: 1, given_back: 0 }]);

    const text = JSON.stringify(data);
    for (const other of [bob.username, bob.email, 'Bob secret', 'Bob private']) expect(text).not.to.include(other);
  });

  it('matches the schema the OpenAPI document gives it', async () => {
    const alice = await api.newUser();
    await created(alice.post('/api/resumes/', { title: 'CV', content: 'Text' }));
    await application(alice, {});
    await created(alice.post('/api/ai/generate/', { model: 'ResuMate Offline', user_input: USER_INPUT }));
    const doc = (await api.request<{ paths: Record<string, unknown> }>('/api/schema/')).body;
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    addFormats.default(ajv);
    ajv.addSchema(doc, 'openapi');
    const at = `openapi#/paths/${openApiPath('/api/auth/me/export').replace(/~/g, '~0').replace(/\//g, '~1')}/get/responses/200/content/application~1json/schema`;
    const validate = ajv.compile({ $ref: at });
    const { body } = await alice.get(PATH);
    expect(validate(body), ajv.errorsText(validate.errors)).to.equal(true);
  });

  it('finds the days the user generated on from ai_usage_by_user, however long before the account was made (not one stream per day since joining)', async () => {
    const dave = await api.newUser();
    const { store, projections } = api.server.infrastructure;
    const longAgo = '2020-02-29';
    const appended = await store.append(
      aiQuotaStream(userPrincipal(dave.id), longAgo),
      [{ type: 'AiQuotaReserved', data: { slot: 'old', model: 'resumate offline', day: longAgo, at: `${longAgo}T12:00:00.000Z` }, metadata: { userId: dave.id, at: `${longAgo}T12:00:00.000Z` } }],
      { expectedRevision: 'no_stream' },
    );
    await projections.waitFor(['ai_usage_by_user'], appended.position, 10_000);
    const body = await created(dave.get<Export>(PATH));
    expect(body.quota_usage).to.deep.equal([{ day: longAgo, model: 'resumate offline', used: 1, given_back: 0 }]);
    expect(body.ai_generations).to.deep.equal([{ at: `${longAgo}T12:00:00.000Z`, model: 'resumate offline', event: 'reserved' }]);
  });

  it('is refused without a valid bearer token (401 in the API shape)', async () => {
    for (const headers of [{}, { authorization: 'Bearer not-a-token' }] as Record<string, string>[]) {
      const response = await api.request<{ code: string }>(PATH, { headers });
      expect(response.status).to.equal(401);
      expect(response.body.code).to.be.a('string');
    }
  });

  it('streams a big account a page at a time: every read-model query is bounded, and the body comes without Content-Length', async () => {
    const carol = await api.newUser();
    const many = 2 * EXPORT_PAGE_SIZE + 3;
    for (let i = 0; i < many; i++) {
      await created(carol.post('/api/resumes/', { title: `CV ${i}`, content: 'x'.repeat(1000) }));
      await application(carol, { notes: 'n'.repeat(1000) });
    }
    const queries: { sql: string; bindings: readonly unknown[] }[] = [];
    const record = (query: { sql: string; bindings?: readonly unknown[] }) => queries.push({ sql: query.sql, bindings: query.bindings ?? [] });
    const { db } = api.server.infrastructure;
    db.on('query', record);
    let response: Response;
    let body: Export;
    try {
      response = await fetch(`${api.url}${PATH}`, { headers: { authorization: `Bearer ${carol.access}` } });
      body = (await response.json()) as Export;
    } finally {
      db.off('query', record);
    }
    expect(response.headers.get('content-length')).to.equal(null);
    expect(response.headers.get('transfer-encoding')).to.equal('chunked');
    expect(body.resumes).to.have.length(many);
    expect(body.job_applications).to.have.length(many);
    for (const table of ['resumes', 'job_applications']) {
      const pages = queries.filter((q) => new RegExp(`from "${table}" where "user_id" = \\$1 and "id" > \\$2`).test(q.sql));
      expect(pages, table).to.have.length(Math.ceil((many + 1) / EXPORT_PAGE_SIZE));
      for (const page of pages) {
        expect(page.sql).to.match(/limit \$3$/);
        expect(page.bindings.at(-1)).to.equal(EXPORT_PAGE_SIZE);
      }
    }
    expect(queries.some((q) => /from "(resumes|job_applications|job_application_events)"/.test(q.sql) && !/limit \$\d+$/.test(q.sql)), 'an unbounded read').to.equal(false);
  });
});
