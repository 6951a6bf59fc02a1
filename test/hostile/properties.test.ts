import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { TEST_SECRET_KEY } from '../support/api.js';
import { requireRedis } from '../support/redis.js';
import { forgedToken, headerValue, jsonBody, NASTY_STRINGS, pathId, queryString } from './arbitraries.js';
import { Harness, type HostileRequest, type Sender } from './harness.js';

/**
 * Property-based hostile input against every endpoint: whatever the body, path, query or
 * headers, the answer is a 2xx (valid but odd) or a 4xx in the API.md error shape with no
 * event appended — never a 5xx — and the server stays healthy. A failure prints fast-check's
 * seed and shrunk counterexample; rerun with `{ seed, path }` to reproduce it.
 */
const RUNS = 60;
const property = { numRuns: RUNS };

interface WriteEndpoint {
  method: string;
  path: string;
  as: Sender;
  fields: readonly string[];
}

const RESUME_FIELDS = ['title', 'content', 'id', 'user', 'created_at'];
const APPLICATION_FIELDS = ['job_title', 'company_name', 'original_job_description', 'date_applied', 'status', 'notes', 'resume_used', 'user', 'is_deleted', 'is_example'];
const AI_MODEL_FIELDS = ['display_name', 'model_name', 'api_provider', 'api_key_name', 'is_active', 'login_required', 'daily_limit', 'response_time_info', 'description'];
const GENERATE_FIELDS = ['model', 'user_input', 'title'];

/** Every endpoint that takes a body, in groups that share a fuzz budget. */
const WRITE_GROUPS: Record<string, WriteEndpoint[]> = {
  auth: [
    { method: 'POST', path: '/api/auth/register/', as: 'anonymous', fields: ['username', 'email', 'password', 'password2'] },
    { method: 'POST', path: '/api/auth/token/', as: 'anonymous', fields: ['username', 'password'] },
    { method: 'POST', path: '/api/auth/token/refresh/', as: 'anonymous', fields: ['refresh'] },
    { method: 'POST', path: '/api/auth/token/blacklist/', as: 'anonymous', fields: ['refresh'] },
  ],
  resumes: [
    { method: 'POST', path: '/api/resumes/', as: 'owner', fields: RESUME_FIELDS },
    { method: 'PUT', path: '/api/resumes/{resume}/', as: 'owner', fields: RESUME_FIELDS },
    { method: 'PATCH', path: '/api/resumes/{resume}/', as: 'owner', fields: RESUME_FIELDS },
  ],
  'job applications': [
    { method: 'POST', path: '/api/job-applications/', as: 'owner', fields: APPLICATION_FIELDS },
    { method: 'PUT', path: '/api/job-applications/{application}/', as: 'owner', fields: APPLICATION_FIELDS },
    { method: 'PATCH', path: '/api/job-applications/{application}/', as: 'owner', fields: APPLICATION_FIELDS },
    { method: 'POST', path: '/api/job-applications/{deleted}/restore/', as: 'owner', fields: APPLICATION_FIELDS },
  ],
  'AI generation': [
    { method: 'POST', path: '/api/ai/generate/', as: 'anonymous', fields: GENERATE_FIELDS },
    { method: 'POST', path: '/api/ai/generate/', as: 'owner', fields: GENERATE_FIELDS },
  ],
  'admin AI models': [
    { method: 'POST', path: '/api/admin/ai-models/', as: 'staff', fields: AI_MODEL_FIELDS },
    { method: 'PATCH', path: '/api/admin/ai-models/{model}/', as: 'staff', fields: AI_MODEL_FIELDS },
  ],
};
const WRITES = Object.values(WRITE_GROUPS).flat();

