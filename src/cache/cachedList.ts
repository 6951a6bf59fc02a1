import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { Cache } from './cache.js';

export const EXAMPLE_JOB_APPLICATIONS_LIST = 'example_job_applications_list';
export const AI_MODELS_LIST = 'ai_models_list';
export const LIST_TTL_S = 3600;

export type CacheStatus = 'HIT' | 'MISS' | 'BYPASS';

export interface CachedRead<T> {
  status: CacheStatus;
  data: T;
}

/** Public lists kept in the cache as JSON; `load` reads the database and must return JSON-shaped data. */
export interface CachedLists {
  /** The cache they are kept in, which a HIT's answer names. */
  readonly kind: Cache['kind'];
  read<T>(key: string, load: () => Promise<T>): Promise<CachedRead<T>>;
  /** The stored JSON of a list, null when it is not stored; rejects when the cache fails. */
  peek(key: string): Promise<string | null>;
  /** Drops the keys; a failure is logged, never thrown (the projector must go on). */
  invalidate(keys: readonly string[]): Promise<void>;
}

const WARN_INTERVAL_MS = 30_000;

/**
 * Changed whenever a list is invalidated. A reader remembers it before loading and drops
 * what it stored if it changed meanwhile: otherwise a load that read the database just
 * before a commit could write the old list back after the invalidation, stale for an hour.
 */
const generationKey = (key: string): string => `${key}:generation`;

interface Flight {
  generation: string | null;
  promise: Promise<unknown>;
}

export function createCachedLists(cache: Cache, logger: Logger): CachedLists {
  const flights = new Map<string, Flight>();
  const warnBypass = rateLimitedWarning(logger, 'Redis unavailable: cached lists answered from the database');

  /** Concurrent misses for one key and one generation share one database read. */
  function collapse<T>(key: string, generation: string | null, run: () => Promise<T>): Promise<T> {
    const current = flights.get(key);
    if (current && current.generation === generation) return current.promise as Promise<T>;
    const promise = run().finally(() => {
      if (flights.get(key)?.promise === promise) flights.delete(key);
    });
    flights.set(key, { generation, promise });
    return promise;
  }

  async function fill<T>(key: string, generation: string | null, load: () => Promise<T>): Promise<T> {
    const data = await load();
    try {
      await cache.set(key, JSON.stringify(data), LIST_TTL_S);
      if ((await cache.get(generationKey(key))) !== generation) await cache.del(key);
    } catch (err) {
      warnBypass(err);
    }
    return data;
  }

  return {
    kind: cache.kind,

    async read<T>(key: string, load: () => Promise<T>): Promise<CachedRead<T>> {
      let cached: string | null;
      let generation: string | null = null;
      try {
        cached = await cache.get(key);
        if (cached === null) generation = await cache.get(generationKey(key));
      } catch (err) {
        warnBypass(err);
        return { status: 'BYPASS', data: await load() };
      }
      if (cached !== null) return hit<T>(cached);
      return { status: 'MISS', data: await collapse(key, generation, () => fill(key, generation, load)) };
    },

    peek: (key) => cache.get(key),

    async invalidate(keys) {
      try {
        // The generation first: a reader that re-checks it after storing then sees the change.
        for (const key of keys) await cache.set(generationKey(key), randomUUID(), LIST_TTL_S);
        await cache.del(...keys);
      } catch (err) {
        logger.error({ err: errorMessage(err), keys }, 'could not invalidate cached lists: they may stay stale until their TTL ends');
      }
    },
  };
}

/** Parse-on-demand: answering a HIT sends the stored JSON as is (see answerWithCachedList). */
function hit<T>(json: string): CachedRead<T> {
  let parsed: { value: T } | undefined;
  const read = {
    status: 'HIT' as const,
    get data(): T {
      parsed ??= { value: JSON.parse(json) as T };
      return parsed.value;
    },
  };
  Object.defineProperty(read, STORED_JSON, { value: json, enumerable: false });
  return read;
}

const STORED_JSON = Symbol('stored JSON');

function rateLimitedWarning(logger: Logger, message: string): (err: unknown) => void {
  let lastAt = -Infinity;
  let suppressed = 0;
  return (err) => {
    const now = Date.now();
    if (now - lastAt < WARN_INTERVAL_MS) {
      suppressed += 1;
      return;
    }
    logger.warn({ err: errorMessage(err), suppressed }, message);
    lastAt = now;
    suppressed = 0;
  };
}

const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** The original's texts (it always had Redis); without Redis a HIT says where it really came from. */
const STATUS_TEXT: Record<Exclude<CacheStatus, 'HIT'>, string> = {
  MISS: 'MISS (Response from database)',
  BYPASS: 'BYPASS (Redis unavailable; response from database)',
};
const HIT_TEXT: Record<Cache['kind'], string> = {
  redis: 'HIT (Response from Redis cache)',
  memory: 'HIT (Response from in-process cache)',
};

export const cacheStatusText = (status: CacheStatus, kind: Cache['kind']): string => (status === 'HIT' ? HIT_TEXT[kind] : STATUS_TEXT[status]);

/** What the answer needs of a Koa context; kept structural so the cache does not depend on Koa. */
export interface ListResponse {
  set(field: string, value: string): void;
  body: unknown;
  type?: string;
}

/** The original's answer: `{cache_status, data}` and `X-Cache-Status`; `kind` is the cache the lists are kept in. */
export function answerWithCachedList(ctx: ListResponse, read: CachedRead<unknown>, kind: Cache['kind']): void {
  ctx.set('X-Cache-Status', read.status);
  const stored = (read as { [STORED_JSON]?: string })[STORED_JSON];
  if (stored === undefined) {
    ctx.body = { cache_status: cacheStatusText(read.status, kind), data: read.data };
    return;
  }
  ctx.type = 'application/json; charset=utf-8';
  ctx.body = hitBody(stored, kind);
}

/** A HIT's answer from the stored JSON: the bytes JSON.stringify would produce from the parsed list, without the round trip. */
export const hitBody = (stored: string, kind: Cache['kind']): string => `{"cache_status":${JSON.stringify(HIT_TEXT[kind])},"data":${stored}}`;
