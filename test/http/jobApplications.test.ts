import { expect } from 'chai';
import { createJobApplication, softDeleteJobApplication, updateJobApplication } from '../../src/commands/jobApplications.js';
import type { CommandDeps } from '../../src/commands/deps.js';
import { decidingFields, jobApplicationDecider, jobApplicationStream, newJobApplicationFields, type JobApplicationEvent } from '../../src/domain/jobApplication/index.js';
import type { JobApplicationView } from '../../src/projections/jobApplications.js';
import type { JobApplicationHistoryEntry } from '../../src/projections/jobApplicationEvents.js';
import { commandDeps } from '../../src/server.js';
import { requireRedis } from '../support/redis.js';
import { startTestApi, type TestApi, type TestUser } from '../support/api.js';

const BASE = '/api/job-applications';
const errorBody = (message: string, code: string) => ({ error: message, code, detail: message });
const NOT_FOUND = errorBody('Not found.', 'not_found');
const invalid = (fieldErrors: Record<string, string[]>) => ({ ...errorBody('Invalid input.', 'invalid'), field_errors: fieldErrors });
const buildApplication = (overrides: Record<string, unknown> = {}) => ({ job_title: 'Engineer', company_name: 'Acme', ...overrides });
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const DAY_MS = 86_400_000;

type Page = { count: number; next: string | null; previous: string | null; results: JobApplicationView[] };