/** Every resource path with an id, and the methods it serves (plus one it does not). */
const BY_ID: Array<{ path: string; methods: string[]; as: Sender }> = [
  { path: '/api/resumes/{id}/', methods: ['GET', 'PUT', 'PATCH', 'DELETE', 'POST'], as: 'stranger' },
  { path: '/api/resumes/{id}/history/', methods: ['GET', 'DELETE'], as: 'stranger' },
  { path: '/api/job-applications/{id}/', methods: ['GET', 'PUT', 'PATCH', 'DELETE'], as: 'stranger' },
  { path: '/api/job-applications/{id}/restore/', methods: ['POST', 'GET'], as: 'stranger' },
  { path: '/api/job-applications/{id}/history/', methods: ['GET'], as: 'stranger' },
  { path: '/api/example-job-applications/{id}/', methods: ['GET'], as: 'anonymous' },
  { path: '/api/admin/ai-models/{id}/', methods: ['GET', 'PATCH', 'DELETE'], as: 'staff' },
];

/** Every GET, those still being built (`/api/`, `/api/schema/`, `/api/docs/`, `/api/admin/projections/`, `/metrics`) included. */
const READS: Array<{ path: string; as: Sender }> = [
  { path: '/api/resumes/', as: 'owner' },
  { path: '/api/job-applications/', as: 'owner' },
  { path: '/api/job-applications/stats/', as: 'owner' },
  { path: '/api/resumes/{resume}/history/', as: 'owner' },
  { path: '/api/job-applications/{application}/history/', as: 'owner' },
  { path: '/api/auth/me/', as: 'owner' },
  { path: '/api/ai/quota/', as: 'anonymous' },
  { path: '/api/ai/quota/', as: 'owner' },
  { path: '/api/ai/models/', as: 'anonymous' },
  { path: '/api/example-job-applications/', as: 'anonymous' },
  { path: '/api/admin/ai-models/', as: 'staff' },
  { path: '/api/', as: 'anonymous' },
  { path: '/api/schema/', as: 'anonymous' },
  { path: '/api/docs/', as: 'anonymous' },
  { path: '/api/admin/projections/', as: 'staff' },
  { path: '/metrics', as: 'anonymous' },
  { path: '/healthz', as: 'anonymous' },
  { path: '/readyz', as: 'anonymous' },
];

const CONTENT_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=xyz', 'multipart/form-data', 'text/plain', 'application/json; charset=utf-16', 'application/vnd.api+json'];

const sign = (signingInput: string, key: string | null) => (key === null ? '' : createHmac('sha256', key).update(signingInput).digest('base64url'));

