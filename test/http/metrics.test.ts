import { expect } from 'chai';
import { allProjections } from '../../src/projections/index.js';
import { requireRedis } from '../support/redis.js';
import { startTestApi, type TestApi, type TestUser } from '../support/api.js';
import { testEventStoreKind } from '../support/eventStore.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format's sample lines (comments skipped), labels unescaped. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, raw] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key!] = raw!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the one sample with this name and (at least) these labels; 0 when there is none. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  expect(found.length, `${name} ${JSON.stringify(labels)}`).to.be.at.most(1);
  return found[0]?.value ?? 0;
}

const requests = (method: string, route: string, status: number) => ['resumate_http_request_duration_seconds_count', { method, route, status: String(status) }] as const;

describe('GET /metrics', function () {
  this.timeout(30_000);
  let api: TestApi;
  let alice: TestUser;

  const scrape = async (): Promise<Sample[]> => {
    const { status, headers, body } = await api.request<string>('/metrics');
    expect(status).to.equal(200);
    expect(headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
    return parseExposition(body);
  };

  before(async function () {
    await requireRedis(this);
    api = await startTestApi();
    alice = await api.newUser();
  });
  after(async () => api?.stop());

  it('counts requests by route template, method and status, never by raw URL', async () => {
    const before = await scrape();
    const created = await alice.post<{ id: number }>('/api/job-applications/', { job_title: 'Engineer', company_name: 'Acme' });
    expect(created.status).to.equal(201);
    expect((await alice.get(`/api/job-applications/${created.body.id}/`)).status).to.equal(200);
    expect((await alice.get('/api/job-applications/987654321/')).status).to.equal(404);
    expect((await api.request('/no/such/path/12345')).status).to.equal(404);
    expect((await api.request('/another/unknown/path')).status).to.equal(404);
    const after = await scrape();

    const delta = (method: string, route: string, status: number) =>
      valueOf(after, ...requests(method, route, status)) - valueOf(before, ...requests(method, route, status));
    expect(delta('POST', '/api/job-applications', 201)).to.equal(1);
    expect(delta('GET', '/api/job-applications/:id', 200)).to.equal(1);
    expect(delta('GET', '/api/job-applications/:id', 404)).to.equal(1);
    expect(delta('GET', 'unmatched', 404)).to.equal(2);

    const routes = new Set(after.filter((s) => s.name.startsWith('resumate_http_request_duration_seconds')).map((s) => s.labels.route));
    for (const route of routes) expect(route, 'a raw id or unknown path leaked into a label').not.to.match(/\d{3,}|no\/such|another/);
    const buckets = after.filter((s) => s.name === 'resumate_http_request_duration_seconds_bucket' && s.labels.route === '/api/job-applications');
    expect(buckets.map((s) => s.labels.le)).to.include('+Inf');
  });

  it('counts event-store appends and the events they wrote', async () => {
    const before = await scrape();
    expect((await alice.post('/api/job-applications/', { job_title: 'Analyst', company_name: 'Initech' })).status).to.equal(201);
    const after = await scrape();
    const ok = { store: testEventStoreKind, outcome: 'ok' };
    expect(valueOf(after, 'resumate_eventstore_appends_total', ok) - valueOf(before, 'resumate_eventstore_appends_total', ok)).to.equal(1);
    const events = { store: testEventStoreKind };
    expect(valueOf(after, 'resumate_eventstore_events_appended_total', events) - valueOf(before, 'resumate_eventstore_events_appended_total', events)).to.equal(1);
  });

  it('counts cached-list misses and hits as the cache decided them', async () => {
    const first = await api.request('/api/ai/models/');
    const second = await api.request('/api/ai/models/');
    expect([first.headers.get('x-cache-status'), second.headers.get('x-cache-status')]).to.deep.equal(['MISS', 'HIT']);
    const samples = await scrape();
    expect(valueOf(samples, 'resumate_cache_lookups_total', { list: 'ai_models_list', outcome: 'miss' })).to.equal(1);
    expect(valueOf(samples, 'resumate_cache_lookups_total', { list: 'ai_models_list', outcome: 'hit' })).to.equal(1);
  });

  it('counts AI calls by provider and outcome', async () => {
    const { status } = await api.post('/api/ai/generate/', {
      model: 'resumate offline',
      user_input: 'Software engineer with 5 years experience in Python, Django, React. Expert in cloud deployment.',
    });
    expect(status).to.equal(201);
    const samples = await scrape();
    expect(valueOf(samples, 'resumate_ai_calls_total', { provider: 'offline', outcome: 'ok' })).to.equal(1);
    expect(valueOf(samples, 'resumate_ai_call_duration_seconds_count', { provider: 'offline', outcome: 'ok' })).to.equal(1);
  });

  it('shows the projection lag of every read model, 0 once caught up', async () => {
    await api.server.infrastructure.projections.catchUp();
    const samples = await scrape();
    for (const { name } of allProjections) {
      const lag = samples.filter((s) => s.name === 'resumate_projection_lag_events' && s.labels.read_model === name);
      expect(lag, name).to.have.length(1);
      expect(lag[0]!.value, name).to.equal(0);
      expect(valueOf(samples, 'resumate_projection_lag_seconds', { read_model: name }), name).to.equal(0);
    }
  });

  it('includes the process metrics, and every series of a second server starts from zero', async () => {
    expect(valueOf(await scrape(), 'resumate_process_cpu_user_seconds_total')).to.be.greaterThan(0);
    const second = await startTestApi();
    try {
      const text = (await second.request<string>('/metrics')).body;
      const samples = parseExposition(text);
      expect(valueOf(samples, ...requests('POST', '/api/job-applications', 201))).to.equal(0);
    } finally {
      await second.stop();
    }
  });
});