describe('job application endpoints', function () {
  this.timeout(30_000);
  let api: TestApi;
  let deps: CommandDeps;
  before(async function () {
    await requireRedis(this);
    api = await startTestApi();
    deps = commandDeps(api.server.infrastructure);
  });
  after(async () => api?.stop());

  const create = async (user: TestUser, overrides: Record<string, unknown> = {}): Promise<JobApplicationView> => {
    const { status, body } = await user.post<JobApplicationView>(`${BASE}/`, buildApplication(overrides));
    expect(status, JSON.stringify(body)).to.equal(201);
    return body;
  };
  const createResume = async (user: TestUser): Promise<number> => {
    const { status, body } = await user.post<{ id: number }>('/api/resumes/', { title: 'CV', content: '# Me' });
    expect(status, JSON.stringify(body)).to.equal(201);
    return body.id;
  };
  const readStream = (id: number) => api.server.infrastructure.store.readStream<JobApplicationEvent>(jobApplicationStream(id));
  const eventTypes = async (id: number) => (await readStream(id)).map((e) => e.type);
  const ids = (apps: JobApplicationView[]) => apps.map((a) => a.id);

  describe('POST /api/job-applications/', () => {
    it('creates an application with the original’s defaults, which GET then returns', async () => {
      const alice = await api.newUser();
      const { status, body } = await alice.post<JobApplicationView>(`${BASE}/`, buildApplication());
      expect(status).to.equal(201);
      expect(body).to.deep.equal({
        id: body.id,
        user: alice.id,
        job_title: 'Engineer',
        company_name: 'Acme',
        original_job_description: '',
        resume_used: null,
        date_applied: null,
        status: 'Applied',
        notes: '',
        is_deleted: false,
        is_example: false,
        created_at: body.created_at,
        updated_at: body.created_at,
      });
      expect(body.id).to.be.a('number');
      expect(body.created_at).to.match(ISO_TIME);
      expect((await alice.get(`${BASE}/${body.id}/`)).body).to.deep.equal(body);
      expect(await eventTypes(body.id)).to.deep.equal(['JobApplicationCreated']);
    });

    it('takes every writable field, a resume of the caller’s as a number or numeric string, and ignores read-only ones', async () => {
      const alice = await api.newUser();
      const resumeId = await createResume(alice);
      const body = await create(alice, {
        original_job_description: 'We are looking for…',
        resume_used: String(resumeId),
        date_applied: '2024-02-29',
        status: 'Interviewing',
        notes: '  Phone screen  ',
        id: 1,
        user: 999,
        is_deleted: true,
        is_example: true,
        created_at: '2000-01-01T00:00:00Z',
      });
      expect(body).to.include({
        user: alice.id,
        original_job_description: 'We are looking for…',
        resume_used: resumeId,
        date_applied: '2024-02-29',
        status: 'Interviewing',
        notes: 'Phone screen',
        is_deleted: false,
        is_example: false,
      });
      expect(body.id).to.not.equal(1);
      expect(body.created_at.startsWith('2000')).to.equal(false);
    });

    it('reports missing, blank and too long titles with the original messages', async () => {
      const alice = await api.newUser();
      expect((await alice.post(`${BASE}/`, {})).body).to.deep.equal(
        invalid({ job_title: ['This field is required.'], company_name: ['This field is required.'] }),
      );
      expect((await alice.post(`${BASE}/`, buildApplication({ job_title: '', company_name: '   ' }))).body).to.deep.equal(
        invalid({ job_title: ['This field may not be blank.'], company_name: ['This field may not be blank.'] }),
      );
      expect((await alice.post(`${BASE}/`, buildApplication({ job_title: 'a'.repeat(201), company_name: 'b'.repeat(201) }))).body).to.deep.equal(
        invalid({
          job_title: ['Ensure this field has no more than 200 characters.'],
          company_name: ['Ensure this field has no more than 200 characters.'],
        }),
      );
      expect((await alice.post(`${BASE}/`, buildApplication({ job_title: 'a'.repeat(200) }))).status).to.equal(201);
    });

    it('reports a bad status choice, a null status and a bad date', async () => {
      const alice = await api.newUser();
      const { status, body } = await alice.post(`${BASE}/`, buildApplication({ status: 'Foo', date_applied: '2024-02-30' }));
      expect(status).to.equal(400);
      expect(body).to.deep.equal(
        invalid({
          date_applied: ['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'],
          status: ['"Foo" is not a valid choice.'],
        }),
      );
      expect((await alice.post(`${BASE}/`, buildApplication({ status: null, date_applied: '2024-01-02T10:00:00Z' }))).body).to.deep.equal(
        invalid({
          date_applied: ['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'],
          status: ['This field may not be null.'],
        }),
      );
    });

    it('accepts only a live resume of the caller’s in resume_used, quoting the pk as sent', async () => {
      const alice = await api.newUser();
      const bob = await api.newUser();
      const bobsResume = await createResume(bob);
      const missingPk = (pk: string) => invalid({ resume_used: [`Invalid pk "${pk}" - object does not exist.`] });
      expect((await alice.post(`${BASE}/`, buildApplication({ resume_used: bobsResume }))).body).to.deep.equal(missingPk(String(bobsResume)));
      expect((await alice.post(`${BASE}/`, buildApplication({ resume_used: 9999 }))).body).to.deep.equal(missingPk('9999'));
      expect((await alice.post(`${BASE}/`, buildApplication({ resume_used: '9999' }))).body).to.deep.equal(missingPk('9999'));
      expect((await alice.post(`${BASE}/`, buildApplication({ resume_used: 1e20 }))).body).to.deep.equal(missingPk('100000000000000000000'));
      expect((await alice.post(`${BASE}/`, buildApplication({ resume_used: 'abc' }))).body).to.deep.equal(
        invalid({ resume_used: ['Incorrect type. Expected pk value, received str.'] }),
      );
      expect((await alice.post(`${BASE}/`, buildApplication({ resume_used: true }))).body).to.deep.equal(
        invalid({ resume_used: ['Incorrect type. Expected pk value, received bool.'] }),
      );
      expect((await alice.post(`${BASE}/`, buildApplication({ job_title: '', resume_used: 9999 }))).body).to.deep.equal(
        invalid({ job_title: ['This field may not be blank.'], resume_used: ['Invalid pk "9999" - object does not exist.'] }),
      );
      expect((await alice.post(`${BASE}/`, buildApplication({ resume_used: null }))).status).to.equal(201);
    });

    it('needs credentials', async () => {
      const { status, body } = await api.post(`${BASE}/`, buildApplication());
      expect(status).to.equal(401);
      expect(body).to.deep.equal(errorBody('Authentication credentials were not provided.', 'not_authenticated'));
    });
  });

  describe('GET /api/job-applications/', () => {
    it('lists the caller’s live applications, newest first, as a plain array', async () => {
      const alice = await api.newUser();
      const bob = await api.newUser();
      const first = await create(alice);
      const second = await create(alice);
      const deleted = await create(alice);
      await create(bob);
      expect((await alice.delete(`${BASE}/${deleted.id}/`)).status).to.equal(204);
      const { status, body } = await alice.get<JobApplicationView[]>(BASE);
      expect(status).to.equal(200);
      expect(ids(body)).to.deep.equal([second.id, first.id]);
      expect(body[0]).to.deep.equal(second);
    });

    describe('with query parameters', () => {
      let alice: TestUser;
      let apps: Record<'a' | 'b' | 'c' | 'd', JobApplicationView>;
      before(async () => {
        alice = await api.newUser();
        apps = {
          a: await create(alice, { job_title: 'Backend Engineer', company_name: 'Acme', status: 'Offer', date_applied: '2026-01-03' }),
          b: await create(alice, { job_title: 'Data Analyst', company_name: 'Globex', date_applied: '2026-01-01' }),
          c: await create(alice, { job_title: 'Chef', company_name: 'ACME Foods', status: 'Offer', date_applied: '2026-01-02' }),
          d: await create(alice, { job_title: 'Zookeeper', company_name: 'Initech', status: 'Rejected' }),
        };
      });
      const list = async (query: string) => {
        const { status, body } = await alice.get<JobApplicationView[]>(`${BASE}/?${query}`);
        expect(status, JSON.stringify(body)).to.equal(200);
        return ids(body);
      };

      it('filters by status', async () => expect(await list('status=Offer')).to.deep.equal([apps.c.id, apps.a.id]));
      it('searches title and company, case-insensitively', async () => {
        expect(await list('search=acme')).to.deep.equal([apps.c.id, apps.a.id]);
        expect(await list('search=analyst')).to.deep.equal([apps.b.id]);
        expect(await list('search=%25')).to.deep.equal([]);
      });
      it('orders by a field, descending with "-"', async () => {
        expect(await list('ordering=job_title')).to.deep.equal([apps.a.id, apps.c.id, apps.b.id, apps.d.id]);
        expect(await list('ordering=date_applied')).to.deep.equal([apps.b.id, apps.c.id, apps.a.id, apps.d.id]);
        expect(await list('ordering=-created_at&status=Offer&search=acme')).to.deep.equal([apps.c.id, apps.a.id]);
      });
      it('pages with limit/offset in DRF’s envelope', async () => {
        const { status, body } = await alice.get<Page>(`${BASE}/?limit=2&offset=1`);
        expect(status).to.equal(200);
        expect(body.count).to.equal(4);
        expect(ids(body.results)).to.deep.equal([apps.c.id, apps.b.id]);
        expect(body.next).to.equal(`${api.url}${BASE}/?limit=2&offset=3`);
        expect(body.previous).to.equal(`${api.url}${BASE}/?limit=2`);
      });
      it('refuses a bad status, ordering or limit', async () => {
        expect((await alice.get(`${BASE}/?status=Foo`)).body).to.deep.equal(
          invalid({ status: ['Select a valid choice. Foo is not one of the available choices.'] }),
        );
        expect((await alice.get(`${BASE}/?ordering=secret`)).status).to.equal(400);
        expect((await alice.get(`${BASE}/?limit=x`)).body).to.deep.equal(invalid({ limit: ['A valid integer is required.'] }));
      });
    });
  });

  describe('GET /api/job-applications/:id/', () => {
    it('is 404 for a missing id and for ids that are not integers in range, never 500', async () => {
      const alice = await api.newUser();
      for (const id of ['999999999', 'abc', '-1', '0', '1.5', '99999999999999999999', '1e3', '%20']) {
        const { status, body } = await alice.get(`${BASE}/${id}/`);
        expect(status, id).to.equal(404);
        expect(body).to.deep.equal(NOT_FOUND);
      }
    });
  });

  describe('PUT and PATCH /api/job-applications/:id/', () => {
    it('PUT needs the required fields and keeps the ones not sent', async () => {
      const alice = await api.newUser();
      const app = await create(alice, { notes: 'keep me', status: 'Interviewing' });
      expect((await alice.put(`${BASE}/${app.id}/`, { notes: 'x' })).body).to.deep.equal(
        invalid({ job_title: ['This field is required.'], company_name: ['This field is required.'] }),
      );
      const { status, body } = await alice.put<JobApplicationView>(`${BASE}/${app.id}/`, { job_title: 'Lead', company_name: 'Globex' });
      expect(status).to.equal(200);
      expect(body).to.deep.equal({ ...app, job_title: 'Lead', company_name: 'Globex', updated_at: body.updated_at });
      expect(body.updated_at > app.updated_at).to.equal(true);
      expect((await alice.get(`${BASE}/${app.id}/`)).body).to.deep.equal(body);
    });

    it('PATCH changes what it is sent; nothing changed records nothing', async () => {
      const alice = await api.newUser();
      const app = await create(alice);
      const { status, body } = await alice.patch<JobApplicationView>(`${BASE}/${app.id}/`, { notes: 'Called back', date_applied: '2026-01-05' });
      expect(status).to.equal(200);
      expect(body).to.include({ notes: 'Called back', date_applied: '2026-01-05', job_title: 'Engineer' });
      expect((await alice.patch(`${BASE}/${app.id}/`, {})).status).to.equal(200);
      expect((await alice.patch(`${BASE}/${app.id}/`, { notes: 'Called back' })).body).to.deep.equal(body);
      expect(await eventTypes(app.id)).to.deep.equal(['JobApplicationCreated', 'JobApplicationUpdated']);
    });

    it('validates like POST, and looks the application up first (404 before 400)', async () => {
      const alice = await api.newUser();
      const app = await create(alice);
      expect((await alice.patch(`${BASE}/${app.id}/`, { job_title: ' ', status: 'Foo', resume_used: 9999 })).body).to.deep.equal(
        invalid({
          job_title: ['This field may not be blank.'],
          status: ['"Foo" is not a valid choice.'],
          resume_used: ['Invalid pk "9999" - object does not exist.'],
        }),
      );
      expect((await alice.patch(`${BASE}/999999999/`, { status: 'Foo' })).status).to.equal(404);
    });

    it('survives 20 concurrent PATCHes: each applies or gets 409, and the read model equals the fold of the log', async () => {
      const alice = await api.newUser();
      const app = await create(alice);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          alice.patch(`${BASE}/${app.id}/`, { notes: `edit ${i}`, status: i % 2 === 0 ? 'Interviewing' : 'Offer' }),
        ),
      );
      expect(results.map((r) => r.status).filter((s) => s !== 200 && s !== 409)).to.deep.equal([]);
      for (const r of results.filter((x) => x.status === 409)) expect(r.body).to.include({ code: 'conflict' });
      const applied = results.filter((r) => r.status === 200).length;
      expect(applied).to.be.greaterThan(0);
      const events = await readStream(app.id);
      expect(events.filter((e) => e.type === 'JobApplicationUpdated')).to.have.length(applied);
      const folded = events.reduce(jobApplicationDecider.evolve, jobApplicationDecider.initialState());
      if (folded.status === 'absent') throw new Error('the stream folded to nothing');
      const { body } = await alice.get<JobApplicationView>(`${BASE}/${app.id}/`);
      // The deciding state keeps long texts as digests: compare the read model's the same way.
      expect(decidingFields({ ...body })).to.deep.include(folded.fields);
      const statusOnlyUpdates = events.filter((e, i) => e.type === 'JobApplicationUpdated' && events[i + 1]?.type === 'JobApplicationStatusChanged' && Object.keys((e.data as { changes: object }).changes).length === 1);
      expect((await alice.get<JobApplicationHistoryEntry[]>(`${BASE}/${app.id}/history/`)).body).to.have.length(events.length - statusOnlyUpdates.length);
    });
  });

  describe('DELETE and POST …/restore/', () => {
    it('soft-deletes (then hidden everywhere), and restore brings it back; the log keeps both', async () => {
      const alice = await api.newUser();
      const app = await create(alice);
      const deleted = await alice.delete(`${BASE}/${app.id}/`);
      expect(deleted.status).to.equal(204);
      expect(deleted.body).to.equal(undefined);
      expect(deleted.headers.get('content-type')).to.equal(null);
      expect((await alice.get(`${BASE}/${app.id}/`)).body).to.deep.equal(NOT_FOUND);
      expect(ids((await alice.get<JobApplicationView[]>(`${BASE}/`)).body)).to.not.include(app.id);
      expect((await alice.patch(`${BASE}/${app.id}/`, { notes: 'x' })).status).to.equal(404);
      expect((await alice.delete(`${BASE}/${app.id}/`)).status).to.equal(404);

      const restored = await alice.post<JobApplicationView>(`${BASE}/${app.id}/restore/`);
      expect(restored.status).to.equal(200);
      expect(restored.body).to.deep.equal({ ...app, updated_at: restored.body.updated_at });
      expect((await alice.get(`${BASE}/${app.id}/`)).body).to.deep.equal(restored.body);
      expect(ids((await alice.get<JobApplicationView[]>(`${BASE}/`)).body)).to.include(app.id);
      expect(await eventTypes(app.id)).to.deep.equal(['JobApplicationCreated', 'JobApplicationSoftDeleted', 'JobApplicationRestored']);
    });

    it('restoring an application that is not deleted is a no-op that answers 200', async () => {
      const alice = await api.newUser();
      const app = await create(alice);
      const { status, body } = await alice.post(`${BASE}/${app.id}/restore/`);
      expect(status).to.equal(200);
      expect(body).to.deep.equal(app);
      expect(await eventTypes(app.id)).to.deep.equal(['JobApplicationCreated']);
    });
  });

  describe('another user’s application', () => {
    it('is a 404 on every verb, and stays as it was', async () => {
      const alice = await api.newUser();
      const bob = await api.newUser();
      const app = await create(alice);
      const path = `${BASE}/${app.id}/`;
      const attempts = [
        bob.get(path),
        bob.put(path, buildApplication()),
        bob.patch(path, { notes: 'mine now' }),
        bob.delete(path),
        bob.post(`${path}restore/`),
        bob.get(`${path}history/`),
      ];
      for (const { status, body } of await Promise.all(attempts)) {
        expect(status).to.equal(404);
        expect(body).to.deep.equal(NOT_FOUND);
      }
      expect((await alice.delete(path)).status).to.equal(204);
      expect((await bob.post(`${path}restore/`)).status).to.equal(404);
      expect((await bob.get(`${path}history/`)).status).to.equal(404);
      expect(await eventTypes(app.id)).to.deep.equal(['JobApplicationCreated', 'JobApplicationSoftDeleted']);
    });
  });

  describe('GET /api/job-applications/:id/history/', () => {
    it('is the timeline of every change, oldest first, a status move shown once with its from and to', async () => {
      const alice = await api.newUser();
      const app = await create(alice, { job_title: 'Engineer' });
      await alice.patch(`${BASE}/${app.id}/`, { job_title: 'Senior Engineer', notes: 'Referral' });
      await alice.patch(`${BASE}/${app.id}/`, { status: 'Interviewing' });
      await alice.patch(`${BASE}/${app.id}/`, { status: 'Offer', notes: 'Offer call Friday' });
      await alice.delete(`${BASE}/${app.id}/`);
      expect((await alice.get(`${BASE}/${app.id}/history/`)).status).to.equal(200); // a deleted application keeps its history
      await alice.post(`${BASE}/${app.id}/restore/`);
      const { status, body } = await alice.get<JobApplicationHistoryEntry[]>(`${BASE}/${app.id}/history/`);
      expect(status).to.equal(200);
      expect(body.map(({ type, changes }) => ({ type, changes }))).to.deep.equal([
        {
          type: 'JobApplicationCreated',
          changes: { ...newJobApplicationFields({ job_title: 'Engineer', company_name: 'Acme' }), is_example: false },
        },
        { type: 'JobApplicationUpdated', changes: { job_title: 'Senior Engineer', notes: 'Referral' } },
        { type: 'JobApplicationStatusChanged', changes: { from: 'Applied', to: 'Interviewing' } },
        { type: 'JobApplicationUpdated', changes: { notes: 'Offer call Friday' } },
        { type: 'JobApplicationStatusChanged', changes: { from: 'Interviewing', to: 'Offer' } },
        { type: 'JobApplicationSoftDeleted', changes: { is_deleted: true } },
        { type: 'JobApplicationRestored', changes: { is_deleted: false } },
      ]);
      // Every event but the status-only update (whose one change is the status move after it).
      const shown = (await readStream(app.id)).filter((_, i) => i !== 2);
      expect(body.map((e) => e.position)).to.deep.equal(shown.map((e) => e.position));
      expect(body.map((e) => e.at)).to.deep.equal(shown.map((e) => e.data.at));
      expect(body[0]!.at).to.equal(app.created_at);
    });
  });

  describe('GET /api/job-applications/stats/', () => {
    it('is all zeros and nulls for a user with no applications', async () => {
      const alice = await api.newUser();
      expect((await alice.get(`${BASE}/stats/`)).body).to.deep.equal({
        total: 0,
        by_status: { Applied: 0, Interviewing: 0, Offer: 0, Rejected: 0 },
        reached: { Interviewing: { count: 0, rate: 0 }, Offer: { count: 0, rate: 0 } },
        median_days: { applied_to_interviewing: null, interviewing_to_offer: null },
      });
    });

    it('counts statuses, the funnel and the median days between stages from the timeline', async () => {
      const alice = await api.newUser();
      const day0 = Date.parse('2026-03-01T09:00:00.000Z');
      const context = (days: number) => ({ userId: alice.id, requestId: 'stats-test', at: new Date(day0 + days * DAY_MS).toISOString() });
      /** Creates an application in `initial` at day 0, then moves it through [days, status] steps. */
      const track = async (initial: 'Applied' | 'Interviewing', steps: [number, 'Interviewing' | 'Offer' | 'Rejected'][]) => {
        const fields = newJobApplicationFields({ job_title: 'Engineer', company_name: 'Acme', status: initial });
        const id = await createJobApplication(deps, { userId: alice.id, fields }, context(0));
        for (const [days, status] of steps) await updateJobApplication(deps, { id, userId: alice.id, changes: { status } }, context(days));
        return id;
      };
      await track('Applied', [[2, 'Interviewing'], [7, 'Offer']]); // 2 days, then 5
      await track('Applied', [[4, 'Interviewing'], [6, 'Rejected']]); // 4 days
      await track('Applied', [[6, 'Interviewing'], [9, 'Offer']]); // 6 days, then 3
      await track('Interviewing', [[1, 'Offer']]); // then 1
      await track('Applied', [[1.5, 'Interviewing']]); // 1.5 days
      await track('Applied', []);
      const deleted = await track('Applied', [[0.5, 'Interviewing'], [1, 'Offer']]);
      await softDeleteJobApplication(deps, { id: deleted, userId: alice.id }, context(2));
      await create(await api.newUser(), { status: 'Offer' });

      const { status, body } = await alice.get(`${BASE}/stats/`);
      expect(status).to.equal(200);
      expect(body).to.deep.equal({
        total: 6,
        by_status: { Applied: 1, Interviewing: 1, Offer: 3, Rejected: 1 },
        reached: { Interviewing: { count: 5, rate: 0.8333 }, Offer: { count: 3, rate: 0.5 } },
        median_days: { applied_to_interviewing: 3, interviewing_to_offer: 3 },
      });
    });
  });

  describe('deleting a resume', () => {
    it('clears resume_used in the applications that used it, leaving updated_at alone', async () => {
      const alice = await api.newUser();
      const resumeId = await createResume(alice);
      const app = await create(alice, { resume_used: resumeId });
      expect(app.resume_used).to.equal(resumeId);
      expect((await alice.delete(`/api/resumes/${resumeId}/`)).status).to.equal(204);
      expect((await alice.get(`${BASE}/${app.id}/`)).body).to.deep.equal({ ...app, resume_used: null });
      expect((await alice.patch(`${BASE}/${app.id}/`, { resume_used: resumeId })).body).to.deep.equal(
        invalid({ resume_used: [`Invalid pk "${resumeId}" - object does not exist.`] }),
      );
    });
  });
});