describe('hostile input (property-based)', function () {
  this.timeout(180_000);
  const h = new Harness();
  before(async function () {
    await requireRedis(this);
    await h.start();
  });
  after(() => h.stop());
  afterEach(() => h.expectHealthy());

  describe('JSON bodies of the wrong type, size, depth, encoding and keys', () => {
    for (const [group, endpoints] of Object.entries(WRITE_GROUPS)) {
      it(`${group}: ${endpoints.map((e) => `${e.method} ${e.path} (${e.as})`).join(', ')}`, async () => {
        const request = fc.constantFrom(...endpoints).chain((endpoint) => jsonBody(endpoint.fields).map((body) => ({ ...endpoint, body })));
        await fc.assert(
          fc.asyncProperty(request, async (req) => {
            await h.check(req);
          }),
          property,
        );
      });
    }
  });

  it('random bytes under every content type (invalid UTF-8, broken forms and multiparts)', async () => {
    const targets = WRITES.filter((w) => w.method === 'POST').map(({ method, path, as }) => ({ method, path, as }));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...targets),
        fc.constantFrom(...CONTENT_TYPES),
        fc.oneof(fc.uint8Array({ maxLength: 2000 }), fc.string({ unit: 'binary', maxLength: 500 }).map((s) => `title=${s}&content=${s}`)),
        async (target, contentType, body) => {
          await h.check({ ...target, body, contentType });
        },
      ),
      property,
    );
  });

  it('ids in paths: negative, huge, fractional, exponent, non-numeric, percent-garbage; another user’s ids', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...BY_ID).chain((route) => fc.tuple(fc.constant(route), fc.constantFrom(...route.methods))),
        fc.oneof(pathId, fc.constantFrom('{resume}', '{application}', '{deleted}')),
        async ([route, method], id) => {
          const body = ['PUT', 'PATCH', 'POST'].includes(method) ? JSON.stringify({ title: 't', content: 'c', job_title: 'j', company_name: 'c' }) : undefined;
          // Nobody but the owner has anything under these ids: every answer is a refusal.
          await h.check({ method, path: route.path.replace('{id}', id), as: route.as, body }, { okAllowed: false });
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it('query strings on every GET: repeated keys, arrays, huge or negative limit/offset, injected ordering, invalid escapes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...READS), queryString, async (read, query) => {
        await h.check({ method: 'GET', path: `${read.path}?${query}`, as: read.as });
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('forged, tampered and malformed bearer tokens on protected, public and token endpoints', async () => {
    const { owner, stranger } = h.f;
    const tokens = forgedToken(sign, TEST_SECRET_KEY, [owner.id, stranger.id, 0, 999_999]);
    const authorization = fc.oneof(
      { weight: 4, arbitrary: tokens.map((t) => `Bearer ${t}`) },
      { weight: 1, arbitrary: fc.constantFrom('Bearer', 'Bearer  ', 'bearer x', 'Basic YTpi', 'Token x', 'Bearer a b', 'Bearer a.b', 'Bearer ..', 'Bearer ...') },
      { weight: 1, arbitrary: headerValue.map((v) => `Bearer ${v}`) },
      { weight: 1, arbitrary: headerValue },
    );
    const targets: HostileRequest[] = [
      { method: 'GET', path: '/api/auth/me/', as: 'anonymous' },
      { method: 'GET', path: '/api/resumes/', as: 'anonymous' },
      { method: 'POST', path: '/api/resumes/', as: 'anonymous', body: JSON.stringify({ title: 'forged', content: 'forged' }) },
      { method: 'DELETE', path: '/api/resumes/{resume}/', as: 'anonymous' },
      { method: 'GET', path: '/api/ai/models/', as: 'anonymous' },
      { method: 'GET', path: '/api/admin/ai-models/', as: 'anonymous' },
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets), authorization, async (target, header) => {
        const response = await h.check({ ...target, headers: { authorization: header } });
        // A 2xx on a protected endpoint needs the server's own key; the owner's resume is never deleted by a forgery.
        if (target.method === 'DELETE' && response.status < 300) throw new Error(`forged token deleted the owner's resume: ${header}`);
      }),
      { numRuns: RUNS * 2 },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/api/auth/token/refresh/', '/api/auth/token/blacklist/'), tokens, async (path, token) => {
        await h.check({ method: 'POST', path, as: 'anonymous', body: JSON.stringify({ refresh: token }) });
      }),
      property,
    );
  });

  it('odd headers: Content-Type, Content-Encoding, X-Request-Id, X-Forwarded-*, Accept, Host-like junk', async () => {
    const header = fc.constantFrom('content-type', 'content-encoding', 'x-request-id', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'accept', 'accept-encoding', 'origin', 'cookie', 'x-http-method-override');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<HostileRequest>(
          { method: 'POST', path: '/api/resumes/', as: 'owner', body: JSON.stringify({ title: 'h', content: 'h' }) },
          { method: 'POST', path: '/api/auth/token/', as: 'anonymous', body: JSON.stringify({ username: 'nobody', password: 'nothing' }) },
          { method: 'GET', path: '/api/job-applications/', as: 'owner' },
        ),
        fc.dictionary(header, fc.oneof(headerValue, fc.constantFrom(...NASTY_STRINGS.filter((s) => /^[\x21-\x7e]+$/.test(s)), 'gzip', 'br', 'deflate, gzip', 'identity', '*/*', 'text/html', 'DELETE'))),
        async (request, headers) => {
          await h.check({ ...request, headers });
        },
      ),
      property,
    );
  });
});
