import { expect } from 'chai';
import pino from 'pino';
import { ensureOfflineModel, configureAiModel } from '../../src/commands/aiModels.js';
import { OFFLINE_MODEL } from '../../src/examples/offlineModel.js';
import { aiModelStream, newAiModelSettings } from '../../src/domain/aiModel/index.js';
import { loadConfig } from '../../src/config.js';
import { findActiveModel, listActiveModels, listAllModels } from '../../src/projections/aiModels.js';
import { commandDeps, startInfrastructure, type Infrastructure } from '../../src/server.js';
import { TEST_DATA_KEY_ENCRYPTION_KEY } from '../support/dataKeys.js';
import { deleteKeys, startTestApi, TEST_SECRET_KEY, uniqueName, type Response, type TestApi, type TestUser } from '../support/api.js';
import { createDatabase, dropDatabase } from '../support/db.js';
import { eventStoreEnv } from '../support/eventStore.js';
import { redisUrl, requireRedis } from '../support/redis.js';

type Body = Record<string, unknown>;
const errorBody = (message: string, code: string) => ({ error: message, code, detail: message });
const invalid = (fieldErrors: Record<string, string[]>) => ({ error: 'Invalid input.', code: 'invalid', detail: 'Invalid input.', field_errors: fieldErrors });
const buildModel = (overrides: Body = {}): Body => ({
  display_name: uniqueName('Model'),
  model_name: 'gemini-2.5-flash',
  api_provider: 'google_gemini',
  api_key_name: 'GOOGLE_GEMINI_API_KEY',
  ...overrides,
});
const path = (name: unknown) => `/api/admin/ai-models/${encodeURIComponent(String(name))}/`;

