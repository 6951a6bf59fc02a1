import type { IncomingMessage } from 'node:http';
import type Koa from 'koa';
import proxyaddr from 'proxy-addr';
import type { TrustProxy } from '../config.js';

/** What a request says about its client, believing forwarded headers only from trusted proxies. */
export interface ProxyTrust {
  /** The rightmost address of X-Forwarded-For that no trusted proxy wrote, else the socket's peer. */
  clientAddress(req: IncomingMessage): string;
  /** Django's SECURE_PROXY_SSL_HEADER: `https` only when a trusted peer's X-Forwarded-Proto says exactly that. */
  protocol(req: IncomingMessage): 'http' | 'https';
  /** X-Forwarded-Host's first value when the peer is a trusted proxy; otherwise the Host header. */
  host(req: IncomingMessage): string;
}

/**
 * proxy-addr's (and Express's `trust proxy`) semantics: `{ hops: n }` trusts the socket's peer
 * and the n−1 entries nearest it; `{ addresses }` trusts those addresses and CIDRs wherever
 * they stand. `{ hops: 0 }` trusts nothing: the socket's peer is the client.
 */
export function proxyTrust(setting: TrustProxy): ProxyTrust {
  const trusted = 'hops' in setting ? (_address: string, i: number) => i < setting.hops : proxyaddr.compile(setting.addresses);
  const peerTrusted = (req: IncomingMessage) => trusted(req.socket.remoteAddress ?? '', 0);
  return {
    clientAddress: (req) => proxyaddr(req, trusted) ?? '',
    protocol: (req) => (peerTrusted(req) && firstValue(req.headers['x-forwarded-proto']) === 'https' ? 'https' : 'http'),
    host: (req) => hostOf(firstValue((peerTrusted(req) && req.headers['x-forwarded-host']) || req.headers.host) ?? ''),
  };
}

/**
 * Makes Koa's `ctx.ip`, `ctx.protocol` (so `ctx.secure`) and `ctx.host` (so `ctx.hostname`)
 * answer by `trust`. Koa's own `app.proxy` would believe any peer, and the leftmost
 * X-Forwarded-For entry, which the client writes.
 */
export function applyProxyTrust(app: Koa, trust: ProxyTrust): void {
  app.proxy = false;
  const ip = Symbol('client address');
  type WithIp = Koa.Request & { [ip]?: string };
  Object.defineProperties(app.request, {
    ip: {
      get(this: WithIp) {
        return (this[ip] ??= trust.clientAddress(this.req));
      },
      set(this: WithIp, address: string) {
        this[ip] = address;
      },
    },
    protocol: {
      get(this: Koa.Request) {
        return trust.protocol(this.req);
      },
    },
    host: {
      get(this: Koa.Request) {
        return trust.host(this.req);
      },
    },
  });
}

const firstValue = (header: string | string[] | undefined): string | undefined => {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.split(',', 1)[0]!.trim();
};

/** Koa's rule: a host with userinfo (`user@host`, invalid per RFC 7230) keeps only the host part. */
function hostOf(value: string): string {
  if (!value.includes('@')) return value;
  return URL.canParse(`http://${value}`) ? new URL(`http://${value}`).host : '';
}
