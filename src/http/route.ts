/**
 * A route is declared once: the router mounts it and GET /api/schema/ documents it.
 *
 *   export const widgetRouteTable: Route<WidgetDeps>[] = [
 *     defineRoute({
 *       method: 'get', path: '/api/widgets/:id', tag: 'Widgets', auth: 'user', summary: 'One of your widgets',
 *       responses: { 200: { description: 'The widget.', schema: widget } },
 *       handler: async (ctx, { db }) => {
 *         ctx.body = await getWidget(db, ctx.state.user!.id, pathId(ctx.params.id));
 *       },
 *     }),
 *     defineRoute({
 *       method: 'post', path: '/api/widgets', tag: 'Widgets', auth: 'user', summary: 'Create a widget',
 *       body: widgetBody, responses: { 201: { description: 'Created.', schema: widget } }, errors: [409],
 *       handler: async (ctx, { commands }, parseBody) => {
 *         const input = parseBody(ctx.request.body); // `body`'s validator: a 400 with DRF's messages
 *         …
 *         ctx.status = 201;
 *       },
 *     }),
 *   ];
 *
 *   export function widgetRoutes(deps: WidgetDeps): Router {
 *     return mountRoutes(widgetRouteTable, deps);
 *   }
 *
 * Pass `widgetRoutes(…)` to `createApp` (src/server.ts) and add `widgetRouteTable` to
 * `documentedRoutes` (./openapi/documentedRoutes.ts): test/http/openapi.test.ts fails while the
 * routers and the document disagree. Converting a router written the old way: each
 * `r.get('/x', requireUser, fn)` becomes a `defineRoute` with the full path, `auth: 'user'`,
 * and what its OpenAPI description said; `fn` moves into `handler` unchanged but for taking
 * its dependencies as the second argument and parsing its body with the third.
 *
 * - `path`: in full, without the trailing slash (both forms are served), `:name` parameters.
 * - `auth`: `user` and `staff` are enforced here (401/403 before the handler); `optional` and
 *   `public` let anyone in, `optional` documenting that a token changes the answer.
 * - `body`: a production schema from ./schemas. The handler calls `parseBody` when it chooses
 *   (DRF looks an object up, 404, before it validates the body, 400); on PATCH nothing is
 *   required, as the document says.
 * - Errors implied by `auth`, `body`, `list` and path parameters are documented for you; list
 *   the others (409, 429, 503, …) in `errors`.
 */
import Router, { type RouterContext } from '@koa/router';
import type { Middleware } from 'koa';
import { requireStaff, requireUser } from '../auth/bearer.js';
import type { ListSpec } from './listQuery.js';
import { bodyValidator } from './validation/bodyValidator.js';
import type { BodyOf, ObjectSchema } from './validation/schema.js';

/** `optional`: anonymous works, a token changes the answer (and a bad token is a 401). */
export type Access = 'public' | 'optional' | 'user' | 'staff';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 429 | 500 | 503;

export interface ResponseSpec {
  description: string;
  /** A JSON Schema; absent for an empty body (204). */
  schema?: object;
  /** `application/json` unless said otherwise. */
  contentType?: string;
}

/** What the OpenAPI document reads from a route. */
export interface RouteSpec {
  method: HttpMethod;
  path: string;
  tag: string;
  summary: string;
  description?: string;
  auth: Access;
  /** A production schema from ./schemas: validates the body and documents it. */
  body?: ObjectSchema;
  /** A list endpoint's filters, search, ordering and paging. */
  list?: ListSpec;
  responses: Partial<Record<number, ResponseSpec>>;
  errors?: readonly ErrorStatus[];
}

/** A declared route, ready to mount with its handler's dependencies. */
export interface Route<D> extends RouteSpec {
  handle(ctx: RouterContext, deps: D): unknown;
  /** Run after the access guard, before the handler (e.g. a body parser for a DELETE that takes a body). */
  middleware?: (deps: D) => Middleware[];
}

type BodyParser<M extends HttpMethod, S extends ObjectSchema | undefined> = S extends ObjectSchema
  ? (body: unknown) => M extends 'patch' ? Partial<BodyOf<S>> : BodyOf<S>
  : never;

export interface RouteDeclaration<D, M extends HttpMethod, S extends ObjectSchema | undefined> extends Omit<RouteSpec, 'method' | 'body'> {
  method: M;
  body?: S;
  middleware?: (deps: D) => Middleware[];
  handler: (ctx: RouterContext, deps: D, parseBody: BodyParser<M, S>) => unknown;
}

export function defineRoute<D, M extends HttpMethod, S extends ObjectSchema | undefined = undefined>(declaration: RouteDeclaration<D, M, S>): Route<D> {
  const { handler, ...spec } = declaration;
  const validator = spec.body && bodyValidator(spec.body);
  const parseBody = (validator && (spec.method === 'patch' ? validator.parsePartial : validator.parse)) as BodyParser<M, S>;
  return { ...spec, handle: (ctx, deps) => handler(ctx, deps, parseBody) };
}

const GUARDS: Record<Access, Middleware[]> = { public: [], optional: [], user: [requireUser], staff: [requireStaff] };

/** A router (case-sensitive paths, as Django's) serving these routes, in order. */
export function mountRoutes<D>(routes: readonly Route<D>[], deps: D): Router {
  const router = new Router({ sensitive: true });
  for (const route of routes) {
    router[route.method](route.path, ...GUARDS[route.auth], ...(route.middleware?.(deps) ?? []), (ctx) => route.handle(ctx, deps));
  }
  return router;
}