describe('admin AI model routes', function () {
  this.timeout(30_000);
  let api: TestApi;
  let staff: Pick<TestUser, 'get' | 'post' | 'patch' | 'delete'>;
  let user: TestUser;

  before(async function () {
    await requireRedis(this);
    const username = uniqueName('admin');
    api = await startTestApi({ DJANGO_SUPERUSER_USERNAME: username, DJANGO_SUPERUSER_EMAIL: `${username}@example.com`, DJANGO_SUPERUSER_PASSWORD: 'Admin-Pass-123' });
    const tokens = await api.post<{ access: string }>('/api/auth/token/', { username, password: 'Admin-Pass-123' });
    const send = <T>(method: string, to: string, body?: unknown) =>
      api.request<T>(to, {
        method,
        headers: { authorization: `Bearer ${tokens.body.access}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    staff = {
      get: (to) => send('GET', to),
      post: (to, body) => send('POST', to, body),
      patch: (to, body) => send('PATCH', to, body),
      delete: (to) => send('DELETE', to),
    };
    user = await api.newUser();
  });
  after(async () => api?.stop());

  const create = async (overrides: Body = {}): Promise<Body> => {
    const { status, body } = (await staff.post('/api/admin/ai-models/', buildModel(overrides))) as Response<Body>;
    expect(status, JSON.stringify(body)).to.equal(201);
    return body;
  };

  describe('access', () => {
    it('is for staff only: 401 anonymous, 403 signed in without staff status', async () => {
      const name = (await create()).display_name;
      const requests: [string, string, Body?][] = [
        ['GET', '/api/admin/ai-models/'],
        ['POST', '/api/admin/ai-models/', buildModel()],
        ['GET', path(name)],
        ['PATCH', path(name), { daily_limit: 1 }],
        ['DELETE', path(name)],
      ];
      for (const [method, to, body] of requests) {
        const init = { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) };
        const anonymous = await api.request(to, init);
        expect(anonymous.status, `${method} ${to}`).to.equal(401);
        expect(anonymous.body).to.deep.equal(errorBody('Authentication credentials were not provided.', 'not_authenticated'));
        const signedIn = await api.request(to, { ...init, headers: { ...init.headers, authorization: `Bearer ${user.access}` } });
        expect(signedIn.status, `${method} ${to}`).to.equal(403);
        expect(signedIn.body).to.deep.equal(errorBody('You do not have permission to perform this action.', 'permission_denied'));
      }
      expect(((await staff.get(path(name))) as Response<Body>).body.is_active).to.equal(true);
    });
  });

  describe('POST /api/admin/ai-models/', () => {
    it('creates the model with every setting, and lists it at once', async () => {
      const sent = buildModel({ is_active: true, login_required: true, daily_limit: 5, response_time_info: '5-10 seconds', description: 'Fast' });
      const body = await create(sent);
      expect(body).to.deep.equal({ ...sent, created_at: body.created_at, updated_at: body.created_at });
      expect(body.created_at).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      const list = (await staff.get('/api/admin/ai-models/')) as Response<Body[]>;
      expect(list.body).to.deep.include(body);
    });

    it('applies the defaults of every optional setting', async () => {
      const body = await create({ api_provider: 'offline', api_key_name: undefined, model_name: 'offline' });
      expect(body).to.include({ api_key_name: '', is_active: true, login_required: false, daily_limit: null, response_time_info: '', description: '' });
    });

    it('refuses a display name that exists in any case, with DRF’s unique message', async () => {
      const name = String((await create()).display_name);
      const { status, body } = await staff.post('/api/admin/ai-models/', buildModel({ display_name: `  ${name.toUpperCase()} ` }));
      expect(status).to.equal(400);
      expect(body).to.deep.equal(invalid({ display_name: ['ai model with this display name already exists.'] }));
    });

    it('reports every missing required field, in the model’s order', async () => {
      const { status, body } = await staff.post('/api/admin/ai-models/', {});
      expect(status).to.equal(400);
      expect(body).to.deep.equal(
        invalid({ display_name: ['This field is required.'], model_name: ['This field is required.'], api_provider: ['This field is required.'] }),
      );
    });

    it('words every invalid value as DRF does', async () => {
      const { body } = await staff.post(
        '/api/admin/ai-models/',
        buildModel({
          display_name: 'x'.repeat(101),
          model_name: '',
          api_provider: 'openai',
          api_key_name: 'K'.repeat(93) + '_API_KEY',
          is_active: 'maybe',
          login_required: null,
          daily_limit: -1,
          response_time_info: 'r'.repeat(51),
          description: ['not', 'text'],
        }),
      );
      expect(body).to.deep.equal(
        invalid({
          display_name: ['Ensure this field has no more than 100 characters.'],
          model_name: ['This field may not be blank.'],
          api_provider: ['"openai" is not a valid choice.'],
          api_key_name: ['Ensure this field has no more than 100 characters.'],
          is_active: ['Must be a valid boolean.'],
          login_required: ['This field may not be null.'],
          daily_limit: ['Ensure this value is greater than or equal to 0.'],
          response_time_info: ['Ensure this field has no more than 50 characters.'],
          description: ['Not a valid string.'],
        }),
      );
      for (const api_key_name of ['SECRET_KEY', 'DATABASE_URL', 'gemini_api_key']) {
        expect((await staff.post('/api/admin/ai-models/', buildModel({ api_key_name }))).body).to.deep.equal(
          invalid({ api_key_name: ['Enter the name of an environment variable ending in _API_KEY, e.g. GOOGLE_GEMINI_API_KEY.'] }),
        );
      }
      expect((await staff.post('/api/admin/ai-models/', buildModel({ daily_limit: 'five' }))).body).to.deep.equal(
        invalid({ daily_limit: ['A valid integer is required.'] }),
      );
    });

    it('needs an API key name for every provider but offline', async () => {
      const { status, body } = await staff.post('/api/admin/ai-models/', buildModel({ api_provider: 'open_router', api_key_name: '' }));
      expect(status).to.equal(400);
      expect(body).to.deep.equal(invalid({ api_key_name: ['This field may not be blank.'] }));
    });

    it('needs no API key name for an offline model, omitted or blank, and one can become offline without it', async () => {
      const { api_key_name: _omitted, ...withoutKey } = buildModel({ api_provider: 'offline', model_name: 'offline' });
      const omitted = await staff.post('/api/admin/ai-models/', withoutKey);
      expect(omitted.status, JSON.stringify(omitted.body)).to.equal(201);
      expect(omitted.body).to.include({ api_provider: 'offline', api_key_name: '' });
      const blank = await staff.post('/api/admin/ai-models/', buildModel({ api_provider: 'offline', api_key_name: '' }));
      expect(blank.status, JSON.stringify(blank.body)).to.equal(201);
      const model = await create();
      const switched = await staff.patch(path(model.display_name), { api_provider: 'offline', api_key_name: '' });
      expect(switched.status, JSON.stringify(switched.body)).to.equal(200);
      expect(switched.body).to.include({ api_provider: 'offline', api_key_name: '' });
    });
  });

  describe('GET /api/admin/ai-models/:display_name/', () => {
    it('finds a model by its display name in any case, with and without the trailing slash', async () => {
      const model = await create({ display_name: uniqueName('Gemini Flash') });
      expect((await staff.get(path(String(model.display_name).toUpperCase()))).body).to.deep.equal(model);
      expect((await staff.get(path(model.display_name).slice(0, -1))).body).to.deep.equal(model);
    });

    it('is 404 for an unknown name', async () => {
      const { status, body } = await staff.get(path(uniqueName('ghost')));
      expect(status).to.equal(404);
      expect(body).to.deep.equal(errorBody('Not found.', 'not_found'));
    });
  });

  describe('PATCH /api/admin/ai-models/:display_name/', () => {
    it('changes only the given settings, records them as an event, and answers with the new state', async () => {
      const model = await create();
      const { status, body } = (await staff.patch(path(model.display_name), { daily_limit: '7', login_required: 'true' })) as Response<Body>;
      expect(status).to.equal(200);
      expect(body).to.deep.equal({ ...model, daily_limit: 7, login_required: true, updated_at: body.updated_at });
      expect(Date.parse(String(body.updated_at))).to.be.at.least(Date.parse(String(model.updated_at)));
      const events = await api.server.infrastructure.store.readStream(aiModelStream(String(model.display_name)));
      expect(events.map((e) => [e.type, e.data])).to.deep.equal([
        ['AiModelConfigured', events[0]!.data],
        ['AiModelUpdated', { displayName: model.display_name, changes: { daily_limit: 7, login_required: true }, at: body.updated_at }],
      ]);
    });

    it('records nothing when nothing changes', async () => {
      const model = await create({ daily_limit: 3 });
      const { status, body } = await staff.patch(path(model.display_name), { daily_limit: 3, model_name: model.model_name });
      expect(status).to.equal(200);
      expect(body).to.deep.equal(model);
      expect(await api.server.infrastructure.store.readStream(aiModelStream(String(model.display_name)))).to.have.length(1);
    });

    it('may change the case of the display name, not the name itself', async () => {
      const model = await create();
      const upper = String(model.display_name).toUpperCase();
      expect(((await staff.patch(path(model.display_name), { display_name: upper })) as Response<Body>).body.display_name).to.equal(upper);
      const { status, body } = await staff.patch(path(upper), { display_name: uniqueName('Other') });
      expect(status).to.equal(400);
      expect(body).to.deep.equal(invalid({ display_name: ['The display name can only change case. Create a new model instead.'] }));
    });

    it('validates the fields sent, and 404s an unknown name before reading the body', async () => {
      const model = await create();
      expect((await staff.patch(path(model.display_name), { daily_limit: -2, api_provider: 'x' })).body).to.deep.equal(
        invalid({ api_provider: ['"x" is not a valid choice.'], daily_limit: ['Ensure this value is greater than or equal to 0.'] }),
      );
      expect((await staff.patch(path(model.display_name), { api_key_name: '' })).body).to.deep.equal(invalid({ api_key_name: ['This field may not be blank.'] }));
      expect((await staff.patch(path(uniqueName('ghost')), { daily_limit: -2 })).status).to.equal(404);
    });
  });

  describe('DELETE /api/admin/ai-models/:display_name/', () => {
    it('deactivates (204, no body), keeps the model for staff, hides it from clients, and is idempotent', async () => {
      const model = await create({ display_name: uniqueName('Doomed') });
      const { db } = api.server.infrastructure;
      expect(await findActiveModel(db, String(model.display_name).toLowerCase())).to.deep.include({ model_name: model.model_name });
      const deleted = await staff.delete(path(model.display_name));
      expect(deleted.status).to.equal(204);
      expect(deleted.body).to.equal(undefined);
      expect(((await staff.get(path(model.display_name))) as Response<Body>).body.is_active).to.equal(false);
      expect(await findActiveModel(db, String(model.display_name))).to.equal(undefined);
      expect((await listActiveModels(db)).map((m) => m.display_name)).not.to.include(model.display_name);
      expect((await staff.delete(path(model.display_name))).status).to.equal(204);
      expect(await api.server.infrastructure.store.readStream(aiModelStream(String(model.display_name)))).to.have.length(2);
      const reactivated = (await staff.patch(path(model.display_name), { is_active: true })) as Response<Body>;
      expect(reactivated.body.is_active).to.equal(true);
    });

    it('is 404 for an unknown name', async () => {
      const { status, body } = await staff.delete(path(uniqueName('ghost')));
      expect(status).to.equal(404);
      expect(body).to.deep.equal(errorBody('Not found.', 'not_found'));
    });
  });

  describe('what clients see', () => {
    it('lists active models with public fields only: never the key name or the provider’s model name', async () => {
      const model = await create({ api_key_name: 'SECRET_NAMED_API_KEY', model_name: 'secret-model', login_required: true, daily_limit: 2 });
      const listed = (await listActiveModels(api.server.infrastructure.db)).find((m) => m.display_name === model.display_name);
      expect(listed).to.deep.equal({ display_name: model.display_name, description: '', response_time_info: '', login_required: true, daily_limit: 2 });
      const all = await listAllModels(api.server.infrastructure.db);
      expect(all.find((m) => m.display_name === model.display_name)).to.include({ api_key_name: 'SECRET_NAMED_API_KEY', model_name: 'secret-model' });
    });
  });
});

describe('ensureOfflineModel', function () {
  this.timeout(60_000);
  const logger = pino({ level: 'silent' });
  const databases: string[] = [];
  const running: Infrastructure[] = [];

  before(async function () {
    await requireRedis(this);
  });
  const prefixes: string[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((infra) => infra.close()));
    await Promise.all(prefixes.splice(0).map((prefix) => deleteKeys(prefix)));
  });
  after(async () => {
    await Promise.all(databases.map((name) => dropDatabase(name)));
  });

  /**
   * A server's infrastructure without the server, so only the test decides when seeding runs.
   * Extra instances run no projectors (as with RUN_PROJECTIONS=false): they see the leader's progress.
   */
  const start = async (url: string, runProjectors = true) => {
    const prefix = `test:${uniqueName('seed')}:`;
    prefixes.push(prefix);
    const config = loadConfig({ DATABASE_URL: url, ...eventStoreEnv(url), REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix, SECRET_KEY: TEST_SECRET_KEY, DATA_KEY_ENCRYPTION_KEY: TEST_DATA_KEY_ENCRYPTION_KEY, ALLOWED_HOSTS: '*', LOG_LEVEL: 'silent' });
    const infra = await startInfrastructure(config, logger, { runProjectors });
    running.push(infra);
    return infra;
  };
  const freshDatabase = async () => {
    const { url, name } = await createDatabase('resumate_seed');
    databases.push(name);
    return url;
  };
  const context = { userId: null, requestId: 'test', at: '2026-11-24T10:00:00.000Z' };

  it('seeds one offline model on an empty log, once, even when three instances start together and restart', async () => {
    const url = await freshDatabase();
    const instances = await Promise.all([start(url), start(url, false), start(url, false)]);
    const outcomes = await Promise.all(instances.map((infra) => ensureOfflineModel(commandDeps(infra), infra.db, logger)));
    expect([...outcomes].sort()).to.deep.equal(['created', 'exists', 'exists']);
    const [infra] = instances;
    expect(await infra!.store.readStream(aiModelStream(OFFLINE_MODEL.display_name))).to.have.length(1);
    expect(await listActiveModels(infra!.db)).to.deep.equal([
      { display_name: 'ResuMate Offline', description: OFFLINE_MODEL.description, response_time_info: 'Instant', login_required: false, daily_limit: 20 },
    ]);
    expect(await findActiveModel(infra!.db, 'resumate offline')).to.deep.include({ api_provider: 'offline', api_key_name: '' });

    await infra!.projections.catchUp(); // every runner is past start-up, so stopping it is clean
    await Promise.all(running.splice(0).map((i) => i.close()));
    const restarted = await start(url, false);
    expect(await ensureOfflineModel(commandDeps(restarted), restarted.db, logger)).to.equal('exists');
    expect(await restarted.store.readStream(aiModelStream(OFFLINE_MODEL.display_name))).to.have.length(1);
  });

  it('seeds nothing where an admin has configured any model', async () => {
    const infra = await start(await freshDatabase());
    const deps = commandDeps(infra);
    await configureAiModel(deps, newAiModelSettings({ display_name: 'Gemini', model_name: 'gemini-2.5-flash', api_provider: 'google_gemini', api_key_name: 'K' }), context);
    expect(await ensureOfflineModel(deps, infra.db, logger)).to.equal('exists');
    expect(await infra.store.readStream(aiModelStream(OFFLINE_MODEL.display_name))).to.deep.equal([]);
    expect((await listAllModels(infra.db)).map((m) => m.display_name)).to.deep.equal(['Gemini']);
    await infra.projections.catchUp();
  });
});
