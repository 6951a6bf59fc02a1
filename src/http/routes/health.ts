import type Router from '@koa/router';
import { ServiceUnavailable } from '../../domain/errors.js';
import { defineRoute, mountRoutes, type Route } from '../route.js';
import { health, readiness } from '../schemas/responses.js';

/** A dependency /readyz asks about; `check` throws (or never settles) when it is down. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

const DEFAULT_CHECK_TIMEOUT_MS = 2_000;

class NotReady extends ServiceUnavailable {
  override readonly extras: Record<string, unknown>;
  constructor(failed: string[], checks: Record<string, string>) {
    super(`Not ready: ${failed.join(', ')}.`);
    this.extras = { checks };
  }
}

interface HealthRouteDeps {
  readiness: ReadinessCheck[];
  timeoutMs: number;
}

export const healthRouteTable: Route<HealthRouteDeps>[] = [
  defineRoute({
    method: 'get',
    path: '/healthz',
    tag: 'Operations',
    auth: 'public',
    summary: 'Liveness: 200 while the process runs',
    responses: { 200: { description: 'Alive.', schema: health } },
    handler: (ctx) => {
      ctx.body = { status: 'ok' };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/readyz',
    tag: 'Operations',
    auth: 'public',
    summary: 'Readiness: PostgreSQL, the event store, Redis (if configured) and the read models answer',
    description: 'A 503 names, in `checks`, each dependency and why it is down.',
    responses: { 200: { description: 'Ready.', schema: readiness } },
    errors: [503],
    handler: async (ctx, { readiness, timeoutMs }) => {
      const results = await Promise.all(readiness.map(async (c) => [c.name, await probe(c, timeoutMs)] as const));
      const failed = results.filter(([, state]) => state !== 'ok').map(([name]) => name);
      if (failed.length > 0) throw new NotReady(failed, Object.fromEntries(results));
      ctx.body = { status: 'ready', checks: Object.fromEntries(results) };
    },
  }),
];

export function healthRoutes(readiness: ReadinessCheck[], { timeoutMs = DEFAULT_CHECK_TIMEOUT_MS } = {}): Router {
  return mountRoutes(healthRouteTable, { readiness, timeoutMs });
}

/** "ok" or "down: <reason>"; never rejects, and never waits past the timeout. */
async function probe(c: ReadinessCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([c.check(), timeout]);
    return 'ok';
  } catch (err) {
    return `down: ${shortReason(err)}`;
  } finally {
    clearTimeout(timer);
  }
}

function shortReason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const firstLine = text.split('\n', 1)[0] || 'failed';
  // Long enough to name every refused read model.
  return firstLine.length > 240 ? `${firstLine.slice(0, 237)}...` : firstLine;
}
