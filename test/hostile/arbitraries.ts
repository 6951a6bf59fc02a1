import fc from 'fast-check';

/** Strings that have broken parsers, databases and templating somewhere. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\udbff',
  '\u202eevil\u202c', // RTL override
  '\u200f\u200e\u061c', // RTL / LTR marks
  '\ufeff',
  '\u0085\u2028\u2029',
  'café', // NFC
  'cafe\u0301', // NFD
  'ﬁ', // NFKC folds to "fi"
  'İ', // lowercases to two code points
  '👩‍👩‍👧‍👦🏳️‍🌈',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇',
  "' OR '1'='1",
  "'; DROP TABLE events; --",
  '" OR ""="',
  '1; SELECT pg_sleep(0)',
  '%', '_', '\\', '%_\\%',
  '$1', '?', '::text',
  '{"$ne": null}',
  '"},"is_staff":true,"x":{"',
  '</script><script>alert(1)</script>',
  '${process.exit()}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'prototype',
  'NaN', 'Infinity', '-0', '1e309', '0x10', '1_000',
  '9'.repeat(400),
];

/** Keys that pollute prototypes when merged naively, plus the real field names and junk. */
export const POLLUTING_KEYS = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__'];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** Text of every kind: any code point, graphemes, lone surrogates, NUL, NFD, the nasty list. */
export const text: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(...NASTY_STRINGS),
  fc.tuple(fc.string({ maxLength: 10 }), fc.oneof(loneSurrogate, fc.constant('\u0000')), fc.string({ maxLength: 10 })).map((parts) => parts.join('')),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => s.normalize('NFD')),
);

/** Numbers JSON can carry that break integer handling: negative, fractional, exponent, beyond 2^53, beyond int64. */
const number: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1.5, 1e300, -1e300, 2 ** 53 + 2, 2 ** 63, 2 ** 31, -(2 ** 31) - 1, Number.MAX_VALUE, Number.MIN_VALUE),
);

/** One JSON value, as JSON text (so deep nesting and huge strings need not be built as objects). */
export const jsonValueText: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: text.map((s) => JSON.stringify(s)) },
  { weight: 3, arbitrary: number.map((n) => JSON.stringify(n)) },
  { weight: 1, arbitrary: fc.constantFrom('true', 'false', 'null', '[]', '{}', '""', '"1"', '"true"', '"null"') },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 5_000 }).map((depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)) },
  { weight: 1, arbitrary: fc.integer({ min: 256, max: 200_000 }).map((length) => JSON.stringify('x'.repeat(length))) },
);

const entry = (keys: fc.Arbitrary<string>) => fc.tuple(keys, jsonValueText);

/**
 * A request body as JSON text: an object whose keys are mostly the endpoint's own fields
 * (so validation, not just the first type check, is exercised), sometimes repeated or polluting,
 * or any other JSON document (an array, a string, null).
 */
export function jsonBody(fields: readonly string[]): fc.Arbitrary<string> {
  const keys = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...fields) },
    { weight: 1, arbitrary: fc.constantFrom(...POLLUTING_KEYS) },
    { weight: 1, arbitrary: text },
  );
  const object = fc.array(entry(keys), { maxLength: fields.length + 3 }).map(
    (entries) => `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`,
  );
  return fc.oneof({ weight: 5, arbitrary: object }, { weight: 1, arbitrary: jsonValueText });
}

/** A path id: integers of any sign and size, floats, exponents, hex, Unicode digits, junk, raw percent escapes. */
export const pathId: fc.Arbitrary<string> = fc.oneof(
  fc.integer().map(String),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.double().map(String),
  fc.constantFrom('0', '-1', '-0', '+1', '1.0', '1e3', '1E3', '0x1', '0b1', '1_0', '١', '１', ' 1', '1 ', '9'.repeat(400)).map(encodeURIComponent),
  // No '..' or '%2e%2e': a URL parser (the client's) resolves them as dot segments before sending,
  // so the request would name another, legitimately answering, path.
  fc.constantFrom('%00', '%FF', '%C0%AF', '%ED%A0%80', '%E0%A4%A', '%', '%2F', '1%00', '1;1', '1,2'),
  text.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '?'))).filter((s) => s !== '.' && s !== '..'),
);

