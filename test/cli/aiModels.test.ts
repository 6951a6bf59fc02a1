import { expect } from 'chai';
import { configureAiModel } from '../../src/commands/aiModels.js';
import { newAiModelSettings } from '../../src/domain/aiModel/index.js';
import { commandDeps } from '../../src/server.js';
import { runAdmin } from '../support/adminCli.js';
import { startTestApi, uniqueName, type TestApi } from '../support/api.js';
import { requireRedis } from '../support/redis.js';

const USER_INPUT = 'Software engineer with eight years of TypeScript, PostgreSQL and event sourcing at Acme.';

describe('admin ai-models usage', function () {
  this.timeout(120_000); // child processes start tsx: seconds each on a busy machine
  let api: TestApi;
  before(async function () {
    await requireRedis(this);
    api = await startTestApi();
  });
  after(() => api?.stop());

  it('names each model by its display name, as configured', async () => {
    const displayName = uniqueName('Usage Offline MixedCase');
    const deps = commandDeps(api.server.infrastructure);
    await configureAiModel(deps, newAiModelSettings({ display_name: displayName, model_name: 'offline', api_provider: 'offline' }), {
      userId: null,
      requestId: 'test',
      at: new Date().toISOString(),
    });
    const generated = await api.post('/api/ai/generate/', { model: displayName.toUpperCase(), user_input: USER_INPUT });
    expect(generated.status, JSON.stringify(generated.body)).to.equal(201);
    await api.server.infrastructure.projections.catchUp();
    const day = new Date().toISOString().slice(0, 10);
    const [text, json] = await Promise.all([runAdmin(['ai-models', 'usage', '--day', day]), runAdmin(['ai-models', 'usage', '--day', day, '--json'])]);
    expect(text.code, text.stderr).to.equal(0);
    expect(text.stdout).to.match(new RegExp(`^${displayName}\\s+1 used`, 'm'));
    expect(text.stdout).not.to.include(displayName.toLowerCase());
    expect(JSON.parse(json.stdout)).to.deep.include({ day, model: displayName, reserved: 1, released: 0 });
  });
});
