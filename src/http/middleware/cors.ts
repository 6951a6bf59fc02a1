import type { Context, Middleware } from 'koa';

const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';
/** What a browser script may read besides the CORS-safelisted headers. */
const EXPOSED_HEADERS = 'X-Request-Id, X-Cache-Status, Retry-After, Location';
const PREFLIGHT_MAX_AGE_S = '86400';

/**
 * CORS for the origins in CORS_ALLOWED_ORIGINS (exact origins, as browsers send them), as
 * django-cors-headers does: a preflight from a listed origin is answered 204 here; any other
 * origin gets no CORS headers at all, so the browser refuses. Tokens travel in the
 * Authorization header, never cookies, so credentials are not allowed.
 *
 * Written here rather than with @koa/cors: that one sets its headers before the handler runs,
 * and our error handler clears them, leaving browsers unable to read a 400's field errors.
 */
export function cors(allowedOrigins: readonly string[]): Middleware {
  const allowed = new Set(allowedOrigins);
  return async (ctx, next) => {
    const origin = ctx.get('Origin');
    const listed = origin !== '' && allowed.has(origin);
    if (listed && ctx.method === 'OPTIONS' && ctx.get('Access-Control-Request-Method')) {
      answerPreflight(ctx, origin);
      return;
    }
    await next();
    // After the handler, because the error handler clears a failed response's headers.
    if (ctx.headerSent) return;
    ctx.vary('Origin'); // the answer depends on the Origin: shared caches must keep them apart
    if (!listed) return;
    ctx.set('Access-Control-Allow-Origin', origin);
    ctx.set('Access-Control-Expose-Headers', EXPOSED_HEADERS);
  };
}

function answerPreflight(ctx: Context, origin: string): void {
  ctx.vary('Origin');
  ctx.vary('Access-Control-Request-Method');
  ctx.vary('Access-Control-Request-Headers');
  ctx.set('Access-Control-Allow-Origin', origin);
  ctx.set('Access-Control-Allow-Methods', ALLOWED_METHODS);
  const requested = ctx.get('Access-Control-Request-Headers');
  if (requested) ctx.set('Access-Control-Allow-Headers', requested);
  ctx.set('Access-Control-Max-Age', PREFLIGHT_MAX_AGE_S);
  ctx.status = 204;
}
