import { AuthenticationFailed } from '../domain/errors.js';
import type { TokenBlacklist } from './blacklist.js';
import { jwtCodec, newJti, TokenError, type JwtCodec, type TokenClaims, type TokenType } from './jwt.js';

export interface TokenPair {
  access: string;
  refresh: string;
}

export interface VerifiedToken {
  userId: number;
  jti: string;
  exp: number;
  /** Absent only from hand-made tokens: Simple JWT does not require it. */
  iat: number | undefined;
}

export interface RefreshOptions {
  /**
   * Runs after the blacklist check and before the old token is spent, which is Simple JWT's order:
   * a blacklisted token reports "Token is blacklisted" even when its user is gone.
   */
  checkUser?: (userId: number) => Promise<void>;
}

export interface TokenService {
  issuePair(userId: number): TokenPair;
  /** For the Bearer path: failures carry Simple JWT's `messages` list. */
  verifyAccess(token: string): VerifiedToken;
  /** Signature, expiry and type only; `refresh` and `blacklist` also consult the blacklist. */
  verifyRefresh(token: string): VerifiedToken;
  /** Rotation: spends the refresh token (exactly once, even under concurrency) and issues a new pair. */
  refresh(refreshToken: string, options?: RefreshOptions): Promise<TokenPair>;
  /** Logout: the refresh token can no longer be used. */
  blacklist(refreshToken: string): Promise<void>;
}

export interface TokenServiceOptions {
  secretKey: string;
  accessLifetimeS: number;
  refreshLifetimeS: number;
  blacklist: TokenBlacklist;
  /** Epoch milliseconds. */
  now?: () => number;
}

const NO_USER_ID = 'Token contained no recognizable user identification';
const BLACKLISTED = 'Token is blacklisted';

type ToError = (message: string) => AuthenticationFailed;

/** Error shapes of Simple JWT's token views, where the TokenError text is the detail. */
const refreshError: ToError = (message) => new AuthenticationFailed(message, 'token_not_valid');

/** JWTAuthentication's shape: one entry per token class it tried (AUTH_TOKEN_CLASSES holds only AccessToken). */
const bearerError: ToError = (message) =>
  new AuthenticationFailed('Given token not valid for any token type', 'token_not_valid', {
    messages: [{ token_class: 'AccessToken', token_type: 'access', message }],
  });

export function createTokenService(options: TokenServiceOptions): TokenService {
  assertLifetime('accessLifetimeS', options.accessLifetimeS);
  assertLifetime('refreshLifetimeS', options.refreshLifetimeS);
  const codec = jwtCodec(options.secretKey);
  const { blacklist } = options;
  const nowS = (): number => Math.floor((options.now ?? Date.now)() / 1000);
  const verify = (token: string, type: TokenType, toError: ToError): VerifiedToken => verifyToken(codec, token, type, nowS(), toError);

  const spend = async (token: VerifiedToken): Promise<void> => {
    const remainingS = Math.max(1, token.exp - nowS());
    if (!(await blacklist.add(token.jti, remainingS))) throw refreshError(BLACKLISTED);
  };

  const issuePair = (userId: number): TokenPair => {
    const iat = nowS();
    return {
      access: codec.sign(claims('access', userId, iat, options.accessLifetimeS)),
      refresh: codec.sign(claims('refresh', userId, iat, options.refreshLifetimeS)),
    };
  };

  return {
    issuePair,
    verifyAccess: (token) => verify(token, 'access', bearerError),
    verifyRefresh: (token) => verify(token, 'refresh', refreshError),
    async refresh(refreshToken, { checkUser } = {}) {
      const token = verify(refreshToken, 'refresh', refreshError);
      if (await blacklist.has(token.jti)) throw refreshError(BLACKLISTED);
      await checkUser?.(token.userId);
      await spend(token);
      return issuePair(token.userId);
    },
    async blacklist(refreshToken) {
      await spend(verify(refreshToken, 'refresh', refreshError));
    },
  };
}

const claims = (type: TokenType, userId: number, iat: number, lifetimeS: number): TokenClaims => ({
  token_type: type,
  exp: iat + lifetimeS,
  iat,
  jti: newJti(),
  user_id: String(userId),
});

function verifyToken(codec: JwtCodec, token: string, type: TokenType, nowS: number, toError: ToError): VerifiedToken {
  let payload: Record<string, unknown>;
  try {
    payload = codec.decode(token, type, nowS);
  } catch (err) {
    if (err instanceof TokenError) throw toError(err.message);
    throw err;
  }
  const userId = userIdOf(payload.user_id);
  if (userId === undefined) throw new AuthenticationFailed(NO_USER_ID, 'token_not_valid');
  return {
    userId,
    jti: String(payload.jti),
    exp: Number(payload.exp),
    iat: typeof payload.iat === 'number' ? payload.iat : undefined,
  };
}

/** SJWT 5.5.1 writes "1"; older versions wrote 1. Both identify user 1. */
function userIdOf(claim: unknown): number | undefined {
  const id = typeof claim === 'string' && /^[0-9]{1,15}$/.test(claim) ? Number(claim) : claim;
  return typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

function assertLifetime(name: string, seconds: number): void {
  if (!Number.isSafeInteger(seconds) || seconds < 1) throw new RangeError(`${name} must be a positive whole number of seconds (got ${seconds})`);
}
