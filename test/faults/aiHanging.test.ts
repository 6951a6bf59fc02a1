import { expect } from 'chai';
import { configureAiModel } from '../../src/commands/aiModels.js';
import { newAiModelSettings } from '../../src/domain/aiModel/index.js';
import { commandDeps } from '../../src/server.js';
import { startTestApi, uniqueName, type TestApi, type TestUser } from '../support/api.js';
import { FakeAiServer } from '../support/fakeAiServer.js';
import { exchange, startLoad } from '../support/faultLoad.js';
import { requireRedis } from '../support/redis.js';
import { expectErrorShape } from './consistency.js';

const USER_INPUT = 'Software engineer with 5 years experience in Python, Django, React. Expert in cloud deployment.';
const AI_TIMEOUT_MS = 1000;
const USERS = 4;
const CALLS_PER_USER = 2;

/**
 * One hung call (503, slot given back) is proven in test/http/ai.test.ts; this is the loaded
 * variant: many concurrent hung calls while other traffic goes on.
 */
describe('fault: AI provider hanging under concurrent calls', function () {
  this.timeout(120_000);
  let api: TestApi;
  let fake: FakeAiServer;
  let model: string;

  before(async function () {
    await requireRedis(this);
    fake = new FakeAiServer();
    await fake.start();
    api = await startTestApi({ GEMINI_BASE_URL: fake.geminiBaseUrl, AI_TIMEOUT_MS: String(AI_TIMEOUT_MS), GOOGLE_GEMINI_API_KEY: 'gemini-test-key' });
    model = uniqueName('Hanging');
    await configureAiModel(
      commandDeps(api.server.infrastructure),
      newAiModelSettings({ display_name: model, model_name: 'gemini-test', api_provider: 'google_gemini', api_key_name: 'GOOGLE_GEMINI_API_KEY', daily_limit: CALLS_PER_USER }),
      { userId: null, requestId: 'fault-test', at: new Date().toISOString() },
    );
  });
  after(async () => {
    await api?.stop();
    await fake?.stop();
  });

  const generate = (user: TestUser) => exchange('generate', `${api.url}/api/ai/generate/`, { method: 'POST', token: user.access, body: { model, user_input: USER_INPUT } });

  it('answers every hung call 503 in bounded time, gives every quota slot back, and keeps serving other requests meanwhile', async () => {
    const users = await Promise.all(Array.from({ length: USERS }, () => api.newUser()));
    fake.program({ hang: true });
    const others = startLoad(4, (w) => (w % 2 ? exchange('models', `${api.url}/api/ai/models/`) : exchange('list', `${api.url}/api/job-applications/`, { token: users[w]!.access })), { pauseMs: 10 });
    const hung = await Promise.all(users.flatMap((u) => Array.from({ length: CALLS_PER_USER }, () => generate(u))));
    const meanwhile = (await others.stop()).filter((x) => x.startedAt + x.ms < Math.min(...hung.map((h) => h.startedAt + h.ms)));
    const slowest = Math.max(...hung.map((h) => h.ms));
    console.log(`      ${hung.length} hung calls answered 503 in ${Math.min(...hung.map((h) => h.ms)).toFixed(0)}–${slowest.toFixed(0)} ms (AI_TIMEOUT_MS ${AI_TIMEOUT_MS}, one retry); ${meanwhile.length} other requests served meanwhile, slowest ${Math.max(...meanwhile.map((x) => x.ms)).toFixed(0)} ms`);

    for (const h of hung) expectErrorShape(h, 503, 'service_unavailable');
    expect(fake.requests.length, 'each call reached the provider (with its retry)').to.be.at.least(hung.length);
    expect(slowest, 'bounded by the timeout of two attempts, with room for a busy machine').to.be.lessThan(AI_TIMEOUT_MS * 2 + 15_000);
    expect(meanwhile.length, 'other requests were served while the calls hung').to.be.greaterThan(10);
    expect(meanwhile.filter((x) => x.status !== 200).map((x) => `${x.name} ${x.status}`)).to.deep.equal([]);

    for (const user of users) {
      const quota = await user.get<{ model: string; used_today: number }[]>('/api/ai/quota/');
      expect(quota.body.find((q) => q.model === model)?.used_today, `${user.username}: no slot kept`).to.equal(0);
    }
    // The slots really are free: the whole daily limit is usable once the provider answers.
    fake.program({});
    const user = users[0]!;
    for (let i = 0; i < CALLS_PER_USER; i++) expect((await generate(user)).status).to.equal(201);
    expectErrorShape(await generate(user), 429, 'quota_exceeded');
  });
});