/** A query string with list parameters and junk, repeated keys and arrays included. */
export const queryString: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(
      fc.oneof(
        { weight: 5, arbitrary: fc.constantFrom('ordering', 'search', 'status', 'limit', 'offset') },
        { weight: 1, arbitrary: fc.constantFrom('ordering[]', 'limit[0]', 'search[a]', 'page', 'format', '__proto__', 'constructor[prototype][x]') },
        { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
      ),
      fc.oneof(
        { weight: 3, arbitrary: text },
        {
          weight: 3,
          arbitrary: fc.constantFrom(
            '-1', '0', '1', '1000', '1001', '1.5', '1e3', '-0', '99999999999999999999', '9007199254740991', '0x10', 'NaN', ' 5 ',
            'id', '-id', 'title', '-updated_at', 'id,-title', 'user__password', 'password', 'id;DROP TABLE events', '(SELECT 1)', 'title desc', '--id', ',,,',
            'Applied', 'Interviewing', 'applied',
          ),
        },
        { weight: 1, arbitrary: fc.integer({ min: 1, max: 100_000 }).map((n) => 'a'.repeat(n)) },
      ),
      fc.boolean(),
    ),
    { maxLength: 6 },
  )
  .map((pairs) =>
    pairs
      .map(([key, value, raw]) => `${encodeURIComponent(key.replace(/[\ud800-\udfff]/g, '?'))}=${raw ? rawEscape(value) : encodeURIComponent(value.replace(/[\ud800-\udfff]/g, '?'))}`)
      .join('&'),
  );

/** Percent-escapes every UTF-16 unit as if it were a byte, which yields invalid UTF-8 for anything above 0xFF. */
function rawEscape(value: string): string {
  return [...value].map((c) => `%${(c.charCodeAt(0) & 0xff).toString(16).padStart(2, '0')}`).join('');
}

/** Header values fetch will send: visible ASCII and Latin-1, no CR/LF/NUL. */
export const headerValue: fc.Arbitrary<string> = fc.string({
  unit: fc.oneof(fc.integer({ min: 0x21, max: 0x7e }), fc.integer({ min: 0xa1, max: 0xff })).map((c) => String.fromCharCode(c)),
  maxLength: 200,
});

const base64url = (text: string) => Buffer.from(text).toString('base64url');

/**
 * Tokens an attacker would try: `alg: none` in every spelling, other algorithms, `kid`/`jku`
 * tricks, claims of the wrong type or far in the past or future, signed with no key, a wrong
 * key, or (rarely, so that valid-but-odd tokens also get through) the server's own key.
 */
export function forgedToken(sign: (signingInput: string, key: string | null) => string, serverKey: string, userIds: readonly number[]): fc.Arbitrary<string> {
  const header = fc.record(
    {
      alg: fc.constantFrom('none', 'None', 'NONE', 'nOnE', '', 'HS256', 'HS384', 'HS512', 'RS256', 'ES256', 'PS256'),
      typ: fc.constantFrom('JWT', 'jwt', '', 'JWS'),
      kid: fc.constantFrom('../../dev/null', "' OR 1=1 --", '0'),
      jku: fc.constant('http://127.0.0.1:1/jwks.json'),
    },
    { requiredKeys: ['alg'] },
  );
  const claim = fc.oneof(fc.jsonValue({ maxDepth: 2 }), text, fc.constantFrom(...userIds, ...userIds.map(String)));
  const nowS = Math.floor(Date.now() / 1000);
  const payload = fc.record(
    {
      token_type: fc.oneof(fc.constantFrom('access', 'refresh', 'ACCESS', ''), claim),
      exp: fc.oneof(fc.constantFrom(nowS + 300, nowS - 1, 0, -1, 1e300, 2 ** 63), claim),
      iat: fc.constantFrom(nowS, nowS + 10_000, 0),
      jti: fc.oneof(fc.constant('a'.repeat(32)), claim),
      user_id: fc.oneof(fc.constantFrom(...userIds, ...userIds.map(String), '1 OR 1=1', '-1', '1e3', 1e300, -1), claim),
      is_staff: fc.constant(true),
    },
    { requiredKeys: [] },
  );
  return fc
    .tuple(header, payload, fc.constantFrom<string | null>(null, null, 'another-key', serverKey), fc.constantFrom('', '', '.', '.x', ' '))
    .map(([h, p, key, suffix]) => {
      const signingInput = `${base64url(JSON.stringify(h))}.${base64url(JSON.stringify(p))}`;
      return `${signingInput}.${sign(signingInput, key)}${suffix}`.trim();
    });
}
