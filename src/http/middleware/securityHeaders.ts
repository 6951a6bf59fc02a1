import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { Middleware } from 'koa';

/**
 * Helmet's headers with a CSP that the Swagger UI at /api/docs/ lives within (its own scripts
 * and styles from this origin, inline styles, data: images). No upgrade-insecure-requests:
 * on plain-HTTP development servers it would send the docs' assets to an https:// that is not there.
 */
const HELMET_OPTIONS = {
  contentSecurityPolicy: {
    useDefaults: true,
    directives: {
      'default-src': ["'self'"],
      'style-src': ["'self'", "'unsafe-inline'"],
      'img-src': ["'self'", 'data:'],
      'upgrade-insecure-requests': null,
    },
  },
} as const;

/** Helmet's answer computed once: it depends on no request, so each response only copies it. */
function helmetHeaders(): [string, string][] {
  const headers = new Map<string, string>();
  const response = {
    setHeader: (name: string, value: unknown) => headers.set(name, String(value)),
    removeHeader: (name: string) => headers.delete(name),
  };
  helmet(HELMET_OPTIONS)({} as IncomingMessage, response as unknown as ServerResponse, () => undefined);
  return [...headers];
}

/**
 * What a JSON answer needs (OWASP's REST Security Cheat Sheet): no sniffing, no framing, HSTS,
 * no referrer, and the CSP. The rest of helmet's set (X-XSS-Protection, X-Download-Options,
 * X-DNS-Prefetch-Control, Origin-Agent-Cluster, cross-origin policies, …) governs how a browser
 * treats a *page*, so only the HTML pages get it; an API response carries five headers, not
 * twelve, which matters on the hot path (each costs a validated, lower-cased header entry).
 */
const API_HEADERS = new Set(['content-security-policy', 'strict-transport-security', 'x-content-type-options', 'x-frame-options', 'referrer-policy']);

/** The headers every JSON answer carries, as [name, value] pairs. */
export const apiSecurityHeaders = (): [string, string][] => helmetHeaders().filter(([name]) => API_HEADERS.has(name.toLowerCase()));

/** `pagePrefixes`: paths that serve HTML (the Swagger UI) and get helmet's whole set. */
export function securityHeaders({ pagePrefixes = ['/api/docs'] }: { pagePrefixes?: readonly string[] } = {}): Middleware {
  const pageHeaders = helmetHeaders();
  const apiHeaders = apiSecurityHeaders();
  const marker = 'X-Content-Type-Options';
  return async (ctx, next) => {
    const headers = pagePrefixes.some((prefix) => ctx.path.startsWith(prefix)) ? pageHeaders : apiHeaders;
    for (const [name, value] of headers) ctx.res.setHeader(name, value);
    await next();
    // The error handler clears a failed response's headers; an error deserves them too.
    if (!ctx.headerSent && !ctx.res.hasHeader(marker)) {
      for (const [name, value] of headers) ctx.res.setHeader(name, value);
    }
  };
}
