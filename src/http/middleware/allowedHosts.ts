import type { Middleware } from 'koa';
import { AppError } from '../../domain/errors.js';

/** Django's 400 for a Host it does not serve; the header's value is not echoed back. */
export class DisallowedHost extends AppError {
  readonly code = 'invalid';
  constructor() {
    super('Invalid Host header.');
  }
}

/** Django's host_validation_re: a name or a bracketed IPv6 address, then an optional port. */
const HOST = /^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(:\d+)?$/;

/** The domain of a Host header, lower-cased, without port or trailing dot; '' when malformed. */
export function domainOf(host: string): string {
  const lower = host.toLowerCase();
  const match = HOST.exec(lower);
  if (!match) return '';
  const domain = match[1]!;
  return domain.endsWith('.') ? domain.slice(0, -1) : domain;
}

/** Django's validate_host: `*` is anything; `.example.com` is example.com and every subdomain. */
export function isAllowedHost(domain: string, patterns: readonly string[]): boolean {
  if (domain === '') return false;
  return patterns.some((pattern) => {
    if (pattern === '*') return true;
    if (pattern.startsWith('.')) return domain.endsWith(pattern) || domain === pattern.slice(1);
    return domain === pattern;
  });
}

/**
 * ALLOWED_HOSTS, enforced as Django does (port ignored, case-insensitive). `exemptPaths` are
 * the probes (/healthz, /readyz, /metrics): orchestrators and scrapers address an instance by
 * its IP, and those answers contain no URL a forged Host could poison.
 */
export function allowedHosts(patterns: readonly string[], exemptPaths: readonly string[] = []): Middleware {
  const allowed = hostChecker(patterns);
  if (!allowed) return (_ctx, next) => next();
  const exempt = new Set(exemptPaths);
  return (ctx, next) => {
    if (!allowed(ctx.host) && !exempt.has(ctx.path)) throw new DisallowedHost();
    return next();
  };
}

/** Whether a Host header is served; undefined when every host is (`*`). */
export function hostChecker(patterns: readonly string[]): ((host: string) => boolean) | undefined {
  const lowered = patterns.map((p) => p.toLowerCase());
  if (lowered.includes('*')) return undefined;
  const verdicts = new Map<string, boolean>();
  return (host) => {
    let allowed = verdicts.get(host);
    if (allowed === undefined) {
      allowed = isAllowedHost(domainOf(host), lowered);
      // Remember the few hosts a deployment sees; never let foreign ones grow the map.
      if (allowed && verdicts.size < 100) verdicts.set(host, allowed);
    }
    return allowed;
  };
}
