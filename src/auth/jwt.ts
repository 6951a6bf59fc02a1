import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

export type TokenType = 'access' | 'refresh';

/** The claims we sign, declared in Simple JWT's payload order: clients may compare tokens byte for byte. */
export interface TokenClaims {
  token_type: TokenType;
  exp: number;
  iat: number;
  jti: string;
  user_id: string;
}

/** Simple JWT's TokenError: the message is the user-facing text Simple JWT sends for it. */
export class TokenError extends Error {}

export interface JwtCodec {
  sign(claims: TokenClaims): string;
  /** Checks signature, algorithm, expiry (leeway 0), id and type as Simple JWT does, in its order; throws TokenError. */
  decode(token: string, type: TokenType, nowS: number): Record<string, unknown>;
}

/** uuid4().hex: 32 lowercase hex digits, no dashes. */
export const newJti = (): string => randomUUID().replaceAll('-', '');

export function jwtCodec(secretKey: string): JwtCodec {
  if (secretKey.length === 0) throw new Error('the token signing key must not be empty');
  // A KeyObject, not the string: given a string, jsonwebtoken first tries to parse it as a PEM public key on every call.
  const key = createSecretKey(Buffer.from(secretKey, 'utf8'));
  return {
    // The header comes out as {"alg":"HS256","typ":"JWT"}, the bytes PyJWT 2 emits.
    sign: (claims) => jwt.sign({ ...claims }, key, { algorithm: 'HS256' }),
    decode(token, type, nowS) {
      const payload = verifySignatureAndExpiry(token, key, nowS);
      if (typeof payload.exp !== 'number') throw new TokenError("Token has no 'exp' claim");
      if (!('jti' in payload)) throw new TokenError('Token has no id');
      if (!('token_type' in payload)) throw new TokenError('Token has no type');
      if (payload.token_type !== type) throw new TokenError('Token has wrong type');
      return payload;
    },
  };
}

function verifySignatureAndExpiry(token: string, key: KeyObject, nowS: number): Record<string, unknown> {
  let payload: unknown;
  try {
    payload = jwt.verify(token, key, { algorithms: ['HS256'], clockTimestamp: nowS });
  } catch (err) {
    throw new TokenError(err instanceof jwt.TokenExpiredError ? 'Token is expired' : 'Token is invalid');
  }
  // PyJWT also refuses a payload that is not a JSON object and, since 2.10, a non-string jti.
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new TokenError('Token is invalid');
  if ('jti' in payload && typeof payload.jti !== 'string') throw new TokenError('Token is invalid');
  return payload as Record<string, unknown>;
}
