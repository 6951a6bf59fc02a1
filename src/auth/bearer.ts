import type { Middleware } from 'koa';
import { AuthenticationFailed, NotAuthenticated, PermissionDenied } from '../domain/errors.js';
import type { TokenService } from './tokens.js';
import type { AuthUser, FindUser } from './user.js';

declare module 'koa' {
  interface DefaultState {
    /** Set by `authenticate` when the request carries a valid access token; absent for anonymous requests. */
    user?: AuthUser;
  }
}

export interface AuthenticateDeps {
  tokens: Pick<TokenService, 'verifyAccess'>;
  findUser: FindUser;
}

/** Python's bytes.split(): runs of ASCII whitespace only (a JS \s would also split on U+00A0 and friends). */
const WHITESPACE = /[ \t\n\r\v\f]+/;

/**
 * Simple JWT's JWTAuthentication, run on every request as DRF runs it on every view (AllowAny
 * included): a header it does not recognise leaves the request anonymous, a bad one is a 401.
 */
export function authenticate({ tokens, findUser }: AuthenticateDeps): Middleware {
  return async (ctx, next) => {
    const raw = bearerTokenOf(ctx.get('Authorization'));
    if (raw !== undefined) {
      const { userId } = tokens.verifyAccess(raw);
      const user = await findUser(userId);
      if (!user) throw new AuthenticationFailed('User not found', 'user_not_found');
      if (!user.isActive) throw new AuthenticationFailed('User is inactive', 'user_inactive');
      ctx.state.user = authUserOf(user);
    }
    await next();
  };
}

/** The raw token, or undefined when the header does not use the Bearer scheme (then the request is anonymous). */
export function bearerTokenOf(header: string): string | undefined {
  const parts = header.split(WHITESPACE).filter((part) => part !== '');
  if (parts[0] !== 'Bearer') return undefined;
  if (parts.length !== 2) {
    throw new AuthenticationFailed('Authorization header must contain two space-delimited values', 'bad_authorization_header');
  }
  return parts[1];
}

/** DRF's IsAuthenticated. */
export const requireUser: Middleware = (ctx, next) => {
  if (!ctx.state.user) throw new NotAuthenticated();
  return next();
};

/** DRF's IsAdminUser: anonymous is 401, signed in without staff status is 403. */
export const requireStaff: Middleware = (ctx, next) => {
  if (!ctx.state.user) throw new NotAuthenticated();
  if (!ctx.state.user.isStaff) throw new PermissionDenied();
  return next();
};

/** Copies only the AuthUser fields, so a wider row (a password hash, say) never rides along in ctx.state or the logs. */
function authUserOf(user: AuthUser): AuthUser {
  const { id, username, email, isStaff, isActive, dateJoined } = user;
  return { id, username, email, isStaff, isActive, dateJoined };
}
