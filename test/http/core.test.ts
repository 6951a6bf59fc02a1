import Router from '@koa/router';
import { expect } from 'chai';
import type { AddressInfo, Socket } from 'node:net';
import { createServer } from 'node:net';
import pg from 'pg';
import { pino } from 'pino';
import { AppError, Conflict, Throttled, ValidationFailed } from '../../src/domain/errors.js';
import { createApp, type HttpDeps, type ReadinessCheck } from '../../src/http/app.js';
import { healthRoutes } from '../../src/http/routes/health.js';
import { testDatabaseUrl } from '../support/db.js';

class NotAuthenticated extends AppError {
  readonly code = 'not_authenticated';
  constructor() {
    super('Authentication credentials were not provided.');
  }
}

class TokenNotValid extends AppError {
  readonly code = 'token_not_valid';
  override readonly extras = {
    messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Token is invalid' }],
  };
  constructor() {
    super('Given token not valid for any token type');
  }
}

function testRoutes(): Router {
  const r = new Router({ prefix: '/api' });
  r.post('/echo', (ctx) => {
    ctx.body = { body: ctx.request.body };
  });
  r.get('/echo', (ctx) => {
    ctx.body = { body: ctx.request.body };
  });
  r.get('/items/:id', (ctx) => {
    ctx.body = { id: ctx.params.id };
  });
  r.get('/boom', () => {
    throw new Error('connection to db-secret.internal failed');
  });
  r.get('/invalid', () => {
    throw new ValidationFailed({ title: ['This field is required.'] });
  });
  r.get('/private', () => {
    throw new NotAuthenticated();
  });
  r.get('/token', () => {
    throw new TokenNotValid();
  });
  r.get('/throttled', () => {
    throw new Throttled(60);
  });
  r.get('/half-built', (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=3600');
    throw new Conflict();
  });
  r.get('/koa-throw', (ctx) => {
    ctx.throw(404);
  });
  r.get('/whoami', (ctx) => {
    ctx.state.user = { id: 7, username: 'seven', email: 'seven@example.com', isStaff: false, isActive: true, dateJoined: '2026-11-24T00:00:00.000Z' };
    ctx.body = { ok: true };
  });
  return r;
}

interface Running {
  url: string;
  logLines: () => Record<string, unknown>[];
  close: () => Promise<void>;
}

async function start(overrides: Partial<HttpDeps> = {}): Promise<Running> {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  const app = createApp({ logger, readiness: [], routers: [testRoutes()], ...overrides });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    logLines: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

async function call(base: string, path: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(base + path, init);
  const text = await res.text();
  const json = res.headers.get('content-type')?.startsWith('application/json') && text ? JSON.parse(text) : undefined;
  return { status: res.status, headers: res.headers, body: json as unknown, text };
}

const jsonPost = (body: string, contentType = 'application/json'): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': contentType },
  body,
});

/** API.md: exactly error + code + detail (same text), plus only the keys a case adds. */
function expectError(r: Reply, status: number, code: string, message: string | RegExp, extraKeys: string[] = []): void {
  expect(r.status, r.text).to.equal(status);
  expect(r.headers.get('content-type')).to.equal('application/json; charset=utf-8');
  const body = r.body as Record<string, unknown>;
  expect(Object.keys(body).sort()).to.deep.equal(['code', 'detail', 'error', ...extraKeys].sort());
  expect(body.code).to.equal(code);
  expect(body.detail).to.equal(body.error);
  if (typeof message === 'string') expect(body.error).to.equal(message);
  else expect(body.error).to.match(message);
}

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function pgCheck(name: string, connectionString: string): ReadinessCheck {
  return {
    name,
    check: async () => {
      const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5_000 });
      await client.connect();
      try {
        await client.query('select 1');
      } finally {
        await client.end();
      }
    },
  };
}

