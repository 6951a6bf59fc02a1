import { expect } from 'chai';
import { configureAiModel, updateAiModel } from '../../src/commands/aiModels.js';
import { newAiModelSettings } from '../../src/domain/aiModel/index.js';
import { commandDeps } from '../../src/server.js';
import { FakeAiServer } from '../support/fakeAiServer.js';
import { requireRedis } from '../support/redis.js';
import { startTestApi, uniqueName, type TestApi } from '../support/api.js';

const USER_INPUT = 'Software engineer with 5 years experience in Python, Django, React. Expert in cloud deployment.';
const AI_ERROR = 'An error occurred while communicating with the AI service.';
const json = { 'content-type': 'application/json' };

describe('AI endpoints', function () {
  this.timeout(30_000);
  let api: TestApi;
  let fake: FakeAiServer;
  const now = { at: new Date() };
  const clock = { now: () => now.at };

  const ctx = () => ({ userId: null, requestId: 'test', at: new Date().toISOString() });
  const addModel = async (settings: Parameters<typeof newAiModelSettings>[0]) => {
    const name = settings.display_name;
    await configureAiModel(commandDeps(api.server.infrastructure), newAiModelSettings(settings), ctx());
    return name;
  };
  const generate = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    api.request<Record<string, unknown>>('/api/ai/generate/', { method: 'POST', headers: { ...json, ...headers }, body: JSON.stringify(body) });

  before(async function () {
    await requireRedis(this);
    fake = new FakeAiServer();
    await fake.start();
    api = await startTestApi(
      { GEMINI_BASE_URL: fake.geminiBaseUrl, OPENROUTER_BASE_URL: fake.openAiBaseUrl, AI_TIMEOUT_MS: '400', GOOGLE_GEMINI_API_KEY: 'gemini-test-key', OPENROUTER_API_KEY: 'openrouter-test-key' },
      {},
      { clock },
    );
  });
  beforeEach(() => {
    fake.reset();
    now.at = new Date();
  });
  after(async () => {
    await api?.stop();
    await fake?.stop();
  });

  describe('GET /api/ai/models/', () => {
    it('lists the seeded offline model without private settings, cached MISS then HIT', async () => {
      const first = await api.request<{ cache_status: string; data: Record<string, unknown>[] }>('/api/ai/models/');
      expect(first.status).to.equal(200);
      const offline = first.body.data.find((m) => m.display_name === 'ResuMate Offline');
      expect(offline).to.deep.equal({
        display_name: 'ResuMate Offline',
        description: offline!.description,
        response_time_info: 'Instant',
        login_required: false,
        daily_limit: 20,
      });
      const second = await api.request<{ cache_status: string }>('/api/ai/models/');
      expect(second.headers.get('x-cache-status')).to.equal('HIT');
      expect(second.body.cache_status).to.equal('HIT (Response from Redis cache)');
    });

    it('shows an admin change at once: the projector drops the cached list', async () => {
      const name = await addModel({ display_name: uniqueName('Model'), model_name: 'gemini-test', api_provider: 'google_gemini', api_key_name: 'GOOGLE_GEMINI_API_KEY' });
      await api.request('/api/ai/models/');
      expect((await api.request('/api/ai/models/')).headers.get('x-cache-status')).to.equal('HIT');
      await updateAiModel(commandDeps(api.server.infrastructure), name, { description: 'Now with a description' }, ctx());
      const after = await api.request<{ data: { display_name: string; description: string }[] }>('/api/ai/models/');
      expect(after.headers.get('x-cache-status')).to.equal('MISS');
      expect(after.body.data.find((m) => m.display_name === name)?.description).to.equal('Now with a description');
    });
  });

  describe('POST /api/ai/generate/', () => {
    it('generates anonymously with the offline model: nothing saved, quota shown', async () => {
      const { status, body } = await generate({ model: 'resumate offline', user_input: USER_INPUT });
      expect(status).to.equal(201);
      expect(body).to.include({ resume_id: null, model: 'ResuMate Offline', title: 'Untitled Resume' });
      expect(String(body.content)).to.match(/^# /);
      expect(body.quota).to.include({ daily_limit: 20 });
    });

    it('saves the resume of a signed-in user as an AI resume', async () => {
      const user = await api.newUser();
      const { status, body } = await user.post<Record<string, unknown>>('/api/ai/generate/', { model: 'ResuMate Offline', user_input: USER_INPUT, title: 'Senior Developer Resume' });
      expect(status).to.equal(201);
      expect(body.resume_id).to.be.a('number');
      const resume = await user.get<Record<string, unknown>>(`/api/resumes/${String(body.resume_id)}/`);
      expect(resume.body).to.include({ title: 'Senior Developer Resume', content: body.content, user: user.username });
      const history = await user.get<{ changes: Record<string, unknown> }[]>(`/api/resumes/${String(body.resume_id)}/history/`);
      expect(history.body[0]!.changes).to.include({ source: 'ai', ai_model: 'ResuMate Offline' });
    });

    it('validates model, user_input and title', async () => {
      expect((await generate({ model: 'Nope', user_input: USER_INPUT })).body).to.deep.include({ field_errors: { model: ['"Nope" is not a valid choice.'] } });
      expect((await generate({ model: 'ResuMate Offline', user_input: 'too short' })).body).to.deep.include({
        field_errors: { user_input: ['Ensure this field has at least 50 characters.'] },
      });
      expect((await generate({})).body).to.deep.include({ field_errors: { model: ['This field is required.'], user_input: ['This field is required.'] } });
    });

    it('asks for a token for a login-required model', async () => {
      const name = await addModel({ display_name: uniqueName('Premium'), model_name: 'gemini-test', api_provider: 'google_gemini', api_key_name: 'GOOGLE_GEMINI_API_KEY', login_required: true });
      const anonymous = await generate({ model: name, user_input: USER_INPUT });
      expect(anonymous.status).to.equal(401);
      expect(anonymous.body).to.include({ code: 'not_authenticated' });
      const user = await api.newUser();
      expect((await user.post('/api/ai/generate/', { model: name, user_input: USER_INPUT })).status).to.equal(201);
    });

    it('drives Gemini through its SDK: the user text travels only inside its delimiters', async () => {
      const name = await addModel({ display_name: uniqueName('Gemini'), model_name: 'gemini-2.0-flash', api_provider: 'google_gemini', api_key_name: 'GOOGLE_GEMINI_API_KEY' });
      fake.program({ text: '# From Gemini' });
      const { status, body } = await generate({ model: name, user_input: USER_INPUT });
      expect(status).to.equal(201);
      expect(body.content).to.equal('# From Gemini');
      const sent = JSON.stringify(fake.requests[0]!.body);
      expect(fake.requests[0]!.path).to.match(/gemini-2\.0-flash:generateContent$/);
      const userPart = sent.slice(sent.indexOf('<<<USER_INPUT'), sent.indexOf('USER_INPUT>>>'));
      expect(userPart).to.include(USER_INPUT);
      expect(sent.split(USER_INPUT)).to.have.length(2);
    });

    it('retries a 500 once, then succeeds (OpenRouter through the OpenAI SDK)', async () => {
      const name = await addModel({ display_name: uniqueName('Router'), model_name: 'deepseek/deepseek-chat', api_provider: 'open_router', api_key_name: 'OPENROUTER_API_KEY' });
      fake.program({ fail: { status: 500, times: 1 }, text: '# From OpenRouter' });
      const { status, body } = await generate({ model: name, user_input: USER_INPUT });
      expect(status).to.equal(201);
      expect(body.content).to.equal('# From OpenRouter');
      expect(fake.requests).to.have.length(2);
    });

    for (const [label, behaviour] of [
      ['a timeout', { hang: true }],
      ['a malformed answer', { malformed: true }],
      ['two 500s', { fail: { status: 500, times: 2 } }],
    ] as const) {
      it(`answers 503 on ${label} and gives the quota slot back`, async () => {
        const name = await addModel({ display_name: uniqueName('Flaky'), model_name: 'gemini-test', api_provider: 'google_gemini', api_key_name: 'GOOGLE_GEMINI_API_KEY', daily_limit: 3 });
        fake.program(behaviour);
        const user = await api.newUser();
        const { status, body } = await user.post('/api/ai/generate/', { model: name, user_input: USER_INPUT });
        expect(status).to.equal(503);
        expect(body).to.deep.equal({ error: AI_ERROR, code: 'service_unavailable', detail: AI_ERROR });
        const quota = await user.get<{ model: string; used_today: number }[]>('/api/ai/quota/');
        expect(quota.body.find((q) => q.model === name)?.used_today).to.equal(0);
      });
    }

    it('answers 503, not a crash, when the model names an API key that is not set', async () => {
      const name = await addModel({ display_name: uniqueName('Keyless'), model_name: 'x', api_provider: 'open_router', api_key_name: 'NO_SUCH_API_KEY' });
      expect((await generate({ model: name, user_input: USER_INPUT })).status).to.equal(503);
      expect(fake.requests).to.have.length(0);
    });
  });

  describe('quotas', () => {
    it('lets exactly 5 of 30 concurrent requests through a limit of 5; the rest get 429 until midnight UTC', async () => {
      const name = await addModel({ display_name: uniqueName('Limited'), model_name: 'offline', api_provider: 'offline', daily_limit: 5 });
      const user = await api.newUser();
      const results = await Promise.all(Array.from({ length: 30 }, () => user.post('/api/ai/generate/', { model: name, user_input: USER_INPUT })));
      expect(results.filter((r) => r.status === 201)).to.have.length(5);
      const refused = results.filter((r) => r.status === 429);
      expect(refused).to.have.length(25);
      const secondsToMidnight = Math.ceil((Date.UTC(now.at.getUTCFullYear(), now.at.getUTCMonth(), now.at.getUTCDate() + 1) - now.at.getTime()) / 1000);
      for (const r of refused) {
        expect(r.body).to.include({ code: 'quota_exceeded' });
        expect(Number(r.headers.get('retry-after'))).to.be.within(secondsToMidnight - 5, secondsToMidnight);
      }
      const quota = await user.get<{ model: string; used_today: number; remaining_today: number }[]>('/api/ai/quota/');
      expect(quota.body.find((q) => q.model === name)).to.include({ used_today: 5, remaining_today: 0 });
    });

    it('counts anonymous clients per IP and resets at the UTC day boundary', async () => {
      const name = await addModel({ display_name: uniqueName('Daily'), model_name: 'offline', api_provider: 'offline', daily_limit: 1 });
      now.at = new Date('2026-11-24T23:59:58.000Z');
      expect((await generate({ model: name, user_input: USER_INPUT })).status).to.equal(201);
      const refused = await generate({ model: name, user_input: USER_INPUT });
      expect(refused.status).to.equal(429);
      expect(refused.headers.get('retry-after')).to.equal('2');
      now.at = new Date('2026-11-25T00:00:01.000Z');
      const next = await generate({ model: name, user_input: USER_INPUT });
      expect(next.status).to.equal(201);
      expect(next.body.quota).to.deep.equal({ daily_limit: 1, used_today: 1, remaining_today: 0, resets_at: '2026-11-26T00:00:00.000Z' });
    });
  });

  describe('the seed documentation workflow', () => {
    it('runs verbatim with only BASE_URL and the model name changed', async () => {
      const base = `${api.url}/api`;
      const models = await fetch(`${base}/ai/models/`);
      expect(models.status).to.equal(200);
      const username = uniqueName('john_doe');
      const register = await fetch(`${base}/auth/register/`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: `{
    "username": "${username}",
    "email": "john@example.com",
    "password": "SecurePass123!",
    "password2": "SecurePass123!"
  }`,
      });
      expect(register.status).to.equal(201);
      const token = (await (await fetch(`${base}/auth/token/`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: `{ "username": "${username}", "password": "SecurePass123!" }` })).json()) as { access: string };
      const auth = { 'Content-Type': 'application/json', Authorization: `Bearer ${token.access}` };
      const generated = await fetch(`${base}/ai/generate/`, {
        method: 'POST',
        headers: auth,
        body: `{
    "model": "ResuMate Offline",
    "user_input": "${USER_INPUT}",
    "title": "Senior Developer Resume"
  }`,
      });
      expect(generated.status).to.equal(201);
      const resumeId = ((await generated.json()) as { resume_id: number }).resume_id;
      const application = await fetch(`${base}/job-applications/`, {
        method: 'POST',
        headers: auth,
        body: `{
    "job_title": "Senior Software Engineer",
    "company_name": "TechCorp Inc.",
    "resume_used": ${resumeId},
    "status": "Applied",
    "date_applied": "${new Date().toISOString().slice(0, 10)}"
  }`,
      });
      expect(application.status).to.equal(201);
      expect(((await application.json()) as { resume_used: number }).resume_used).to.equal(resumeId);
      const resumes = (await (await fetch(`${base}/resumes/`, { headers: auth })).json()) as { id: number }[];
      expect(resumes.map((r) => r.id)).to.deep.equal([resumeId]);
    });
  });
});
