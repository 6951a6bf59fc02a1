/**
 * How a route describes itself for GET /api/schema/. Next to the router, export a list:
 *
 *   export const widgetOperations: OperationSpec[] = [
 *     { method: 'get', path: '/api/widgets/:id', tag: 'Widgets', auth: 'user', summary: 'One of your widgets',
 *       responses: { 200: { description: 'The widget.', schema: widget } } },
 *     { method: 'post', path: '/api/widgets', tag: 'Widgets', auth: 'user', summary: 'Create a widget',
 *       body: widgetValidator.schema, responses: { 201: { description: 'Created.', schema: widget } } },
 *   ];
 *
 * and add it to `documentedOperations` (./operations.ts). `path` is written exactly as the
 * router declares it; test/http/openapi.test.ts fails while a route and its description
 * disagree. Errors implied by `auth`, `body` and path parameters are added for you; list
 * the others (409, 429, 503, …) in `errors`.
 */
import type { ListSpec } from '../listQuery.js';
import type { ObjectSchema } from '../validation/schema.js';

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

export interface OperationSpec {
  method: HttpMethod;
  /** As the router declares it: no trailing slash, `:name` parameters. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  auth: Access;
  /** The schema object the route's `bodyValidator` was built from; PATCH bodies are documented with nothing required. */
  body?: ObjectSchema;
  /** A list endpoint's filters, search, ordering and paging. */
  list?: ListSpec;
  responses: Partial<Record<number, ResponseSpec>>;
  errors?: ErrorStatus[];
}