describe('HTTP core', () => {
  let api: Running;
  before(async () => {
    api = await start();
  });
  after(() => api.close());

  describe('request bodies', () => {
    it('parses JSON, with or without Content-Type parameters', async () => {
      for (const type of ['application/json', 'application/json; charset=utf-8']) {
        const r = await call(api.url, '/api/echo', jsonPost('{"title":"Zoë"}', type));
        expect(r.status).to.equal(200);
        expect(r.body).to.deep.equal({ body: { title: 'Zoë' } });
      }
    });

    it('passes null, arrays and strings through for validation to report', async () => {
      for (const [text, value] of [['null', null], ['[1,2]', [1, 2]], ['"text"', 'text'], ['""', '']] as const) {
        const r = await call(api.url, '/api/echo', jsonPost(text));
        expect(r.body, text).to.deep.equal({ body: value });
      }
    });

    it('treats an empty body as {}, whatever its Content-Type, chunked or not', async () => {
      expect((await call(api.url, '/api/echo', jsonPost(''))).body).to.deep.equal({ body: {} });
      expect((await call(api.url, '/api/echo', jsonPost('', 'text/plain'))).body).to.deep.equal({ body: {} });
      expect((await call(api.url, '/api/echo', { method: 'POST' })).body).to.deep.equal({ body: {} });
      const chunked = await call(api.url, '/api/echo', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: new ReadableStream({ start: (c) => c.close() }),
        duplex: 'half',
      });
      expect(chunked.body).to.deep.equal({ body: {} });
    });

    it('accepts form-urlencoded bodies', async () => {
      const r = await call(api.url, '/api/echo', jsonPost('username=alice&a.b=1', 'application/x-www-form-urlencoded'));
      expect(r.body).to.deep.equal({ body: { username: 'alice', 'a.b': '1' } });
    });

    it('accepts multipart fields and keeps no uploaded file', async () => {
      const form = new FormData();
      form.append('title', 'CV');
      form.append('file', new Blob(['%PDF']), 'cv.pdf');
      const r = await call(api.url, '/api/echo', { method: 'POST', body: form });
      expect(r.body).to.deep.equal({ body: { title: 'CV' } });
    });

    it('answers malformed JSON with 400 parse_error', async () => {
      const r = await call(api.url, '/api/echo', jsonPost('{bad'));
      expectError(r, 400, 'parse_error', /^JSON parse error - .+/);
    });

    it('answers a whitespace-only JSON body with 400 parse_error', async () => {
      expectError(await call(api.url, '/api/echo', jsonPost(' \n ')), 400, 'parse_error', /^JSON parse error - /);
    });

    it('answers a broken multipart body with 400 parse_error', async () => {
      const r = await call(api.url, '/api/echo', jsonPost('--x\r\nbroken', 'multipart/form-data; boundary=x'));
      expectError(r, 400, 'parse_error', 'Multipart form parse error - Invalid multipart body.');
    });

    it('answers other media types with 415 quoting the full Content-Type', async () => {
      const plain = await call(api.url, '/api/echo', jsonPost('{}', 'text/plain; charset=utf-8'));
      const quoted = 'Unsupported media type "text/plain; charset=utf-8" in request.';
      expectError(plain, 415, 'unsupported_media_type', quoted);
      const vnd = await call(api.url, '/api/echo', jsonPost('{}', 'application/vnd.api+json'));
      expectError(vnd, 415, 'unsupported_media_type', 'Unsupported media type "application/vnd.api+json" in request.');
    });

    it('answers a body without Content-Type with 415 quoting ""', async () => {
      const r = await call(api.url, '/api/echo', { method: 'POST', body: new TextEncoder().encode('{}') });
      expectError(r, 415, 'unsupported_media_type', 'Unsupported media type "" in request.');
    });

    it('answers a 2 MB body with 413, declared or chunked', async () => {
      const big = `{"content":"${'x'.repeat(2 * 1024 * 1024)}"}`;
      const declared = await call(api.url, '/api/echo', jsonPost(big));
      expectError(declared, 413, 'payload_too_large', 'Request body is too large.');
      const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
      let sent = 0;
      const chunked = await call(api.url, '/api/echo', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: new ReadableStream({
          pull: (c) => {
            if (sent >= 2 * 1024 * 1024) return c.close();
            sent += chunk.length;
            c.enqueue(chunk);
          },
        }),
        duplex: 'half',
      });
      expectError(chunked, 413, 'payload_too_large', 'Request body is too large.');
      expect(chunked.headers.get('connection'), 'the unread rest must not wedge a kept-alive socket').to.equal('close');
    });

    it('honours a configured body limit', async () => {
      const small = await start({ bodyLimitBytes: 100 });
      try {
        const r = await call(small.url, '/api/echo', jsonPost(JSON.stringify({ content: 'x'.repeat(200) })));
        expectError(r, 413, 'payload_too_large', 'Request body is too large.');
        const form = new FormData();
        form.append('content', 'x'.repeat(200));
        const multipart = await call(small.url, '/api/echo', { method: 'POST', body: form });
        expectError(multipart, 413, 'payload_too_large', 'Request body is too large.');
      } finally {
        await small.close();
      }
    });
  });

  describe('routing', () => {
    it('answers an unknown route with a JSON 404', async () => {
      const r = await call(api.url, '/api/nope/');
      expectError(r, 404, 'not_found', 'Not found.');
    });

    it('answers a known path with another method with 405 and Allow', async () => {
      const r = await call(api.url, '/api/echo/', { method: 'DELETE' });
      expectError(r, 405, 'method_not_allowed', 'Method "DELETE" not allowed.');
      expect(r.headers.get('allow')).to.equal('GET, POST, HEAD, OPTIONS');
    });

    it('answers OPTIONS on a known path with the Allow header', async () => {
      const r = await call(api.url, '/api/items/3', { method: 'OPTIONS' });
      expect(r.status).to.equal(204);
      expect(r.headers.get('allow')).to.equal('GET, HEAD, OPTIONS');
    });

    it('reports 404 and 405 before looking at the body, as DRF does', async () => {
      expectError(await call(api.url, '/api/nope', jsonPost('x', 'text/plain')), 404, 'not_found', 'Not found.');
      const r = await call(api.url, '/api/items/1', { ...jsonPost('{bad'), method: 'PUT' });
      expectError(r, 405, 'method_not_allowed', 'Method "PUT" not allowed.');
    });

    it('serves every path with and without its trailing slash, never redirecting', async () => {
      for (const path of ['/api/items/5', '/api/items/5/']) {
        const r = await call(api.url, path, { redirect: 'manual' });
        expect(r.status, path).to.equal(200);
        expect(r.body).to.deep.equal({ id: '5' });
      }
      for (const path of ['/api/echo', '/api/echo/']) {
        expect((await call(api.url, path, jsonPost('{"a":1}'))).body, path).to.deep.equal({ body: { a: 1 } });
      }
      for (const path of ['/healthz', '/healthz/']) {
        expect((await call(api.url, path)).status, path).to.equal(200);
      }
    });

    it('refuses at boot a route declared with a trailing slash or a strict router', () => {
      const slashed = new Router({ prefix: '/api/things' });
      slashed.get('/:id/history/', () => undefined);
      const strict = new Router({ strict: true });
      strict.get('/api/things', () => undefined);
      for (const router of [slashed, strict]) {
        expect(() => createApp({ logger: pino({ level: 'silent' }), readiness: [], routers: [router] })).to.throw(
          /trailing slash/,
        );
      }
    });
  });

  describe('errors', () => {
    it('answers an unexpected error with a 500 carrying the request id and no internals', async () => {
      const r = await call(api.url, '/api/boom', { headers: { 'X-Request-Id': 'boom-1' } });
      expectError(r, 500, 'server_error', 'A server error occurred.', ['request_id']);
      expect((r.body as Record<string, unknown>).request_id).to.equal('boom-1');
      expect(r.text).not.to.match(/db-secret|at .*\.ts|Error:/);
      const logged = api.logLines().find((l) => l.requestId === 'boom-1' && l.msg === 'unexpected error');
      expect(JSON.stringify(logged)).to.include('db-secret').and.to.include('core.test.ts');
    });

    it('puts validation messages under field_errors', async () => {
      const r = await call(api.url, '/api/invalid');
      expectError(r, 400, 'invalid', 'Invalid input.', ['field_errors']);
      expect((r.body as Record<string, unknown>).field_errors).to.deep.equal({ title: ['This field is required.'] });
    });

    it('sends WWW-Authenticate with every 401', async () => {
      const r = await call(api.url, '/api/private');
      expectError(r, 401, 'not_authenticated', 'Authentication credentials were not provided.');
      expect(r.headers.get('www-authenticate')).to.equal('Bearer realm="api"');
    });

    it('adds an error’s extras to the body', async () => {
      const r = await call(api.url, '/api/token');
      expectError(r, 401, 'token_not_valid', 'Given token not valid for any token type', ['messages']);
      expect((r.body as Record<string, unknown>).messages).to.deep.equal([
        { token_class: 'AccessToken', token_type: 'access', message: 'Token is invalid' },
      ]);
    });

    it('sends Retry-After with a 429', async () => {
      const r = await call(api.url, '/api/throttled');
      expectError(r, 429, 'throttled', 'Request was throttled. Expected available in 60 seconds.');
      expect(r.headers.get('retry-after')).to.equal('60');
    });

    it('drops headers the failing handler had set, but keeps the request id', async () => {
      const r = await call(api.url, '/api/half-built', { headers: { 'X-Request-Id': 'half-1' } });
      expectError(r, 409, 'conflict', /another request/);
      expect(r.headers.get('cache-control')).to.equal(null);
      expect(r.headers.get('x-request-id')).to.equal('half-1');
    });

    it('translates errors thrown the Koa way (ctx.throw)', async () => {
      expectError(await call(api.url, '/api/koa-throw'), 404, 'not_found', 'Not found.');
    });
  });

  describe('request id', () => {
    it('echoes a sane incoming X-Request-Id', async () => {
      const r = await call(api.url, '/healthz', { headers: { 'X-Request-Id': 'abc-123_x.y' } });
      expect(r.headers.get('x-request-id')).to.equal('abc-123_x.y');
    });

    it('replaces a missing, too long or unsafe one with a fresh UUID', async () => {
      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
      const seen = new Set<string | null>();
      const variants: Record<string, string>[] = [{}, { 'X-Request-Id': 'x'.repeat(201) }, { 'X-Request-Id': 'a b;c' }];
      for (const headers of variants) {
        const id = (await call(api.url, '/healthz', { headers })).headers.get('x-request-id');
        expect(id).to.match(uuid);
        seen.add(id);
      }
      expect(seen.size).to.equal(3);
    });
  });

  describe('request log', () => {
    it('writes one line per request with the route pattern, status, latency and user, and no secrets', async () => {
      await call(api.url, '/api/whoami', {
        headers: { 'X-Request-Id': 'log-1', Authorization: 'Bearer s3cret-token' },
      });
      await call(api.url, '/api/echo', {
        ...jsonPost('{"password":"hunter2"}'),
        headers: { 'Content-Type': 'application/json', 'X-Request-Id': 'log-2' },
      });
      await call(api.url, '/api/items/9/', { headers: { 'X-Request-Id': 'log-3' } });
      await call(api.url, '/nowhere', { headers: { 'X-Request-Id': 'log-4' } });
      const lines = api.logLines().filter((l) => String(l.requestId).startsWith('log-'));
      expect(lines.map((l) => [l.requestId, l.method, l.route, l.status, l.userId])).to.deep.equal([
        ['log-1', 'GET', '/api/whoami', 200, 7],
        ['log-2', 'POST', '/api/echo', 200, undefined],
        ['log-3', 'GET', '/api/items/:id', 200, undefined],
        ['log-4', 'GET', 'unmatched', 404, undefined],
      ]);
      for (const l of lines) expect(l.latencyMs).to.be.a('number').and.at.least(0);
      const all = JSON.stringify(api.logLines());
      expect(all).not.to.include('s3cret-token');
      expect(all).not.to.include('hunter2');
    });
  });

  describe('health', () => {
    it('GET /healthz answers 200 {"status":"ok"}', async () => {
      const r = await call(api.url, '/healthz');
      expect(r.status).to.equal(200);
      expect(r.headers.get('content-type')).to.equal('application/json; charset=utf-8');
      expect(r.body).to.deep.equal({ status: 'ok' });
    });

    it('GET /readyz answers 200 when every check passes, against the real PostgreSQL', async () => {
      const ready = await start({
        readiness: [pgCheck('postgres', testDatabaseUrl()), { name: 'redis', check: async () => undefined }],
      });
      try {
        const r = await call(ready.url, '/readyz');
        expect(r.status).to.equal(200);
        expect(r.body).to.deep.equal({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
      } finally {
        await ready.close();
      }
    });

    it('GET /readyz answers 503 naming every failed dependency', async () => {
      const notReady = await start({
        readiness: [
          { name: 'postgres', check: async () => undefined },
          { name: 'eventstore', check: () => Promise.reject(new Error('projection lag 5000 events\nmore')) },
          { name: 'redis', check: () => Promise.reject(new Error('ECONNREFUSED')) },
        ],
      });
      try {
        const r = await call(notReady.url, '/readyz');
        expectError(r, 503, 'service_unavailable', 'Not ready: eventstore, redis.', ['checks']);
        expect((r.body as Record<string, unknown>).checks).to.deep.equal({
          postgres: 'ok',
          eventstore: 'down: projection lag 5000 events',
          redis: 'down: ECONNREFUSED',
        });
        expect(r.headers.has('retry-after')).to.equal(false);
      } finally {
        await notReady.close();
      }
    });

    it('GET /readyz reports real PostgreSQL clients down: closed port, or silent peer within the timeout', async () => {
      const held = new Set<Socket>();
      const silent = createServer((socket) => held.add(socket)); // accepts, never speaks: a hung dependency
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const silentPort = (silent.address() as AddressInfo).port;
      const timeoutMs = 300;
      const checks = [
        pgCheck('postgres', testDatabaseUrl()),
        pgCheck('closed', `postgres://postgres@127.0.0.1:${await closedPort()}/postgres`),
        pgCheck('hung', `postgres://postgres@127.0.0.1:${silentPort}/postgres`),
      ];
      const withTimeout = await start({ readiness: [], routers: [testRoutes(), readyzOnly(checks, timeoutMs)] });
      try {
        // Without the timeout the hung check would keep /readyz from answering at all (until the test's timeout).
        const r = await call(withTimeout.url, '/api/readyz');
        expectError(r, 503, 'service_unavailable', 'Not ready: closed, hung.', ['checks']);
        const states = (r.body as { checks: Record<string, string> }).checks;
        expect(states.postgres).to.equal('ok');
        expect(states.closed).to.match(/^down: .*ECONNREFUSED/);
        expect(states.hung).to.equal(`down: no answer within ${timeoutMs} ms`);
      } finally {
        await withTimeout.close();
        held.forEach((socket) => socket.destroy());
        await new Promise((resolve) => silent.close(resolve));
      }
    });
  });
});

/** The health router under /api with a short timeout, so the test does not wait the default 2 s. */
function readyzOnly(checks: ReadinessCheck[], timeoutMs: number): Router {
  const health = healthRoutes(checks, { timeoutMs });
  health.prefix('/api');
  return health;
}
