import { expect } from 'chai';
import { createResume } from '../../src/commands/resumes.js';
import { resumeStream } from '../../src/domain/resume/index.js';
import { commandDeps } from '../../src/server.js';
import { requireRedis } from '../support/redis.js';
import { startTestApi, uniqueName, type TestApi, type TestUser } from '../support/api.js';

interface Resume {
  id: number;
  user: string;
  title: string;
  content: string;
  created_at: string;
  updated_at: string;
}

const NOT_FOUND = { error: 'Not found.', code: 'not_found', detail: 'Not found.' };
const invalid = (fieldErrors: Record<string, string[]>) => ({ error: 'Invalid input.', code: 'invalid', detail: 'Invalid input.', field_errors: fieldErrors });
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const buildResume = (overrides: Partial<Pick<Resume, 'title' | 'content'>> = {}) => ({ title: uniqueName('resume'), content: '# Jane Doe\n\n- Rust', ...overrides });
const ids = (resumes: Resume[]) => resumes.map((r) => r.id);

describe('resumes endpoints', function () {
  this.timeout(30_000);
  let api: TestApi;
  before(async function () {
    await requireRedis(this);
    api = await startTestApi();
  });
  after(async () => api?.stop());

  const create = async (user: TestUser, overrides: Partial<Pick<Resume, 'title' | 'content'>> = {}): Promise<Resume> => {
    const { status, body } = await user.post<Resume>('/api/resumes/', buildResume(overrides));
    expect(status).to.equal(201);
    return body;
  };
  const streamOf = (id: number) => api.server.infrastructure.store.readStream(resumeStream(id));

  describe('POST /api/resumes/', () => {
    it('creates the resume and answers it in the original’s shape; a GET then sees it', async () => {
      const alice = await api.newUser();
      const { status, headers, body } = await alice.post<Resume>('/api/resumes/', { title: 'Backend', content: '# Alice' });
      expect(status).to.equal(201);
      expect(headers.get('location')).to.equal(null);
      expect(body).to.deep.equal({ id: body.id, user: alice.username, title: 'Backend', content: '# Alice', created_at: body.created_at, updated_at: body.created_at });
      expect(body.id).to.be.a('number');
      expect(body.created_at).to.match(ISO_UTC);
      expect((await alice.get(`/api/resumes/${body.id}/`)).body).to.deep.equal(body);
    });

    it('trims both fields, ignores read-only ones and serves the path without its slash', async () => {
      const alice = await api.newUser();
      const { status, body } = await alice.post<Resume>('/api/resumes', { title: '  CV  ', content: '\n# Me\n', id: 999, user: 'mallory', created_at: '2000-01-01T00:00:00Z' });
      expect(status).to.equal(201);
      expect(body).to.include({ user: alice.username, title: 'CV', content: '# Me' });
      expect(body.id).not.to.equal(999);
      expect(body.created_at).not.to.equal('2000-01-01T00:00:00Z');
    });

    it('reports every missing field', async () => {
      const alice = await api.newUser();
      const { status, body } = await alice.post('/api/resumes/', {});
      expect(status).to.equal(400);
      expect(body).to.deep.equal(invalid({ title: ['This field is required.'], content: ['This field is required.'] }));
    });

    it('words blank, null, too long and wrongly typed fields as DRF does', async () => {
      const alice = await api.newUser();
      expect((await alice.post('/api/resumes/', { title: '   ', content: '' })).body).to.deep.equal(
        invalid({ title: ['This field may not be blank.'], content: ['This field may not be blank.'] }),
      );
      expect((await alice.post('/api/resumes/', { title: null, content: null })).body).to.deep.equal(
        invalid({ title: ['This field may not be null.'], content: ['This field may not be null.'] }),
      );
      expect((await alice.post('/api/resumes/', buildResume({ title: 'x'.repeat(256) }))).body).to.deep.equal(
        invalid({ title: ['Ensure this field has no more than 255 characters.'] }),
      );
      expect((await alice.post('/api/resumes/', { title: ['a'], content: true })).body).to.deep.equal(
        invalid({ title: ['Not a valid string.'], content: ['Not a valid string.'] }),
      );
    });

    it('counts the title’s length in characters, not UTF-16 units', async () => {
      const alice = await api.newUser();
      expect((await alice.post('/api/resumes/', buildResume({ title: '😀'.repeat(255) }))).status).to.equal(201);
    });

    it('answers a body that is not an object under non_field_errors', async () => {
      const alice = await api.newUser();
      expect((await alice.post('/api/resumes/', [buildResume()])).body).to.deep.equal(
        invalid({ non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] }),
      );
      expect((await alice.post('/api/resumes/', 'text')).body).to.deep.equal(invalid({ non_field_errors: ['Invalid data. Expected a dictionary, but got str.'] }));
      expect((await alice.post('/api/resumes/', null)).body).to.deep.equal(invalid({ non_field_errors: ['No data provided'] }));
    });

    it('records an AI resume for the AI feature, finding the owner’s username itself', async () => {
      const alice = await api.newUser();
      const context = { userId: alice.id, requestId: 'test', at: new Date().toISOString() };
      const id = await createResume(commandDeps(api.server.infrastructure), { userId: alice.id, title: 'AI', content: '# AI', source: 'ai', aiModel: 'Offline' }, context);
      expect((await alice.get(`/api/resumes/${id}/`)).body).to.include({ id, user: alice.username, title: 'AI' });
      const { body: history } = await alice.get<{ changes: object }[]>(`/api/resumes/${id}/history/`);
      expect(history[0]!.changes).to.deep.equal({ title: 'AI', content: '# AI', source: 'ai', ai_model: 'Offline' });
    });

    it('needs a signed-in user', async () => {
      const { status, body } = await api.post('/api/resumes/', buildResume());
      expect(status).to.equal(401);
      expect(body).to.include({ code: 'not_authenticated' });
    });
  });

  describe('GET /api/resumes/', () => {
    it('lists only the caller’s resumes as a plain array, the most recently updated first', async () => {
      const [alice, bob] = [await api.newUser(), await api.newUser()];
      const first = await create(alice);
      const second = await create(alice);
      await create(bob);
      expect((await alice.patch(`/api/resumes/${first.id}/`, { title: 'Touched' })).status).to.equal(200);
      const { status, body } = await alice.get<Resume[]>('/api/resumes/');
      expect(status).to.equal(200);
      expect(ids(body)).to.deep.equal([first.id, second.id]);
      expect(body[0]).to.include({ title: 'Touched', user: alice.username });
    });

    it('searches titles case-insensitively and orders by a field', async () => {
      const alice = await api.newUser();
      const beta = await create(alice, { title: 'Beta engineer' });
      const alpha = await create(alice, { title: 'Alpha engineer' });
      const other = await create(alice, { title: 'Designer' });
      expect(ids((await alice.get<Resume[]>('/api/resumes/?search=ENGINEER')).body)).to.have.members([alpha.id, beta.id]);
      expect(ids((await alice.get<Resume[]>('/api/resumes/?ordering=title')).body)).to.deep.equal([alpha.id, beta.id, other.id]);
      expect(ids((await alice.get<Resume[]>('/api/resumes/?ordering=-id')).body)).to.deep.equal([other.id, alpha.id, beta.id]);
    });

    it('refuses an unknown ordering field', async () => {
      const alice = await api.newUser();
      const { status, body } = await alice.get('/api/resumes/?ordering=content');
      expect(status).to.equal(400);
      expect(body).to.deep.equal(invalid({ ordering: ['Cannot order by "content". Choose from: id, title, created_at, updated_at.'] }));
    });

    it('switches to the limit/offset envelope with absolute links', async () => {
      const alice = await api.newUser();
      const older = await create(alice);
      const newer = await create(alice);
      const first = await alice.get<{ count: number; next: string; previous: null; results: Resume[] }>('/api/resumes/?limit=1');
      expect(first.body).to.deep.include({ count: 2, next: `${api.url}/api/resumes/?limit=1&offset=1`, previous: null });
      expect(ids(first.body.results)).to.deep.equal([newer.id]);
      const second = await alice.get<{ next: null; previous: string; results: Resume[] }>(first.body.next.slice(api.url.length));
      expect(second.body).to.deep.include({ next: null, previous: `${api.url}/api/resumes/?limit=1` });
      expect(ids(second.body.results)).to.deep.equal([older.id]);
    });

    it('needs a signed-in user', async () => expect((await api.request('/api/resumes/')).status).to.equal(401));
  });

  describe('GET /api/resumes/:id/', () => {
    it('asks for credentials before it looks at the id, and refuses other methods', async () => {
      const alice = await api.newUser();
      expect((await api.request('/api/resumes/abc/', { method: 'DELETE' })).status).to.equal(401);
      const { status, headers, body } = await alice.post(`/api/resumes/${(await create(alice)).id}/`, buildResume());
      expect(status).to.equal(405);
      expect(body).to.include({ detail: 'Method "POST" not allowed.' });
      expect(headers.get('allow')).to.equal('GET, PUT, PATCH, DELETE, HEAD, OPTIONS');
    });


    it('hides another user’s resume', async () => {
      const [alice, bob] = [await api.newUser(), await api.newUser()];
      const resume = await create(alice);
      const { status, body } = await bob.get(`/api/resumes/${resume.id}/`);
      expect(status).to.equal(404);
      expect(body).to.deep.equal(NOT_FOUND);
    });

    it('answers 404, never 500, for ids that cannot exist', async () => {
      const alice = await api.newUser();
      for (const id of ['abc', '-1', '0', '1.5', '9007199254740993', '99999999999999999999999']) {
        const { status, body } = await alice.get(`/api/resumes/${id}/`);
        expect(status, id).to.equal(404);
        expect(body, id).to.deep.equal(NOT_FOUND);
      }
      expect((await alice.patch('/api/resumes/99999999999999999999999/', { title: 'x' })).status).to.equal(404);
      expect((await alice.delete('/api/resumes/abc/')).status).to.equal(404);
    });
  });

  describe('PUT /api/resumes/:id/', () => {
    it('replaces every writable field', async () => {
      const alice = await api.newUser();
      const resume = await create(alice);
      const { status, body } = await alice.put<Resume>(`/api/resumes/${resume.id}/`, { title: 'New', content: 'New content' });
      expect(status).to.equal(200);
      expect(body).to.deep.include({ id: resume.id, user: alice.username, title: 'New', content: 'New content', created_at: resume.created_at });
      expect(body.updated_at > resume.updated_at).to.equal(true);
      expect((await alice.get(`/api/resumes/${resume.id}/`)).body).to.deep.equal(body);
    });

    it('requires every writable field', async () => {
      const alice = await api.newUser();
      const resume = await create(alice);
      const { status, body } = await alice.put(`/api/resumes/${resume.id}/`, { title: 'Only the title' });
      expect(status).to.equal(400);
      expect(body).to.deep.equal(invalid({ content: ['This field is required.'] }));
    });

    it('answers 404 for another user’s resume, even with an invalid body, and changes nothing', async () => {
      const [alice, bob] = [await api.newUser(), await api.newUser()];
      const resume = await create(alice);
      expect((await bob.put(`/api/resumes/${resume.id}/`, { title: 'Mine', content: 'Mine' })).body).to.deep.equal(NOT_FOUND);
      expect((await bob.put(`/api/resumes/${resume.id}/`, {})).status).to.equal(404);
      expect((await alice.get(`/api/resumes/${resume.id}/`)).body).to.deep.equal(resume);
    });
  });

  describe('PATCH /api/resumes/:id/', () => {
    it('changes only the fields sent', async () => {
      const alice = await api.newUser();
      const resume = await create(alice);
      const { status, body } = await alice.patch<Resume>(`/api/resumes/${resume.id}/`, { content: 'Edited' });
      expect(status).to.equal(200);
      expect(body).to.deep.include({ title: resume.title, content: 'Edited' });
    });

    it('answers 200 with the resume for {} and records no event', async () => {
      const alice = await api.newUser();
      const resume = await create(alice);
      const { status, body } = await alice.patch(`/api/resumes/${resume.id}/`, {});
      expect(status).to.equal(200);
      expect(body).to.deep.equal(resume);
      expect((await alice.patch(`/api/resumes/${resume.id}/`, { title: resume.title })).body).to.deep.equal(resume);
      expect(await streamOf(resume.id)).to.have.length(1);
    });

    it('applies two concurrent edits of different fields, losing neither', async () => {
      const alice = await api.newUser();
      const resume = await create(alice);
      const [a, b] = await Promise.all([
        alice.patch(`/api/resumes/${resume.id}/`, { title: 'Concurrent title' }),
        alice.patch(`/api/resumes/${resume.id}/`, { content: 'Concurrent content' }),
      ]);
      expect([a.status, b.status]).to.deep.equal([200, 200]);
      expect((await alice.get(`/api/resumes/${resume.id}/`)).body).to.include({ title: 'Concurrent title', content: 'Concurrent content' });
    });

    it('validates the fields sent', async () => {
      const alice = await api.newUser();
      const resume = await create(alice);
      expect((await alice.patch(`/api/resumes/${resume.id}/`, { title: ' ' })).body).to.deep.equal(invalid({ title: ['This field may not be blank.'] }));
    });

    it('answers 404 for another user’s resume', async () => {
      const [alice, bob] = [await api.newUser(), await api.newUser()];
      const resume = await create(alice);
      expect((await bob.patch(`/api/resumes/${resume.id}/`, { title: 'Mine' })).body).to.deep.equal(NOT_FOUND);
      expect(await streamOf(resume.id)).to.have.length(1);
    });
  });

  describe('DELETE /api/resumes/:id/', () => {
    it('answers 204 with no body; the resume is gone but its events stay', async () => {
      const alice = await api.newUser();
      const resume = await create(alice);
      const { status, headers, body } = await alice.delete(`/api/resumes/${resume.id}/`);
      expect(status).to.equal(204);
      expect(body).to.equal(undefined);
      expect(headers.get('content-type')).to.equal(null);
      expect((await alice.get(`/api/resumes/${resume.id}/`)).status).to.equal(404);
      expect(ids((await alice.get<Resume[]>('/api/resumes/')).body)).not.to.include(resume.id);
      expect((await streamOf(resume.id)).map((e) => e.type)).to.deep.equal(['ResumeCreated', 'ResumeDeleted']);
    });

    it('answers 404 the second time', async () => {
      const alice = await api.newUser();
      const resume = await create(alice);
      expect((await alice.delete(`/api/resumes/${resume.id}/`)).status).to.equal(204);
      expect((await alice.delete(`/api/resumes/${resume.id}/`)).body).to.deep.equal(NOT_FOUND);
    });

    it('answers 404 for another user’s resume and keeps it', async () => {
      const [alice, bob] = [await api.newUser(), await api.newUser()];
      const resume = await create(alice);
      expect((await bob.delete(`/api/resumes/${resume.id}/`)).status).to.equal(404);
      expect((await alice.get(`/api/resumes/${resume.id}/`)).status).to.equal(200);
    });
  });

  describe('GET /api/resumes/:id/history/', () => {
    it('lists the events oldest first, each with exactly the fields it changed', async () => {
      const alice = await api.newUser();
      const resume = await create(alice, { title: 'v1', content: 'c1' });
      await alice.patch(`/api/resumes/${resume.id}/`, { title: 'v2' });
      await alice.put(`/api/resumes/${resume.id}/`, { title: 'v2', content: 'c2' });
      await alice.patch(`/api/resumes/${resume.id}/`, { content: 'c2' });
      const { status, body } = await alice.get<{ revision: number; type: string; at: string; changes: Record<string, unknown> }[]>(
        `/api/resumes/${resume.id}/history/`,
      );
      expect(status).to.equal(200);
      expect(body.map(({ revision, type, changes }) => ({ revision, type, changes }))).to.deep.equal([
        { revision: 0, type: 'ResumeCreated', changes: { title: 'v1', content: 'c1', source: 'manual' } },
        { revision: 1, type: 'ResumeUpdated', changes: { title: 'v2' } },
        { revision: 2, type: 'ResumeUpdated', changes: { content: 'c2' } },
      ]);
      expect(body[0]!.at).to.equal(resume.created_at);
      for (const entry of body) expect(entry.at).to.match(ISO_UTC);
    });

    it('keeps the history of a deleted resume for its owner', async () => {
      const alice = await api.newUser();
      const resume = await create(alice);
      await alice.delete(`/api/resumes/${resume.id}/`);
      const { body } = await alice.get<{ type: string; changes: object }[]>(`/api/resumes/${resume.id}/history/`);
      expect(body.map((e) => e.type)).to.deep.equal(['ResumeCreated', 'ResumeDeleted']);
      expect(body[1]!.changes).to.deep.equal({});
    });

    it('answers 404 for another user’s resume and for a missing one', async () => {
      const [alice, bob] = [await api.newUser(), await api.newUser()];
      const resume = await create(alice);
      expect((await bob.get(`/api/resumes/${resume.id}/history/`)).body).to.deep.equal(NOT_FOUND);
      expect((await alice.get('/api/resumes/99999999999999999999/history/')).status).to.equal(404);
      await alice.delete(`/api/resumes/${resume.id}/`);
      expect((await bob.get(`/api/resumes/${resume.id}/history/`)).status).to.equal(404);
    });
  });
});
