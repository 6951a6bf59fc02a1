import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'chai';
import { openApiPath } from '../../src/http/openapi/document.js';
import { UNDOCUMENTED_ROUTES } from '../../src/http/routes/docs.js';
import { startTestApi, uniqueName, type Response, type TestApi, type TestUser } from '../support/api.js';
import { requireRedis } from '../support/redis.js';
import { routesOf } from '../support/routeTable.js';

type Document = { paths: Record<string, Record<string, { responses: Record<string, unknown> }>>; components: { schemas: Record<string, { examples?: unknown[] }> } };

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const pointer = (...tokens: string[]) => `#/${tokens.map((t) => encodeURIComponent(t.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/')}`;

describe('GET /api/schema/ (OpenAPI 3.1)', function () {
  this.timeout(30_000);
  let api: TestApi;
  let doc: Document;
  let alice: TestUser;
  let staff: { get<T>(path: string): Promise<Response<T>> };
  /** ajv over the served document, so a response is checked against what clients are told. */
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats.default(ajv);

  /** Asserts the response matches the schema the document gives for this operation and status. */
  const expectDocumented = (method: string, routerPath: string, response: Response) => {
    const path = openApiPath(routerPath);
    const documented = doc.paths[path]?.[method]?.responses[String(response.status)];
    expect(documented, `${method.toUpperCase()} ${path} documents ${response.status}`).to.not.equal(undefined);
    const ref = (documented as { $ref?: string }).$ref;
    const schemaAt = ref
      ? `openapi${ref}/content/application~1json/schema`
      : `openapi${pointer('paths', path, method, 'responses', String(response.status), 'content', 'application/json', 'schema')}`;
    const validate = ajv.compile({ $ref: schemaAt });
    expect(validate(response.body), `${method.toUpperCase()} ${path} ${response.status}: ${ajv.errorsText(validate.errors)}`).to.equal(true);
  };

  before(async function () {
    await requireRedis(this);
    const admin = uniqueName('admin');
    api = await startTestApi({ DJANGO_SUPERUSER_USERNAME: admin, DJANGO_SUPERUSER_EMAIL: `${admin}@example.com`, DJANGO_SUPERUSER_PASSWORD: 'Admin-Pass-123' });
    const tokens = await api.post<{ access: string }>('/api/auth/token/', { username: admin, password: 'Admin-Pass-123' });
    staff = { get: (path) => api.request(path, { headers: { authorization: `Bearer ${tokens.body.access}` } }) };
    alice = await api.newUser();
    const served = await api.request<Document>('/api/schema/');
    expect(served.status).to.equal(200);
    doc = served.body;
    ajv.addSchema(doc, 'openapi');
  });
  after(() => api?.stop());

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 1)).to.deep.equal([]);
    expect(result.valid).to.equal(true);
    expect(validator.version).to.equal('3.1');
  });

  it('is served with and without the trailing slash', async () => {
    const bare = await api.request('/api/schema');
    expect(bare.status).to.equal(200);
    expect(bare.body).to.deep.equal(doc);
  });

  it('documents every route the routers have, and nothing else', () => {
    const routed = routesOf(api.server.app)
      .filter((route) => !UNDOCUMENTED_ROUTES.some((u) => u.method === route.method && u.path === route.path))
      .map(({ method, path }) => `${method.toUpperCase()} ${openApiPath(path)}`);
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => METHODS.includes(key))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routed).to.have.length.greaterThan(30);
    expect([...documented].sort()).to.deep.equal([...routed].sort());
  });

  it('leaves out only the Swagger UI asset route', () => {
    expect(UNDOCUMENTED_ROUTES).to.deep.equal([{ method: 'get', path: '/api/docs/:asset' }]);
    expect(routesOf(api.server.app)).to.deep.include({ method: 'get', path: '/api/docs/:asset' });
  });

  it('describes the bearer scheme and uses it where a token is needed', () => {
    const components = doc.components as unknown as { securitySchemes: Record<string, unknown> };
    expect(components.securitySchemes.bearerAuth).to.include({ type: 'http', scheme: 'bearer' });
    const me = doc.paths['/api/auth/me/']!.get as unknown as { security: unknown[] };
    expect(me.security).to.deep.equal([{ bearerAuth: [] }]);
    const models = doc.paths['/api/ai/models/']!.get as unknown as { security: unknown[] };
    expect(models.security).to.deep.equal([]);
  });

  it('shows request bodies with the limits their validators enforce', async () => {
    const input = doc.components.schemas.ResumeInput as { properties: { title: { maxLength: number } } };
    const limit = input.properties.title.maxLength;
    expect(limit).to.be.a('number');
    expect((await alice.post('/api/resumes/', { title: 'x'.repeat(limit), content: 'c' })).status).to.equal(201);
    const tooLong = await alice.post('/api/resumes/', { title: 'x'.repeat(limit + 1), content: 'c' });
    expect(tooLong.status).to.equal(400);
    expectDocumented('post', '/api/resumes', tooLong);
  });

  it('shows list parameters with the bounds the list parser enforces', async () => {
    const list = doc.paths['/api/job-applications/']!.get as unknown as { parameters: { name: string; schema: { maximum?: number; enum?: string[] } }[] };
    const limit = list.parameters.find((p) => p.name === 'limit')!.schema.maximum!;
    expect((await alice.get(`/api/job-applications/?limit=${limit}`)).status).to.equal(200);
    expectDocumented('get', '/api/job-applications', await alice.get(`/api/job-applications/?limit=${limit + 1}`));
    expect((await alice.get(`/api/job-applications/?limit=${limit + 1}`)).status).to.equal(400);
    const statuses = list.parameters.find((p) => p.name === 'status')!.schema.enum!;
    for (const status of statuses) expect((await alice.get(`/api/job-applications/?status=${status}`)).status).to.equal(200);
  });

  it('has examples (from the seed documentation) that match their own schemas', () => {
    let checked = 0;
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      for (const example of schema.examples ?? []) {
        const validate = ajv.compile({ $ref: `openapi${pointer('components', 'schemas', name)}` });
        expect(validate(example), `${name} example: ${ajv.errorsText(validate.errors)}`).to.equal(true);
        checked++;
      }
    }
    expect(checked).to.be.greaterThan(4);
  });

  describe('GET /api/docs/ (Swagger UI page and its files)', () => {
    it('serves a page with no inline script, with and without the slash', async () => {
      for (const path of ['/api/docs/', '/api/docs']) {
        const page = await api.request<string>(path);
        expect(page.status).to.equal(200);
        expect(page.headers.get('content-type')).to.match(/^text\/html/);
        const scripts = [...page.body.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
        expect(scripts.map(([, attributes]) => attributes)).to.deep.equal([' src="/api/docs/swagger-ui-bundle.js"', ' src="/api/docs/swagger-initializer.js"']);
        expect(scripts.every(([, , body]) => body!.trim() === '')).to.equal(true);
      }
    });

    it('serves Swagger UI’s files from swagger-ui-dist, and the initializer pointing at /api/schema/', async () => {
      const css = await api.request('/api/docs/swagger-ui.css');
      expect(css.status).to.equal(200);
      expect(css.headers.get('content-type')).to.match(/^text\/css/);
      const bundle = await api.request<string>('/api/docs/swagger-ui-bundle.js');
      expect(bundle.headers.get('content-type')).to.match(/^application\/javascript/);
      expect(bundle.body).to.include('SwaggerUIBundle');
      const initializer = await api.request<string>('/api/docs/swagger-initializer.js');
      expect(initializer.body).to.include("url: '/api/schema/'");
    });

    it('answers any other file under /api/docs/ with a 404 in the API’s error shape', async () => {
      for (const path of ['/api/docs/package.json', '/api/docs/..%2Fpackage.json', '/api/docs/index.html', '/api/docs/toString']) {
        const missing = await api.request(path);
        expect(missing.status, path).to.equal(404);
        expect(missing.body, path).to.include({ code: 'not_found' });
      }
    });
  });

  describe('real responses match the documented schemas', () => {
    it('auth', async () => {
      const username = uniqueName();
      const password = 'Correct-Horse-42';
      const registered = await api.post('/api/auth/register/', { username, email: `${username}@example.com`, password, password2: password });
      expectDocumented('post', '/api/auth/register', registered);
      const pair = await api.post<{ refresh: string }>('/api/auth/token/', { username, password });
      expectDocumented('post', '/api/auth/token', pair);
      expectDocumented('post', '/api/auth/token/refresh', await api.post('/api/auth/token/refresh/', { refresh: pair.body.refresh }));
      expectDocumented('post', '/api/auth/token/refresh', await api.post('/api/auth/token/refresh/', { refresh: pair.body.refresh }));
      expectDocumented('get', '/api/auth/me', await alice.get('/api/auth/me/'));
      expectDocumented('get', '/api/auth/me', await api.request('/api/auth/me/'));
      expectDocumented('post', '/api/auth/token', await api.post('/api/auth/token/', { username, password: 'wrong' }));
    });

    it('resumes', async () => {
      const created = await alice.post<{ id: number }>('/api/resumes/', { title: 'Software Engineer Resume', content: '# John Doe' });
      expectDocumented('post', '/api/resumes', created);
      const id = created.body.id;
      expectDocumented('patch', '/api/resumes/:id', await alice.patch(`/api/resumes/${id}/`, { title: 'Renamed' }));
      expectDocumented('get', '/api/resumes', await alice.get('/api/resumes/'));
      expectDocumented('get', '/api/resumes', await alice.get('/api/resumes/?limit=1&ordering=title'));
      expectDocumented('get', '/api/resumes/:id/history', await alice.get(`/api/resumes/${id}/history/`));
      expectDocumented('get', '/api/resumes/:id', await alice.get('/api/resumes/999999999/'));
      expectDocumented('post', '/api/resumes', await alice.post('/api/resumes/', {}));
    });

    it('job applications', async () => {
      const body = { job_title: 'Senior Software Engineer', company_name: 'TechCorp Inc.', date_applied: '2023-01-15' };
      const created = await alice.post<{ id: number }>('/api/job-applications/', body);
      expectDocumented('post', '/api/job-applications', created);
      const id = created.body.id;
      expectDocumented('patch', '/api/job-applications/:id', await alice.patch(`/api/job-applications/${id}/`, { status: 'Interviewing' }));
      expectDocumented('get', '/api/job-applications', await alice.get('/api/job-applications/?limit=5'));
      expectDocumented('get', '/api/job-applications/stats', await alice.get('/api/job-applications/stats/'));
      expect((await alice.delete(`/api/job-applications/${id}/`)).status).to.equal(204);
      expectDocumented('post', '/api/job-applications/:id/restore', await alice.post(`/api/job-applications/${id}/restore/`));
      expectDocumented('get', '/api/job-applications/:id/history', await alice.get(`/api/job-applications/${id}/history/`));
      expectDocumented('get', '/api/example-job-applications', await api.request('/api/example-job-applications/'));
    });

    it('AI', async () => {
      const models = await api.request<{ data: { display_name: string }[] }>('/api/ai/models/');
      expectDocumented('get', '/api/ai/models', models);
      const offline = models.body.data[0]!.display_name;
      const input = 'Software engineer with 5 years experience in Python, Django, React. Expert in cloud deployment.';
      expectDocumented('post', '/api/ai/generate', await alice.post('/api/ai/generate/', { model: offline, user_input: input }));
      expectDocumented('get', '/api/ai/quota', await alice.get('/api/ai/quota/'));
      expectDocumented('get', '/api/ai/quota', await api.request('/api/ai/quota/', { headers: { authorization: 'Bearer not-a-token' } }));
    });

    it('admin, discovery and operations', async () => {
      expectDocumented('get', '/api/admin/ai-models', await staff.get('/api/admin/ai-models/'));
      expectDocumented('get', '/api/admin/ai-models/:displayName', await staff.get('/api/admin/ai-models/resumate%20offline/'));
      expectDocumented('get', '/api/admin/ai-models', await alice.get('/api/admin/ai-models/'));
      expectDocumented('get', '/api/admin/projections', await staff.get('/api/admin/projections/'));
      expectDocumented('get', '/api', await api.request('/api/'));
      expectDocumented('get', '/healthz', await api.request('/healthz'));
      expectDocumented('get', '/readyz', await api.request('/readyz'));
    });
  });
});
