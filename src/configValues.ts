import { availableParallelism } from 'node:os';
import proxyaddr from 'proxy-addr';
import { z } from 'zod';

/** The kinds of value an environment variable may hold, each with its one-line error message (see config.ts). */

/** TRUST_PROXY: the number of proxies in front (each appends to X-Forwarded-For), or their addresses and CIDRs. */
export type TrustProxy = { hops: number } | { addresses: string[] };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** One core stays free for the event loop; at most 3 so libuv's 4-thread pool keeps one for files and DNS. */
export const DEFAULT_HASH_CONCURRENCY = Math.min(3, Math.max(1, availableParallelism() - 1));

/** Quotes a rejected value for the one-line message: escaped, so it cannot break the line. */
export const got = (input: unknown): string => {
  const text = String(input);
  return `(got ${JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text)})`;
};

export const anInteger = (min: number, max: number) => {
  const problem = max === Number.MAX_SAFE_INTEGER ? 'must be a positive integer' : `must be an integer between ${min} and ${max}`;
  return z
    .string()
    .trim()
    .regex(/^\d+$/, { error: (iss) => `${problem} ${got(iss.input)}` })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: (iss) => `${problem} ${got(iss.input)}` });
};
export const integer = (min: number, max: number, fallback: number) => anInteger(min, max).default(fallback);
export const port = (fallback: number) => integer(1, 65535, fallback);
export const positive = (fallback: number) => integer(1, Number.MAX_SAFE_INTEGER, fallback);

export const bool = (fallback: boolean) =>
  z
    .stringbool({
      truthy: ['true', '1', 'yes'],
      falsy: ['false', '0', 'no'],
      error: (iss) => `must be True or False (also true/false, 1/0, yes/no) ${got(iss.input)}`,
    })
    .default(fallback);

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T, problem = `must be one of ${values.join(', ')}`) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(values, { error: (iss) => `${problem} ${got(iss.input)}` }));

export const email = () => z.email({ error: (iss) => `must be an email address ${got(iss.input)}` });

export const httpUrl = () => z.url({ protocol: /^https?$/, error: (iss) => `must be an http(s) URL ${got(iss.input)}` });

/** Credential-bearing URLs are never echoed back in an error. */
export const secretUrl = (schemes: RegExp, expected: string, parseable = true) =>
  z
    .string()
    .trim()
    .refine((s) => schemes.test(s) && (!parseable || URL.canParse(s)), { error: `must be ${expected}` });

const list = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .string()
    .transform((s) => s.split(',').map((part) => part.trim()).filter((part) => part !== ''))
    .pipe(z.array(item));

export const allowedHosts = () =>
  list(
    z
      .string()
      .toLowerCase()
      .regex(/^(\*|\.?[a-z0-9_.-]+|\[[0-9a-f:.]+\])$/, {
        error: (iss) => `entries must be host names like example.com, .example.com or * ${got(iss.input)}`,
      }),
  );

export const corsOrigins = () =>
  list(
    z.string().transform((s, ctx) => {
      const url = URL.canParse(s) ? new URL(s) : undefined;
      if (url && /^https?:$/.test(url.protocol) && url.pathname === '/' && !url.search && !url.hash && !url.username) {
        return url.origin;
      }
      ctx.issues.push({ code: 'custom', input: s, message: `entries must be origins like https://app.example.com ${got(s)}` });
      return z.NEVER;
    }),
  );

/**
 * False (0), a hop count, True (one hop: legacy, never Express's "trust everyone"), or a comma
 * list of proxy-addr addresses, CIDRs and names (loopback, linklocal, uniquelocal).
 */
export const trustProxy = () =>
  z
    .string()
    .trim()
    .transform((s, ctx): TrustProxy => {
      const lower = s.toLowerCase();
      if (['false', 'no'].includes(lower)) return { hops: 0 };
      if (['true', 'yes'].includes(lower)) return { hops: 1 };
      if (/^\d{1,2}$/.test(s)) return { hops: Number(s) };
      const addresses = s.split(',').map((part) => part.trim()).filter((part) => part !== '');
      if (addresses.length > 0 && !/^\d+$/.test(s) && compiles(addresses)) return { addresses };
      const expected = 'must be False, True (one proxy), a number of proxies (0-99), or their addresses/CIDRs like 10.0.0.0/8,loopback';
      ctx.issues.push({ code: 'custom', input: s, message: `${expected} ${got(s)}` });
      return z.NEVER;
    })
    .default({ hops: 0 });

const compiles = (addresses: string[]): boolean => {
  try {
    proxyaddr.compile(addresses);
    return true;
  } catch {
    return false;
  }
};
