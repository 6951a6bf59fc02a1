import { expect } from 'chai';
import pino from 'pino';
import { AiProviderError } from '../../src/ai/provider.js';
import { createProviders } from '../../src/ai/providers.js';
import { OFF_TOPIC_REFUSAL } from '../../src/ai/prompt.js';
import { configureAiModel } from '../../src/commands/aiModels.js';
import { principalFor } from '../../src/auth/principal.js';
import { quotaUsage } from '../../src/projections/quotaUsage.js';
import { generateResume, type GenerateResumeDeps, type GenerateResumeRequest } from '../../src/commands/generateResume.js';
import { storageCaps } from '../../src/commands/storageCaps.js';
import { registerUser } from '../../src/commands/users.js';
import { newAiModelSettings } from '../../src/domain/aiModel/index.js';
import { utcDay } from '../../src/domain/aiQuota/index.js';
import { NotAuthenticated, QuotaExceeded, ValidationFailed } from '../../src/domain/errors.js';
import { findActiveModel } from '../../src/projections/aiModels.js';
import { getResume } from '../../src/projections/resumes.js';
import { uniqueName } from '../support/api.js';
import { startCommandInfra, type CommandInfra } from '../support/commandInfra.js';
import { FakeAiServer } from '../support/fakeAiServer.js';
import { requireRedis } from '../support/redis.js';

const USER_INPUT = 'Software engineer with 5 years experience in Python, Django, React.';
const CLIENT_IP = '203.0.113.7';
// A fixed day: quotas are per UTC day, and no test should straddle midnight.
const clock = { now: () => new Date('2026-12-03T10:00:00.000Z') };

describe('generateResume (the use case, without HTTP)', function () {
  this.timeout(30_000);
  let env: CommandInfra;
  let fake: FakeAiServer;
  let deps: GenerateResumeDeps;

  before(async function () {
    await requireRedis(this);
    fake = new FakeAiServer();
    await fake.start();
    env = await startCommandInfra(clock);
    deps = {
      commands: env.commands,
      findActiveModel: (name) => findActiveModel(env.infra.db, name),
      providers: createProviders({ geminiBaseUrl: fake.geminiBaseUrl, timeoutMs: 400, retryDelayMs: 1, apiKeys: { GOOGLE_GEMINI_API_KEY: 'gemini-test-key' }, logger: pino({ level: 'silent' }) }),
      withinResumeCap: storageCaps(env.infra.db, { resumesPerUser: 2, jobApplicationsPerUser: 10 }).resumes,
    };
  });
  beforeEach(() => fake.reset());
  after(async () => {
    await env?.close();
    await fake?.stop();
  });

  const addModel = async (settings: { login_required?: boolean; daily_limit?: number | null } = {}) => {
    const display_name = uniqueName('Gemini');
    await configureAiModel(env.commands, newAiModelSettings({ display_name, model_name: 'gemini-test', api_provider: 'google_gemini', api_key_name: 'GOOGLE_GEMINI_API_KEY', ...settings }), env.context());
    return display_name;
  };
  const newUser = async () => {
    const username = uniqueName();
    const id = await registerUser(env.commands, { username, email: `${username}@example.com`, passwordHash: 'unused', isStaff: false }, env.context());
    return { id, username };
  };
  const request = (model: string, user: GenerateResumeRequest['user'] = null): GenerateResumeRequest => ({ model, userInput: USER_INPUT, user, clientIp: CLIENT_IP });
  const usedToday = (model: string, user: GenerateResumeRequest['user']) =>
    quotaUsage(env.commands.store, principalFor(user, CLIENT_IP), model, utcDay(clock.now().toISOString()));

  it('keeps what a signed-in user generated as their resume, and counts one slot of their quota', async () => {
    const model = await addModel({ daily_limit: 3 });
    const user = await newUser();
    fake.program({ text: '# Jane Doe' });
    const generated = await generateResume(deps, { ...request(model.toUpperCase(), user), title: 'Mine' }, env.context(user.id));
    expect(generated).to.deep.include({ content: '# Jane Doe', model, title: 'Mine' });
    expect(generated.quota).to.include({ dailyLimit: 3, usedToday: 1, remainingToday: 2 });
    expect(generated.resumeId).to.be.a('number');
    expect(await getResume(env.infra.db, user.id, generated.resumeId!)).to.include({ title: 'Mine', content: '# Jane Doe', user: user.username });
    expect(fake.requests[0]!.path).to.equal('/v1beta/models/gemini-test:generateContent');
  });

  it('keeps nothing for an anonymous client, whose quota is its address’s, and names the resume "Untitled Resume"', async () => {
    const model = await addModel();
    const generated = await generateResume(deps, request(model), env.context());
    expect(generated).to.deep.include({ resumeId: null, title: 'Untitled Resume' });
    expect(generated.quota).to.include({ dailyLimit: null, usedToday: 1, remainingToday: null });
    expect(await usedToday(model, null)).to.equal(1);
  });

  it('keeps no off-topic refusal, even for a signed-in user', async () => {
    const model = await addModel();
    fake.program({ text: `${OFF_TOPIC_REFUSAL}\n` });
    const generated = await generateResume(deps, request(model, await newUser()), env.context());
    expect(generated.resumeId).to.equal(null);
  });

  it('refuses a model that is not active with the field error DRF gave, and calls no provider', async () => {
    const error = await generateResume(deps, request('No Such Model'), env.context()).catch((err: unknown) => err);
    expect(error).to.be.instanceOf(ValidationFailed);
    expect((error as ValidationFailed).fieldErrors).to.deep.equal({ model: ['"No Such Model" is not a valid choice.'] });
    expect(fake.requests).to.have.length(0);
  });

  it('refuses an anonymous client a login_required model before taking any quota', async () => {
    const model = await addModel({ login_required: true });
    const error = await generateResume(deps, request(model), env.context()).catch((err: unknown) => err);
    expect(error).to.be.instanceOf(NotAuthenticated);
    expect(await usedToday(model, null)).to.equal(0);
  });

  it('gives the slot back when the provider fails: a failed generation costs nothing', async () => {
    const model = await addModel({ daily_limit: 1 });
    const user = await newUser();
    fake.program({ fail: { status: 500, times: 2 } });
    const error = await generateResume(deps, request(model, user), env.context(user.id)).catch((err: unknown) => err);
    expect(error).to.be.instanceOf(AiProviderError);
    expect(await usedToday(model, user)).to.equal(0);
    expect((await generateResume(deps, request(model, user), env.context(user.id))).quota).to.include({ usedToday: 1, remainingToday: 0 });
    expect(await generateResume(deps, request(model, user), env.context(user.id)).catch((err: unknown) => err)).to.be.instanceOf(QuotaExceeded);
  });

  it('gives the slot back when the user keeps as many resumes as the cap allows', async () => {
    const model = await addModel();
    const user = await newUser();
    for (let i = 0; i < 2; i++) await generateResume(deps, request(model, user), env.context(user.id));
    const error = await generateResume(deps, request(model, user), env.context(user.id)).catch((err: unknown) => err);
    expect(error).to.be.instanceOf(ValidationFailed);
    expect((error as ValidationFailed).fieldErrors).to.deep.equal({ non_field_errors: ['You can keep at most 2 resumes. Delete one to add another.'] });
    expect(await usedToday(model, user)).to.equal(2);
  });
});
