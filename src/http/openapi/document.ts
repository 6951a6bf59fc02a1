import { MAX_LIMIT, type ListSpec } from '../listQuery.js';
import { ERROR_RESPONSES, NAMED_SCHEMAS } from './components.js';
import type { ErrorStatus, ResponseSpec, RouteSpec } from '../route.js';

export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, unknown>> };

const DESCRIPTION = `ResuMate: resumes, AI generation under daily quotas and job-application tracking.

Sign in with \`POST /api/auth/token/\`, then send \`Authorization: Bearer <access>\` (here: **Authorize**).
A malformed or expired token is a 401 on every endpoint, public ones included.
Every path works with and without its trailing slash. Errors share one shape (\`Error\`).`;

/** The OpenAPI 3.1 document for these routes: built from the declarations the routers mount. */
export function buildOpenApiDocument(routes: readonly RouteSpec[]): OpenApiDocument {
  const schemas = new SchemaRegistry();
  const paths: OpenApiDocument['paths'] = {};
  for (const op of routes) {
    const path = openApiPath(op.path);
    paths[path] ??= {};
    paths[path][op.method] = operationObject(op, schemas);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'ResuMate API', version: '1.0.0', description: DESCRIPTION },
    tags: [...new Set(routes.map((op) => op.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: schemas.components,
      responses: errorResponses(),
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The `access` token of `POST /api/auth/token/` (valid 5 minutes).' },
      },
    },
  };
}

function operationObject(op: RouteSpec, schemas: SchemaRegistry): Record<string, unknown> {
  const bodySchema = op.body && (op.method === 'patch' ? schemas.partial(op.body) : schemas.use(op.body));
  return {
    operationId: operationId(op),
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    security: SECURITY[op.auth],
    parameters: [...pathParameters(op.path), ...(op.list ? listParameters(op.list) : [])],
    ...(bodySchema ? { requestBody: { required: true, content: { 'application/json': { schema: bodySchema } } } } : {}),
    responses: {
      ...Object.fromEntries(
        Object.entries(op.responses).flatMap(([status, response]) => (response ? [[status, responseObject(response, schemas)]] : [])),
      ),
      ...Object.fromEntries(errorStatuses(op).map((status) => [status, { $ref: `#/components/responses/${ERROR_RESPONSES[status].name}` }])),
    },
  };
}

function responseObject({ description, schema, contentType = 'application/json' }: ResponseSpec, schemas: SchemaRegistry): Record<string, unknown> {
  return { description, ...(schema ? { content: { [contentType]: { schema: schemas.use(schema) } } } : {}) };
}

/** components.schemas: every named schema, plus the `Patched…` variant of each PATCH body. */
class SchemaRegistry {
  private readonly names = new Map(Object.entries(NAMED_SCHEMAS).map(([name, schema]) => [schema, name]));
  readonly components: Record<string, unknown> = Object.fromEntries(
    Object.entries(NAMED_SCHEMAS).map(([name, schema]) => [name, withRefs(schema, this.names, true)]),
  );

  /** The schema as used in an operation: a `$ref` when it is named. */
  use(schema: object): unknown {
    return withRefs(schema, this.names, false);
  }

  /** A PATCH body: the same rules, nothing required. */
  partial(schema: object): unknown {
    const { required: _required, ...partial } = withRefs(schema, this.names, true) as Record<string, unknown>;
    const name = this.names.get(schema);
    if (!name) return partial;
    this.components[`Patched${name}`] = partial;
    return { $ref: `#/components/schemas/Patched${name}` };
  }
}

/** `/api/resumes/:id` → `/api/resumes/{id}/`: API paths are documented in API.md's form, with the slash. */
export function openApiPath(routerPath: string): string {
  const path = routerPath.replace(/:(\w+)/g, '{$1}');
  return path.startsWith('/api') ? `${path}/` : path;
}

const SECURITY: Record<RouteSpec['auth'], unknown[]> = {
  public: [],
  optional: [{}, { bearerAuth: [] }],
  user: [{ bearerAuth: [] }],
  staff: [{ bearerAuth: [] }],
};

function operationId(op: RouteSpec): string {
  const words = op.path
    .split('/')
    .filter((part) => part && part !== 'api')
    .map((part) => (part.startsWith(':') ? `by-${part.slice(1)}` : part))
    .flatMap((part) => part.split(/[-_]/));
  return [op.method, ...words].map((word, i) => (i === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1))).join('');
}

/** What the route's access rule, body and path parameters imply, plus what it lists. */
function errorStatuses(op: RouteSpec): ErrorStatus[] {
  const implied: ErrorStatus[] = [];
  if (op.auth !== 'public') implied.push(401);
  if (op.auth === 'staff') implied.push(403);
  if (op.body) implied.push(400, 413, 415);
  if (op.list) implied.push(400);
  if (op.path.includes('/:')) implied.push(404);
  return [...new Set([...implied, ...(op.errors ?? [])])].sort((a, b) => a - b);
}

function pathParameters(path: string): unknown[] {
  return [...path.matchAll(/:(\w+)/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: name === 'id' ? { type: 'integer', minimum: 1 } : { type: 'string' },
  }));
}

function listParameters(spec: ListSpec): unknown[] {
  const query = (name: string, schema: object, description: string) => ({ name, in: 'query', required: false, schema, description });
  const fields = Object.keys(spec.orderable).join(', ');
  return [
    ...Object.entries(spec.filters).map(([name, { values }]) => query(name, { type: 'string', enum: values }, `Only those with this ${name}.`)),
    ...(spec.searchColumns.length > 0 ? [query('search', { type: 'string' }, `Case-insensitive text in ${spec.searchColumns.join(' or ')}.`)] : []),
    query('ordering', { type: 'string', default: spec.defaultOrdering }, `Comma-separated fields, \`-\` for descending: ${fields}.`),
    query('limit', { type: 'integer', minimum: 0, maximum: MAX_LIMIT }, 'Page size; with `limit` or `offset` the answer is a page `{count, next, previous, results}`.'),
    query('offset', { type: 'integer', minimum: 0 }, 'Items to skip.'),
  ];
}

function errorResponses(): Record<string, unknown> {
  return Object.fromEntries(
    Object.values(ERROR_RESPONSES).map(({ name, description, example, headers }) => [
      name,
      {
        description,
        ...(headers ? { headers: Object.fromEntries(Object.entries(headers).map(([header, text]) => [header, { description: text, schema: { type: 'string' } }])) } : {}),
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' }, example } },
      },
    ]),
  );
}

/** A copy of `schema` where each nested named schema is a `$ref` (`isRoot`: the schema itself stays whole). */
function withRefs(schema: unknown, names: ReadonlyMap<object, string>, isRoot: boolean): unknown {
  if (Array.isArray(schema)) return schema.map((item: unknown) => withRefs(item, names, false));
  if (typeof schema !== 'object' || schema === null) return schema;
  const name = names.get(schema);
  if (name && !isRoot) return { $ref: `#/components/schemas/${name}` };
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, withRefs(value, names, false)]));
}
