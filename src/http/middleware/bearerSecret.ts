import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { bearerTokenOf } from '../../auth/bearer.js';
import { AuthenticationFailed, NotAuthenticated } from '../../domain/errors.js';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * Lets through only `Authorization: Bearer <secret>` (a scraper's METRICS_TOKEN, not a user's
 * JWT). Digests of equal length are compared in constant time, so timing tells nothing of the secret.
 */
export function requireBearerSecret(secret: string): Middleware {
  const expected = digest(secret);
  return (ctx, next) => {
    const given = bearerTokenOf(ctx.get('Authorization'));
    if (given === undefined) throw new NotAuthenticated();
    if (!timingSafeEqual(digest(given), expected)) throw new AuthenticationFailed('Incorrect authentication credentials.');
    return next();
  };
}
