import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type Router from '@koa/router';
import { NotFound } from '../../domain/errors.js';
import { buildOpenApiDocument } from '../openapi/document.js';
import { documentedRoutes } from '../openapi/documentedRoutes.js';
import { defineRoute, mountRoutes, type Route } from '../route.js';

const ASSETS_PATH = '/api/docs/:asset';

/** Swagger UI's own files we serve (from swagger-ui-dist, so the page works offline); anything else is a 404. */
const DIST_ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

const distDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/**
 * The page has no inline script, so it runs under a CSP of `default-src 'self'` (plus inline
 * styles and data: images, which Swagger UI's CSS uses): this is served from its own URL.
 */
const INITIALIZER = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/api/schema/',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;

const PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>ResuMate API</title>
    <link rel="stylesheet" href="/api/docs/swagger-ui.css">
    <link rel="icon" type="image/png" href="/api/docs/favicon-32x32.png" sizes="32x32">
    <link rel="icon" type="image/png" href="/api/docs/favicon-16x16.png" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/api/docs/swagger-ui-bundle.js"></script>
    <script src="/api/docs/swagger-initializer.js"></script>
  </body>
</html>
`;

interface DocsRouteDeps {
  /** The OpenAPI document, serialized once. */
  document: string;
}

const docsRouteTable: Route<DocsRouteDeps>[] = [
  defineRoute({
    method: 'get',
    path: '/api/schema',
    tag: 'Discovery',
    auth: 'public',
    summary: 'This OpenAPI 3.1 document',
    description: 'Built from the JSON Schemas that validate requests and describe responses.',
    responses: { 200: { description: 'The document.', schema: { type: 'object', required: ['openapi', 'info', 'paths'] } } },
    handler: (ctx, { document }) => {
      ctx.type = 'application/json; charset=utf-8';
      ctx.body = document;
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/docs',
    tag: 'Discovery',
    auth: 'public',
    summary: 'Swagger UI for this document',
    responses: { 200: { description: 'An HTML page.', contentType: 'text/html', schema: { type: 'string' } } },
    handler: (ctx) => {
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = PAGE;
    },
  }),
];

/** GET /api/schema/ (the OpenAPI document) and GET /api/docs/ (Swagger UI for it). Public. */
export function docsRoutes(): Router {
  const r = mountRoutes(docsRouteTable, { document: JSON.stringify(buildOpenApiDocument([...documentedRoutes, ...docsRouteTable])) });
  const assets = new Map<string, Promise<Buffer>>();
  // Swagger UI's own files, left out of the document: they are not API.
  r.get(ASSETS_PATH, async (ctx) => {
    const name = ctx.params.asset!;
    if (name === 'swagger-initializer.js') {
      ctx.type = 'application/javascript; charset=utf-8';
      ctx.body = INITIALIZER;
      return;
    }
    const type = Object.hasOwn(DIST_ASSETS, name) ? DIST_ASSETS[name] : undefined;
    if (!type) throw new NotFound();
    if (!assets.has(name)) assets.set(name, readFile(join(distDir, name)));
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.type = type;
    ctx.body = await assets.get(name)!;
  });
  return r;
}

/** Routes deliberately left out of the document: Swagger UI's static files are not API. */
export const UNDOCUMENTED_ROUTES: readonly { method: string; path: string }[] = [{ method: 'get', path: ASSETS_PATH }];
