import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const DEVICE_COOKIE = 'resumate_device';
/** How long a device stays known after its last successful login. */
export const DEVICE_COOKIE_LIFETIME_S = 180 * 86_400;

export interface DeviceCookies {
  /** A signed value naming (username, device); keeps `deviceId` when the device was already known. */
  issue(username: string, deviceId?: string): string;
  /** The device id when `value` is an unexpired cookie this server signed for `username`; otherwise undefined. */
  deviceOf(value: string | undefined, username: string): string | undefined;
}

interface Claims {
  u: string;
  d: string;
  exp: number;
}

/**
 * OWASP's "device cookies": after a successful login the client gets `base64url(claims).mac`,
 * an HMAC-SHA256 under a key derived from SECRET_KEY for this purpose only, so the cookie can
 * never pass as a JWT and a JWT never as a cookie.
 */
export function deviceCookies(secretKey: string, now: () => number = Date.now): DeviceCookies {
  const key = createHmac('sha256', secretKey).update('resumate device cookie v1').digest();
  const mac = (payload: string): Buffer => createHmac('sha256', key).update(payload).digest();
  const nowS = (): number => Math.floor(now() / 1000);

  return {
    issue(username, deviceId = randomBytes(16).toString('hex')) {
      const claims: Claims = { u: username, d: deviceId, exp: nowS() + DEVICE_COOKIE_LIFETIME_S };
      const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
      return `${payload}.${mac(payload).toString('base64url')}`;
    },
    deviceOf(value, username) {
      const [payload, signature, extra] = value?.split('.') ?? [];
      if (!payload || !signature || extra !== undefined) return undefined;
      const given = Buffer.from(signature, 'base64url');
      const expected = mac(payload);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      const claims = parseClaims(payload);
      return claims && claims.u === username && claims.exp > nowS() ? claims.d : undefined;
    },
  };
}

function parseClaims(payload: string): Claims | undefined {
  try {
    const value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<Claims> | null;
    if (typeof value?.u === 'string' && typeof value.d === 'string' && typeof value.exp === 'number') return value as Claims;
  } catch {
    // signed by us, so never reached unless SECRET_KEY leaked; treated as no cookie
  }
  return undefined;
}
