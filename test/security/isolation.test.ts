import { expect } from 'chai';
import { startTestApi, type Response, type TestApi, type TestUser } from '../support/api.js';
import { expectApiError } from '../support/apiError.js';
import { openEventLog, type EventLog } from '../support/eventLog.js';
import { requireRedis } from '../support/redis.js';

const MARKER = 'alice-private-7f3a';

/**
 * No endpoint reveals or changes another user's data: every authenticated endpoint × two users.
 * Bob's requests on Alice's ids are 404 (never 403: the id's existence is not revealed), append
 * no event, and leave everything Alice can see exactly as it was.
 */
describe('security: one user never reaches another’s data', function () {
  this.timeout(60_000);
  let api: TestApi;
  let log: EventLog;
  let alice: TestUser;
  let bob: TestUser;
  let resumeId: number;
  let applicationId: number;
  let deletedId: number;

  /** Everything Alice can read, to compare before and after Bob's attempts. */
  const aliceView = async () => {
    const paths = [
      '/api/auth/me/',
      '/api/resumes/',
      `/api/resumes/${resumeId}/`,
      `/api/resumes/${resumeId}/history/`,
      '/api/job-applications/',
      '/api/job-applications/?limit=10',
      `/api/job-applications/${applicationId}/`,
      `/api/job-applications/${applicationId}/history/`,
      `/api/job-applications/${deletedId}/history/`,
      '/api/job-applications/stats/',
      '/api/ai/quota/',
    ];
    const view: Record<string, unknown> = {};
    for (const path of paths) {
      const response = await alice.get(path);
      expect(response.status, path).to.equal(200);
      view[path] = response.body;
    }
    return view;
  };

  before(async function () {
    await requireRedis(this);
    api = await startTestApi();
    log = openEventLog();
    alice = await api.newUser();
    bob = await api.newUser();
    resumeId = (await alice.post<{ id: number }>('/api/resumes/', { title: `${MARKER} resume`, content: `# ${MARKER}` })).body.id;
    applicationId = (await alice.post<{ id: number }>('/api/job-applications/', { job_title: `${MARKER} job`, company_name: MARKER, resume_used: resumeId, status: 'Interviewing' })).body.id;
    deletedId = (await alice.post<{ id: number }>('/api/job-applications/', { job_title: `${MARKER} gone`, company_name: MARKER })).body.id;
    expect((await alice.delete(`/api/job-applications/${deletedId}/`)).status).to.equal(204);
    const generated = await alice.post('/api/ai/generate/', { model: 'ResuMate Offline', user_input: `${MARKER}: engineer with ten years of TypeScript, PostgreSQL and Redis.` });
    expect(generated.status).to.equal(201);
    // Bob has data of his own, so his lists are not trivially empty.
    await bob.post('/api/resumes/', { title: 'Bob resume', content: 'bob' });
    await bob.post('/api/job-applications/', { job_title: 'Bob job', company_name: 'Bob Corp' });
  });
  after(async () => {
    await log?.close();
    await api?.stop();
  });

  it('answers Bob with 404 on each of Alice’s resumes and applications, for every method, and changes nothing', async () => {
    const before = await aliceView();
    const resumeBody = { title: 'hijacked', content: 'hijacked' };
    const applicationBody = { job_title: 'hijacked', company_name: 'hijacked', status: 'Rejected' };
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', `/api/resumes/${resumeId}/`],
      ['PUT', `/api/resumes/${resumeId}/`, resumeBody],
      ['PATCH', `/api/resumes/${resumeId}/`, { title: 'hijacked' }],
      ['DELETE', `/api/resumes/${resumeId}/`],
      ['GET', `/api/resumes/${resumeId}/history/`],
      ['GET', `/api/job-applications/${applicationId}/`],
      ['PUT', `/api/job-applications/${applicationId}/`, applicationBody],
      ['PATCH', `/api/job-applications/${applicationId}/`, { status: 'Rejected' }],
      ['DELETE', `/api/job-applications/${applicationId}/`],
      ['POST', `/api/job-applications/${applicationId}/restore/`],
      ['GET', `/api/job-applications/${applicationId}/history/`],
      ['GET', `/api/job-applications/${deletedId}/`],
      ['PATCH', `/api/job-applications/${deletedId}/`, { notes: 'x' }],
      ['DELETE', `/api/job-applications/${deletedId}/`],
      ['POST', `/api/job-applications/${deletedId}/restore/`],
      ['GET', `/api/job-applications/${deletedId}/history/`],
      // An invalid body changes nothing either: the lookup (404) comes before validation (400).
      ['PUT', `/api/resumes/${resumeId}/`, { title: 5 }],
      ['PATCH', `/api/job-applications/${applicationId}/`, { status: 'nonsense' }],
    ];
    for (const [method, path, body] of attempts) {
      const head = await log.head();
      const response = await send(bob, method, path, body);
      const where = `Bob ${method} ${path}`;
      expect(response.status, where).to.equal(404);
      expectApiError(response, where);
      expect(response.body).to.include({ code: 'not_found', detail: 'Not found.' });
      expect(await log.head(), `${where} appended an event`).to.deep.equal(head);
    }
    expect(await aliceView()).to.deep.equal(before);
  });

  it('answers a missing id exactly as it answers Alice’s id, so ids cannot be probed', async () => {
    const missing = 987_654_321;
    for (const path of ['/api/resumes/{id}/', '/api/resumes/{id}/history/', '/api/job-applications/{id}/', '/api/job-applications/{id}/history/']) {
      const own = await bob.get(path.replace('{id}', String(path.includes('resumes') ? resumeId : applicationId)));
      const absent = await bob.get(path.replace('{id}', String(missing)));
      expect([own.status, own.body], path).to.deep.equal([absent.status, absent.body]);
    }
  });

  it('never shows Alice’s rows in Bob’s lists, searches, pages, stats, quota or profile', async () => {
    const lists = [
      '/api/resumes/',
      `/api/resumes/?search=${MARKER}`,
      '/api/resumes/?limit=1000',
      '/api/job-applications/',
      `/api/job-applications/?search=${MARKER}`,
      '/api/job-applications/?status=Interviewing',
      '/api/job-applications/?limit=1000&ordering=-id',
      '/api/job-applications/stats/',
      '/api/ai/quota/',
      '/api/auth/me/',
    ];
    for (const path of lists) {
      const response = await bob.get(path);
      expect(response.status, path).to.equal(200);
      const text = JSON.stringify(response.body);
      expect(text, path).to.not.include(MARKER);
      expect(text, path).to.not.include(alice.username);
    }
    const resumes = (await bob.get<Array<{ id: number }>>('/api/resumes/')).body.map((r) => r.id);
    expect(resumes).to.have.length(1);
    expect(resumes).to.not.include(resumeId);
    const applications = (await bob.get<Array<{ id: number; user: number }>>('/api/job-applications/')).body;
    expect(applications.map((a) => a.user)).to.deep.equal([bob.id]);
    // Bob has one application, Applied; Alice's Interviewing one must not be counted.
    const stats = (await bob.get<{ total: number; reached: { Interviewing: { count: number } } }>('/api/job-applications/stats/')).body;
    expect(stats.total).to.equal(1);
    expect(stats.reached.Interviewing.count).to.equal(0);
    const quota = (await bob.get<Array<{ model: string; used_today: number }>>('/api/ai/quota/')).body;
    expect(quota.find((q) => q.model === 'ResuMate Offline')?.used_today).to.equal(0);
    const aliceQuota = (await alice.get<Array<{ model: string; used_today: number }>>('/api/ai/quota/')).body;
    expect(aliceQuota.find((q) => q.model === 'ResuMate Offline')?.used_today).to.equal(1);
    expect((await bob.get<{ id: number }>('/api/auth/me/')).body.id).to.equal(bob.id);
  });

  it('refuses Alice’s resume as Bob’s resume_used, and ignores a user field in a body', async () => {
    const head = await log.head();
    const refused = await bob.post('/api/job-applications/', { job_title: 'j', company_name: 'c', resume_used: resumeId });
    expectApiError(refused, 'Bob links Alice’s resume');
    expect(refused.body).to.have.nested.property('field_errors.resume_used[0]', `Invalid pk "${resumeId}" - object does not exist.`);
    expect(await log.head()).to.deep.equal(head);

    const before = await aliceView();
    const smuggled = await bob.post<{ id: number; user: number }>('/api/job-applications/', { job_title: 'smuggled', company_name: 'c', user: alice.id });
    expect(smuggled.status).to.equal(201);
    expect(smuggled.body.user).to.equal(bob.id);
    const moved = await alice.patch<{ user: number }>(`/api/job-applications/${applicationId}/`, { user: bob.id });
    expect(moved.body.user).to.equal(alice.id);
    expect(await aliceView()).to.deep.equal(before);
  });

  it('answers anonymous requests to every authenticated endpoint with 401 and appends nothing', async () => {
    const paths: Array<[string, string]> = [
      ['GET', '/api/auth/me/'],
      ['GET', '/api/resumes/'],
      ['POST', '/api/resumes/'],
      ['GET', `/api/resumes/${resumeId}/`],
      ['PUT', `/api/resumes/${resumeId}/`],
      ['PATCH', `/api/resumes/${resumeId}/`],
      ['DELETE', `/api/resumes/${resumeId}/`],
      ['GET', `/api/resumes/${resumeId}/history/`],
      ['GET', '/api/job-applications/'],
      ['POST', '/api/job-applications/'],
      ['GET', '/api/job-applications/stats/'],
      ['GET', `/api/job-applications/${applicationId}/`],
      ['PATCH', `/api/job-applications/${applicationId}/`],
      ['DELETE', `/api/job-applications/${applicationId}/`],
      ['POST', `/api/job-applications/${deletedId}/restore/`],
      ['GET', `/api/job-applications/${applicationId}/history/`],
    ];
    for (const [method, path] of paths) {
      const head = await log.head();
      const response = await api.request(path, { method, headers: { 'content-type': 'application/json' }, body: method === 'GET' || method === 'DELETE' ? undefined : '{}' });
      expect(response.status, `${method} ${path}`).to.equal(401);
      expectApiError(response, `${method} ${path}`);
      expect(await log.head()).to.deep.equal(head);
    }
  });
});

function send(user: TestUser, method: string, path: string, body?: unknown): Promise<Response> {
  switch (method) {
    case 'GET':
      return user.get(path);
    case 'POST':
      return user.post(path, body);
    case 'PUT':
      return user.put(path, body);
    case 'PATCH':
      return user.patch(path, body);
    case 'DELETE':
      return user.delete(path);
    default:
      throw new Error(`no ${method}`);
  }
}
