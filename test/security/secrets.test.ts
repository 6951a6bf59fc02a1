import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { freePort } from '../support/net.js';
import { startTestApi, TEST_SECRET_KEY, uniqueName, type Response, type TestApi } from '../support/api.js';
import { requireRedis } from '../support/redis.js';

const secret = (label: string) => `${label}-${randomBytes(6).toString('hex')}`;

const ADMIN = { username: uniqueName('admin'), email: 'secrets-admin@example.com', password: secret('Admin-Pass') };
const GEMINI_KEY = secret('AIzaGeminiKeyValue');
const OPENROUTER_KEY = secret('sk-or-v1-key-value');
/** The provider model ids and key variable names: fine on admin endpoints, never on public ones. */
const HIDDEN_SETTINGS = { gemini: { model_name: secret('gemini-model-id'), api_key_name: 'GOOGLE_GEMINI_API_KEY' }, router: { model_name: secret('router-model-id'), api_key_name: 'OPENROUTER_API_KEY' } };

/** Password hashes in any format we or the original stored. */
const HASH = /\$2[aby]\$\d\d\$|pbkdf2_sha256\$/;

/**
 * No secret ever leaves the server, in a response or a log line: a scenario that touches every
 * endpoint, failures included, with the logger at `debug` into memory, then a grep of all of it.
 */
