import { createHash } from 'node:crypto';
import { userPrincipal } from '../domain/aiQuota/index.js';

/**
 * Whose quota: a signed-in user, or an anonymous client by a hash of its IP, so the address is
 * not written to the log as such (pseudonymous only: an IPv4 hash can be reversed by brute force).
 */
export function principalFor(user: { id: number } | null | undefined, clientIp: string): string {
  if (user) return userPrincipal(user.id);
  return `anon-${createHash('sha256').update(clientIp).digest('hex').slice(0, 16)}`;
}
