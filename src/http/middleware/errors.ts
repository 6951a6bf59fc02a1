import type { Context, Middleware } from 'koa';
import type { Logger } from 'pino';
import { AppError, NotFound, PayloadTooLarge, PermissionDenied, ServiceUnavailable, ValidationFailed, type ErrorCode } from '../../domain/errors.js';
import { MethodNotAllowed, ParseError, UnsupportedMediaType, type TransportErrorCode } from '../transportErrors.js';
import { isConnectionFailure } from '../../db/connectionFailure.js';

type AnyError = AppError<ErrorCode | TransportErrorCode>;

const STATUS: Record<ErrorCode | TransportErrorCode, number> = {
  invalid: 400,
  parse_error: 400,
  not_authenticated: 401,
  authentication_failed: 401,
  token_not_valid: 401,
  no_active_account: 401,
  bad_authorization_header: 401,
  user_not_found: 401,
  user_inactive: 401,
  permission_denied: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  throttled: 429,
  quota_exceeded: 429,
  service_unavailable: 503,
  server_error: 500,
};

const SERVER_ERROR = 'A server error occurred.';

/** The one error exit: every failure leaves as the API.md error shape, and only our own messages reach clients. */
export function errors(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (ctx.headerSent) {
        log.error({ err, requestId: ctx.state.requestId }, 'error after the response started');
        return;
      }
      clearHeaders(ctx);
      const known = err instanceof AppError ? (err as AnyError) : (fromHttpError(err, ctx) ?? fromConnectionFailure(err, ctx, log));
      if (known) respond(ctx, known);
      else respondUnexpected(ctx, err, log);
    }
  };
}

function respond(ctx: Context, e: AnyError): void {
  ctx.status = STATUS[e.code];
  ctx.body = {
    error: e.message,
    code: e.code,
    detail: e.message,
    ...(e instanceof ValidationFailed ? { field_errors: e.fieldErrors } : {}),
    ...e.extras,
  };
  if (ctx.status === 401) ctx.set('WWW-Authenticate', 'Bearer realm="api"');
  const retryAfterS = retryAfterOf(e);
  if (retryAfterS !== undefined) ctx.set('Retry-After', String(Math.ceil(retryAfterS)));
  if (e instanceof MethodNotAllowed && e.allowed.length > 0) ctx.set('Allow', e.allowed.join(', '));
}

const UNAVAILABLE = 'A service this request needs is unavailable right now. Retry in a moment.';

/** The database (or another server) cannot be reached: a 503 to retry, not a 500 (see db/connectionFailure.ts). */
function fromConnectionFailure(err: unknown, ctx: Context, log: Logger): AppError | undefined {
  if (!isConnectionFailure(err)) return undefined;
  log.warn({ err, requestId: ctx.state.requestId }, 'request failed: a dependency is unreachable');
  return new ServiceUnavailable(UNAVAILABLE, 1);
}

function respondUnexpected(ctx: Context, err: unknown, log: Logger): void {
  log.error({ err, requestId: ctx.state.requestId }, 'unexpected error');
  ctx.status = 500;
  ctx.body = { error: SERVER_ERROR, code: 'server_error', detail: SERVER_ERROR, request_id: ctx.state.requestId };
}

/** Errors that Koa or a library raise with an HTTP status (ctx.throw, http-errors). Other statuses stay unexpected. */
function fromHttpError(err: unknown, ctx: Context): AnyError | undefined {
  switch (httpStatusOf(err)) {
    case 400:
      return new ParseError(err instanceof Error && exposed(err) ? err.message : 'Malformed request.');
    case 403:
      return new PermissionDenied();
    case 404:
      return new NotFound();
    case 405:
      return new MethodNotAllowed(ctx.method, []);
    case 413:
      return new PayloadTooLarge();
    case 415:
      return new UnsupportedMediaType(ctx.get('Content-Type'));
    default:
      return undefined;
  }
}

export function httpStatusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  for (const key of ['status', 'statusCode', 'httpCode'] as const) {
    if (key in err) {
      const value: unknown = Reflect.get(err, key);
      if (typeof value === 'number') return value;
    }
  }
  return undefined;
}

function exposed(err: Error): boolean {
  return 'expose' in err && err.expose === true;
}

function retryAfterOf(e: AnyError): number | undefined {
  return 'retryAfterS' in e && typeof e.retryAfterS === 'number' ? e.retryAfterS : undefined;
}

/** Headers that describe the exchange, not the half-built response, and so survive an error. */
const KEPT_HEADERS = new Set(['x-request-id', 'connection']);

/** As Koa's own onerror does: a half-built response must not lend its headers to the error. */
function clearHeaders(ctx: Context): void {
  for (const name of ctx.res.getHeaderNames()) {
    if (!KEPT_HEADERS.has(name)) ctx.remove(name);
  }
}