describe('security: no secret in a response or a log line', function () {
  this.timeout(90_000);
  const lines: string[] = [];
  const responses: Array<{ what: string; public: boolean; text: string }> = [];
  const passwords = [ADMIN.password];
  const tokens: string[] = [];
  let api: TestApi;

  before(async function () {
    await requireRedis(this);
    const memory = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const closed = await freePort(); // nothing listens there: every provider call fails
    api = await startTestApi(
      {
        DJANGO_SUPERUSER_USERNAME: ADMIN.username,
        DJANGO_SUPERUSER_EMAIL: ADMIN.email,
        DJANGO_SUPERUSER_PASSWORD: ADMIN.password,
        GOOGLE_GEMINI_API_KEY: GEMINI_KEY,
        OPENROUTER_API_KEY: OPENROUTER_KEY,
        GEMINI_BASE_URL: `http://127.0.0.1:${closed}`,
        OPENROUTER_BASE_URL: `http://127.0.0.1:${closed}/api/v1`,
        AI_TIMEOUT_MS: '2000',
        LOG_LEVEL: 'debug',
      },
      {},
      { logger: pino({ level: 'debug' }, memory) },
    );
    await scenario();
  });
  after(async () => api?.stop());

  async function record(what: string, response: Promise<Response>, isPublic = true): Promise<Response> {
    const r = await response;
    const headers = [...r.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n');
    responses.push({ what, public: isPublic, text: `${r.status}\n${headers}\n${typeof r.body === 'string' ? r.body : JSON.stringify(r.body)}` });
    return r;
  }

  const json = (method: string, body: unknown, token?: string): RequestInit => ({
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const get = (token?: string): RequestInit => ({ headers: token ? { authorization: `Bearer ${token}` } : {} });

  /** Every endpoint, with its successes and its failures. */
  async function scenario(): Promise<void> {
    const password = secret('User-Pass');
    const wrong = secret('Wrong-Pass');
    const weak = 'password';
    passwords.push(password, wrong);
    const username = uniqueName('victim');
    const email = `${username}@example.com`;
    const r = (what: string, path: string, init?: RequestInit, isPublic = true) => record(what, api.request(path, init), isPublic);

    await r('register', '/api/auth/register/', json('POST', { username, email, password, password2: password }));
    await r('register: taken, weak, mismatched', '/api/auth/register/', json('POST', { username, email, password: weak, password2: wrong }));
    await r('register: password like the username', '/api/auth/register/', json('POST', { username: uniqueName(), email: 'x@example.com', password: `${username}1`, password2: `${username}1` }));
    await r('login: wrong password', '/api/auth/token/', json('POST', { username, password: wrong }));
    await r('login: unknown user', '/api/auth/token/', json('POST', { username: uniqueName('ghost'), password }));
    await r('login: invalid body', '/api/auth/token/', json('POST', { username, password: [password] }));
    const login = await r('login', '/api/auth/token/', json('POST', { username, password }));
    const { access, refresh } = login.body as { access: string; refresh: string };
    const adminLogin = await r('admin login', '/api/auth/token/', json('POST', { username: ADMIN.username, password: ADMIN.password }));
    const staff = (adminLogin.body as { access: string }).access;
    tokens.push(access, refresh, staff);

    await r('me', '/api/auth/me/', get(access));
    await r('me: refresh as access', '/api/auth/me/', get(refresh));
    await r('refresh: garbage', '/api/auth/token/refresh/', json('POST', { refresh: 'garbage' }));
    const rotated = await r('refresh', '/api/auth/token/refresh/', json('POST', { refresh }));
    tokens.push(...Object.values(rotated.body as Record<string, string>));
    await r('refresh: blacklisted', '/api/auth/token/refresh/', json('POST', { refresh }));
    await r('logout', '/api/auth/token/blacklist/', json('POST', { refresh: (rotated.body as { refresh: string }).refresh }));

    const resume = await r('resume create', '/api/resumes/', json('POST', { title: 'Mine', content: 'x' }, access));
    const resumeId = (resume.body as { id: number }).id;
    await r('resume invalid', '/api/resumes/', json('POST', { title: 'x'.repeat(300) }, access));
    await r('resume list', '/api/resumes/?search=Mine&ordering=-title&limit=5', get(access));
    await r('resume list: bad query', '/api/resumes/?ordering=password&limit=-1', get(access));
    await r('resume get', `/api/resumes/${resumeId}/`, get(access));
    await r('resume put', `/api/resumes/${resumeId}/`, json('PUT', { title: 'T', content: 'C' }, access));
    await r('resume patch', `/api/resumes/${resumeId}/`, json('PATCH', { title: 'P' }, access));
    await r('resume history', `/api/resumes/${resumeId}/history/`, get(access));
    await r('resume delete', `/api/resumes/${resumeId}/`, { method: 'DELETE', ...get(access) });
    await r('resume 404', `/api/resumes/${resumeId}/`, get(access));

    const application = await r('application create', '/api/job-applications/', json('POST', { job_title: 'J', company_name: 'C' }, access));
    const applicationId = (application.body as { id: number }).id;
    await r('application invalid', '/api/job-applications/', json('POST', { status: 'nope', date_applied: 'soon' }, access));
    await r('application list', '/api/job-applications/?status=Applied&limit=2', get(access));
    await r('application get', `/api/job-applications/${applicationId}/`, get(access));
    await r('application put', `/api/job-applications/${applicationId}/`, json('PUT', { job_title: 'J2', company_name: 'C2' }, access));
    await r('application patch', `/api/job-applications/${applicationId}/`, json('PATCH', { status: 'Offer' }, access));
    await r('application delete', `/api/job-applications/${applicationId}/`, { method: 'DELETE', ...get(access) });
    await r('application restore', `/api/job-applications/${applicationId}/restore/`, { method: 'POST', ...get(access) });
    await r('application history', `/api/job-applications/${applicationId}/history/`, get(access));
    await r('application stats', '/api/job-applications/stats/', get(access));

    await r('examples', '/api/example-job-applications/');
    await r('example detail', '/api/example-job-applications/1/');

    await r('admin: create gemini model', '/api/admin/ai-models/', json('POST', { display_name: 'Secret Gemini', api_provider: 'google_gemini', ...HIDDEN_SETTINGS.gemini }, staff), false);
    await r('admin: create router model', '/api/admin/ai-models/', json('POST', { display_name: 'Secret Router', api_provider: 'open_router', ...HIDDEN_SETTINGS.router }, staff), false);
    await r('admin: invalid model', '/api/admin/ai-models/', json('POST', { display_name: '', api_provider: 'gpt' }, staff), false);
    await r('admin: list', '/api/admin/ai-models/', get(staff), false);
    await r('admin: get', '/api/admin/ai-models/Secret%20Gemini/', get(staff), false);
    await r('admin: as a user', '/api/admin/ai-models/', get(access));
    await r('models', '/api/ai/models/');
    await r('quota', '/api/ai/quota/', get(access));
    await r('generate offline', '/api/ai/generate/', json('POST', { model: 'ResuMate Offline', user_input: 'Engineer with ten years of TypeScript, PostgreSQL and Redis experience.' }, access));
    await r('generate: gemini down', '/api/ai/generate/', json('POST', { model: 'Secret Gemini', user_input: 'Engineer with ten years of TypeScript, PostgreSQL and Redis experience.' }, access));
    await r('generate: router down', '/api/ai/generate/', json('POST', { model: 'Secret Router', user_input: 'Engineer with ten years of TypeScript, PostgreSQL and Redis experience.' }));
    await r('generate: invalid', '/api/ai/generate/', json('POST', { model: 'Nope', user_input: 'short' }));
    await r('admin: patch', '/api/admin/ai-models/Secret%20Router/', json('PATCH', { daily_limit: 3 }, staff), false);
    await r('admin: delete', '/api/admin/ai-models/Secret%20Router/', { method: 'DELETE', ...get(staff) }, false);
    await r('admin: projections', '/api/admin/projections/', get(staff), false);

    await r('healthz', '/healthz');
    await r('readyz', '/readyz');
    await r('api root', '/api/');
    // The API's documentation describes the admin endpoints' fields, and so is checked like them.
    await r('schema', '/api/schema/', undefined, false);
    await r('docs', '/api/docs/', undefined, false);
    await r('metrics', '/metrics');
    await r('unknown route', '/api/nope/');
    await r('wrong method', '/api/auth/me/', { method: 'DELETE', ...get(access) });
    await r('not JSON', '/api/resumes/', { method: 'POST', headers: { 'content-type': 'text/plain', authorization: `Bearer ${access}` }, body: password });
    await r('malformed JSON', '/api/auth/token/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"username":"${username}","password":"${password}"` });
    await r('too large', '/api/auth/token/', json('POST', { username, password: password + 'x'.repeat(2 * 1024 * 1024) }));
  }

  it('ran a scenario whose failures are logged at debug (the grep below sees real traffic)', () => {
    expect(responses.length).to.be.above(60);
    expect(lines.length).to.be.above(responses.length);
    expect(responses.filter((r) => r.text.startsWith('5'))).to.have.length.of.at.most(2); // the two provider outages: 503
    expect(responses.some((r) => r.text.startsWith('500'))).to.equal(false);
  });

  it('shows no password hash anywhere', () => {
    for (const { what, text } of responses) expect(HASH.test(text), what).to.equal(false);
    for (const line of lines) expect(HASH.test(line), line).to.equal(false);
  });

  it('shows no raw password, SECRET_KEY or provider key anywhere', () => {
    const secrets = [...passwords, TEST_SECRET_KEY, GEMINI_KEY, OPENROUTER_KEY];
    for (const value of secrets) {
      for (const { what, text } of responses) {
        // A body the server refused to parse is not echoed either; the one response allowed to hold it is none.
        expect(text.includes(value), `${what} shows ${value}`).to.equal(false);
      }
      for (const line of lines) expect(line.includes(value), `log line shows ${value}: ${line.slice(0, 300)}`).to.equal(false);
    }
  });

  it('logs no bearer or refresh token', () => {
    for (const token of tokens) {
      for (const line of lines) expect(line.includes(token.split('.')[2]!), `log line shows a token: ${line.slice(0, 300)}`).to.equal(false);
    }
  });

  it('shows AI model ids and key variable names only on admin endpoints', () => {
    const hidden = Object.values(HIDDEN_SETTINGS).flatMap((s) => Object.values(s));
    const shown = responses.filter((r) => !r.public).map((r) => r.text).join('\n');
    expect(shown).to.include(HIDDEN_SETTINGS.gemini.model_name); // the admin API does show them: the check below is not vacuous
    for (const { what, text } of responses.filter((r) => r.public)) {
      for (const value of hidden) expect(text.includes(value), `${what} shows ${value}`).to.equal(false);
      expect(text, what).to.not.match(/"(model_name|api_key_name)"/);
    }
  });
});
