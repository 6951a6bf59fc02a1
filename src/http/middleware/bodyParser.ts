import { unzipSync } from 'node:zlib';
import type { Context, Middleware } from 'koa';
import { HttpMethodEnum, koaBody } from 'koa-body';
import { PayloadTooLarge, type AppError, type ErrorCode } from '../../domain/errors.js';
import { ParseError, UnsupportedMediaType, type TransportErrorCode } from '../transportErrors.js';
import { httpStatusOf } from './errors.js';
import { findOutOfRangeNumber } from './outOfRangeNumber.js';
import { describeInvalidUtf8 } from './utf8Error.js';

export const DEFAULT_BODY_LIMIT_BYTES = 1_048_576;

/** DRF's three parsers; anything else with a body is a 415 (so is `application/vnd.api+json`). */
const JSON_TYPES = ['application/json'];
const FORM_TYPES = ['application/x-www-form-urlencoded'];
const MULTIPART_TYPES = ['multipart/form-data'];
const ACCEPTED_TYPES = [...JSON_TYPES, ...FORM_TYPES, ...MULTIPART_TYPES];
const PARSED_METHODS: readonly HttpMethodEnum[] = [HttpMethodEnum.POST, HttpMethodEnum.PUT, HttpMethodEnum.PATCH];

/**
 * Puts the parsed body on `ctx.request.body`: `{}` when there is none, otherwise whatever the
 * JSON says (null, arrays and strings included: validation reports them) or the form fields.
 * `methods`: the app parses POST, PUT and PATCH; a DELETE route that reads a body (DRF parses
 * any method's body when the view reads it) adds its own parser for DELETE.
 */
export function bodyParser({ limitBytes = DEFAULT_BODY_LIMIT_BYTES, methods = PARSED_METHODS }: { limitBytes?: number; methods?: readonly HttpMethodEnum[] } = {}): Middleware {
  const parsed: ReadonlySet<string> = new Set(methods);
  const parse = koaBody({
    parsedMethods: [...methods],
    jsonTypes: JSON_TYPES,
    jsonStrict: false, // strict mode rejects `null` and `"text"` bodies, which must reach validation
    jsonLimit: limitBytes,
    urlencodedTypes: FORM_TYPES,
    formLimit: limitBytes,
    queryString: { allowDots: false }, // `a.b=1` stays a field named "a.b", as in Django
    multipart: true,
    multipartTypes: MULTIPART_TYPES,
    formidable: { maxFieldsSize: limitBytes, filter: () => false }, // fields only: no file is ever written
    text: false,
    includeUnparsed: true, // tells a chunked empty body (`{}`) from the JSON text `""`
    onError: (err, ctx) => {
      throw toParseFailure(err, ctx);
    },
  });

  const read = async (ctx: Context): Promise<void> => {
    if (!ctx.is(ACCEPTED_TYPES)) throw new UnsupportedMediaType(ctx.get('Content-Type'));
    // Refuse a declared oversize body before reading a byte; raw-body also stops a chunked one at the limit.
    if (Number(ctx.get('Content-Length')) > limitBytes) throw new PayloadTooLarge();
    const recording = ctx.is(MULTIPART_TYPES) ? undefined : recordBytes(ctx, limitBytes);
    const failure = await parse(ctx, async () => {}).then(() => undefined, (err: unknown) => err);
    const received = recording?.stop();
    // Python decodes before it parses: bytes that are not UTF-8 are the error to report.
    if (received && (failure === undefined || failure instanceof ParseError)) refuseInvalidUtf8(ctx, received, limitBytes);
    if (failure !== undefined) throw failure;
    if (ctx.is(JSON_TYPES)) refuseOutOfRangeNumbers(ctx.request.body);
    if (ctx.request.rawBody === '') ctx.request.body = {};
    delete ctx.request.rawBody;
  };

  return async (ctx, next) => {
    ctx.request.body = {};
    if (parsed.has(ctx.method) && hasBody(ctx)) {
      try {
        await read(ctx);
      } catch (err) {
        // The rest of a refused body is never read: close the connection after the answer rather
        // than drain an upload of any size, or leave a half-read request blocking a kept-alive socket.
        if (!ctx.req.complete) ctx.set('Connection', 'close');
        throw err;
      }
    }
    await next();
  };
}

/** Like Django: a Content-Length of 0 is no body at all, whatever the Content-Type. */
function hasBody(ctx: Context): boolean {
  return Number(ctx.get('Content-Length')) > 0 || ctx.get('Transfer-Encoding') !== '';
}

/**
 * The body's bytes as they arrive, beside the parser that reads them: its decoder would quietly
 * turn bytes that are not UTF-8 into U+FFFD. Both listeners are attached in this tick, before
 * the stream flows, so each sees every chunk. Past the limit the parser fails with a 413, so
 * nothing more is kept.
 */
function recordBytes(ctx: Context, limitBytes: number): { stop(): Buffer } {
  const chunks: Buffer[] = [];
  let size = 0;
  const record = (chunk: Buffer) => {
    size += chunk.length;
    if (size <= limitBytes) chunks.push(chunk);
  };
  ctx.req.on('data', record);
  return {
    stop: () => {
      ctx.req.off('data', record);
      return Buffer.concat(chunks);
    },
  };
}

function refuseInvalidUtf8(ctx: Context, received: Buffer, limitBytes: number): void {
  const bytes = decompressed(ctx, received, limitBytes);
  const problem = bytes && describeInvalidUtf8(bytes);
  if (problem) throw new ParseError(`${ctx.is(FORM_TYPES) ? 'Form' : 'JSON'} parse error - ${problem}`);
}

/** What the parser read after inflating a gzip or deflate body; undefined if it does not inflate (the parser says so). */
function decompressed(ctx: Context, received: Buffer, limitBytes: number): Buffer | undefined {
  const encoding = ctx.get('Content-Encoding').toLowerCase();
  if (encoding === '' || encoding === 'identity') return received;
  try {
    return unzipSync(received, { maxOutputLength: limitBytes });
  } catch {
    return undefined;
  }
}

function refuseOutOfRangeNumbers(body: unknown): void {
  const number = findOutOfRangeNumber(body);
  if (number !== undefined) throw new ParseError(`JSON parse error - Out of range float values are not JSON compliant: '${number}'`);
}

function toParseFailure(err: Error, ctx: Context): AppError<ErrorCode | TransportErrorCode> {
  const status = httpStatusOf(err);
  if (status === 413) return new PayloadTooLarge();
  if (status === 415) return new UnsupportedMediaType(ctx.get('Content-Type')); // e.g. an unknown Content-Encoding
  if (ctx.is(MULTIPART_TYPES)) return new ParseError('Multipart form parse error - Invalid multipart body.');
  if (ctx.is(FORM_TYPES)) return new ParseError('Form parse error - Invalid form body.');
  return new ParseError(`JSON parse error - ${err.message}`);
}
