import { expect } from 'chai';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Middleware } from 'koa';
import { pino } from 'pino';
import type { AuthUser } from '../../src/auth/user.js';
import { createApp } from '../../src/http/app.js';
import { buildOpenApiDocument, openApiPath } from '../../src/http/openapi/document.js';
import { defineRoute, mountRoutes, type Route } from '../../src/http/route.js';
import { resumeBody } from '../../src/http/schemas/resumes.js';
import { routesOf } from '../support/routeTable.js';

const staffUser: AuthUser = { id: 1, username: 'staff', email: 'staff@example.com', isStaff: true, isActive: true, dateJoined: '2026-01-01T00:00:00.000Z' };
const plainUser: AuthUser = { ...staffUser, id: 2, username: 'plain', isStaff: false };

/** Stands in for bearer authentication: `X-Test-User: staff | plain`. */
const testUsers: Middleware = (ctx, next) => {
  const who = ctx.get('X-Test-User');
  if (who) ctx.state.user = who === 'staff' ? staffUser : plainUser;
  return next();
};

const calls: string[] = [];
const echo = { description: 'What the handler parsed.', schema: { type: 'object' } };
const table: Route<{ tag: string }>[] = [
  defineRoute({
    method: 'post', path: '/api/things', tag: 'Things', auth: 'user', summary: 'Create', body: resumeBody, responses: { 201: echo },
    handler: (ctx, { tag }, parseBody) => {
      const input = parseBody(ctx.request.body);
      calls.push(tag);
      ctx.status = 201;
      ctx.body = input;
    },
  }),
  defineRoute({
    method: 'patch', path: '/api/things/:id', tag: 'Things', auth: 'user', summary: 'Change', body: resumeBody, responses: { 200: echo },
    handler: (ctx, _deps, parseBody) => {
      ctx.body = parseBody(ctx.request.body);
    },
  }),
  defineRoute({
    method: 'get', path: '/api/things/secret', tag: 'Things', auth: 'staff', summary: 'Staff only', responses: { 200: echo },
    handler: (ctx) => {
      ctx.body = { ok: true };
    },
  }),
];

describe('defineRoute / mountRoutes', () => {
  let server: Server;
  let base: string;
  const app = createApp({ logger: pino({ level: 'silent' }), readiness: [], authenticate: testUsers, routers: [mountRoutes(table, { tag: 'deps reached the handler' })] });

  before(async () => {
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  const send = async (method: string, path: string, user?: string, body?: unknown) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(user ? { 'x-test-user': user } : {}) };
    const response = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('validates the body with the schema it declares, and hands the handler its dependencies', async () => {
    const missing = await send('POST', '/api/things/', 'plain', {});
    expect(missing.status).to.equal(400);
    expect(missing.body.field_errors).to.deep.equal({ title: ['This field is required.'], content: ['This field is required.'] });
    const created = await send('POST', '/api/things/', 'plain', { title: '  Trimmed  ', content: 'c', id: 7 });
    expect(created).to.deep.equal({ status: 201, body: { title: 'Trimmed', content: 'c' } });
    expect(calls).to.deep.equal(['deps reached the handler']);
  });

  it('requires nothing of a PATCH body, and still checks what is sent', async () => {
    expect(await send('PATCH', '/api/things/1/', 'plain', {})).to.deep.equal({ status: 200, body: {} });
    const tooLong = await send('PATCH', '/api/things/1/', 'plain', { title: 'x'.repeat(10_000) });
    expect(tooLong.status).to.equal(400);
    expect(Object.keys(tooLong.body.field_errors as object)).to.deep.equal(['title']);
  });

  it('enforces its access rule before the handler runs: 401 anonymous, 403 for a user who is not staff', async () => {
    calls.length = 0;
    expect((await send('POST', '/api/things/', undefined, { title: 't', content: 'c' })).status).to.equal(401);
    expect(calls).to.deep.equal([]);
    expect((await send('GET', '/api/things/secret/', 'plain')).status).to.equal(403);
    expect(await send('GET', '/api/things/secret/', 'staff')).to.deep.equal({ status: 200, body: { ok: true } });
  });

  it('documents exactly the routes it mounts', () => {
    const document = buildOpenApiDocument(table);
    const documented = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`));
    const mounted = routesOf(app)
      .filter(({ path }) => path.startsWith('/api/')) // createApp adds /healthz and /readyz
      .map(({ method, path }) => `${method} ${openApiPath(path)}`);
    expect(documented.sort()).to.deep.equal(mounted.sort());
    const patch = document.paths['/api/things/{id}/']!.patch as { requestBody: { content: { 'application/json': { schema: unknown } } } };
    expect(patch.requestBody.content['application/json'].schema).to.deep.equal({ $ref: '#/components/schemas/PatchedResumeInput' });
  });
});
