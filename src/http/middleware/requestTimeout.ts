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

/**
 * A request still running after its bound is answered 503 in the error shape. The handler is
 * not interrupted (nothing can stop it safely mid-write); its late result is dropped.
 */
export function requestTimeout({ timeoutMs, slowPaths = new Map() }: RequestTimeoutOptions): Middleware {
  return async (ctx, next) => {
    const path = ctx.path.length > 1 && ctx.path.endsWith('/') ? ctx.path.slice(0, -1) : ctx.path;
    const bound = slowPaths.get(path) ?? timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RequestTimedOut()), bound);
    });
    try {
      await Promise.race([next(), expired]);
    } finally {
      clearTimeout(timer);
    }
  };
}
