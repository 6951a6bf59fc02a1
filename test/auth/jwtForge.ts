import { createHmac } from 'node:crypto';

const segment = (part: object | string): string =>
  Buffer.from(typeof part === 'string' ? part : JSON.stringify(part)).toString('base64url');

/** A JWT built by hand, so tests can send what our code would never sign. `key: null` leaves the signature empty. */
export function forgeToken(header: object | string, payload: object | string, key: string | null, alg: 'sha256' | 'sha512' = 'sha256'): string {
  const signingInput = `${segment(header)}.${segment(payload)}`;
  const signature = key === null ? '' : createHmac(alg, key).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

/** The header and payload of a token as the exact JSON text that was signed. */
export function jsonSegments(token: string): { header: string; payload: string; signature: string } {
  const [header = '', payload = '', signature = ''] = token.split('.');
  const text = (s: string): string => Buffer.from(s, 'base64url').toString('utf8');
  return { header: text(header), payload: text(payload), signature };
}

export const HS256_HEADER = { alg: 'HS256', typ: 'JWT' };
