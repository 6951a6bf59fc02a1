import type { Middleware } from 'koa';
import { ServiceUnavailable } from '../../domain/errors.js';

export class RequestTimedOut extends ServiceUnavailable {
  constructor() {
    super('The request took too long to process. Try again later.');
  }
}

export interface RequestTimeoutOptions {
  timeoutMs: number;
  /** Longer bounds for paths (declared without the trailing slash) that legitimately take longer. */
  slowPaths?: ReadonlyMap<string, number>;
}

interface InFlight {
  deadline: number;
  expire(): void;
}

/**
 * A request still running after its bound is answered 503 in the error shape. The handler is
 * not interrupted (nothing can stop it safely mid-write); its late result is dropped.
 *
 * One sweep checks every request in flight a few times per bound, instead of a timer and a
 * promise race per request: the hot path only adds itself to a set and removes itself.
 */
export function requestTimeout({ timeoutMs, slowPaths = new Map() }: RequestTimeoutOptions): Middleware {
  const inFlight = new Set<InFlight>();
  const sweepEveryMs = Math.max(5, Math.min(1000, Math.floor(timeoutMs / 4)));
  let sweeper: NodeJS.Timeout | undefined;
  const sweep = () => {
    const now = Date.now();
    for (const request of inFlight) if (request.deadline <= now) request.expire();
    if (inFlight.size === 0) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  };

  return (ctx, next) => {
    const path = ctx.path.length > 1 && ctx.path.endsWith('/') ? ctx.path.slice(0, -1) : ctx.path;
    const bound = slowPaths.get(path) ?? timeoutMs;
    return new Promise<void>((resolve, reject) => {
      const request: InFlight = {
        deadline: Date.now() + bound,
        expire() {
          inFlight.delete(request);
          reject(new RequestTimedOut());
        },
      };
      inFlight.add(request);
      if (!sweeper) {
        sweeper = setInterval(sweep, sweepEveryMs);
        sweeper.unref(); // a server that stops is not kept alive by its sweeper
      }
      next().then(
        () => {
          inFlight.delete(request);
          resolve();
        },
        (err: unknown) => {
          inFlight.delete(request);
          reject(err);
        },
      );
    });
  };
}
