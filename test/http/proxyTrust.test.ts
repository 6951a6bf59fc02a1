import type { IncomingMessage } from 'node:http';
import { expect } from 'chai';
import { proxyTrust } from '../../src/http/proxyTrust.js';

/** A request as the socket delivered it: its peer and its headers. */
const request = (peer: string, headers: Record<string, string> = {}) => ({ socket: { remoteAddress: peer }, headers }) as unknown as IncomingMessage;

describe('proxyTrust (TRUST_PROXY)', () => {
  const forwarded = (xff: string, extra: Record<string, string> = {}) => ({ 'x-forwarded-for': xff, ...extra });

  it('trusts nothing with 0 hops: the peer is the client, whatever the headers say', () => {
    const trust = proxyTrust({ hops: 0 });
    const req = request('192.0.2.1', forwarded('203.0.113.1', { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example', host: 'api.example' }));
    expect(trust.clientAddress(req)).to.equal('192.0.2.1');
    expect(trust.protocol(req)).to.equal('http');
    expect(trust.host(req)).to.equal('api.example');
  });

  it('with n hops, takes the entry n from the right: what the nearest proxies appended', () => {
    const chain = forwarded('1.1.1.1, 2.2.2.2, 3.3.3.3');
    expect(proxyTrust({ hops: 1 }).clientAddress(request('10.0.0.1', chain))).to.equal('3.3.3.3');
    expect(proxyTrust({ hops: 2 }).clientAddress(request('10.0.0.1', chain))).to.equal('2.2.2.2');
    // More hops than entries: the leftmost is all there is.
    expect(proxyTrust({ hops: 9 }).clientAddress(request('10.0.0.1', chain))).to.equal('1.1.1.1');
    expect(proxyTrust({ hops: 1 }).clientAddress(request('10.0.0.1'))).to.equal('10.0.0.1');
  });

  it('with addresses, skips every trusted entry from the right, IPv4-mapped peers included', () => {
    const trust = proxyTrust({ addresses: ['127.0.0.1', '10.0.0.0/8', '2001:db8::/32'] });
    expect(trust.clientAddress(request('::ffff:127.0.0.1', forwarded('9.9.9.9, 198.51.100.1, 10.2.3.4')))).to.equal('198.51.100.1');
    expect(trust.clientAddress(request('2001:db8::5', forwarded('9.9.9.9, 2001:db9::1')))).to.equal('2001:db9::1');
    // A peer that is not a proxy is the client, and its X-Forwarded-For is the client's own writing.
    expect(trust.clientAddress(request('198.51.100.9', forwarded('10.0.0.1')))).to.equal('198.51.100.9');
  });

  it('reads the scheme as Django’s SECURE_PROXY_SSL_HEADER: only an exact "https" from a trusted peer', () => {
    const trust = proxyTrust({ addresses: ['10.0.0.0/8'] });
    const proto = (peer: string, value: string) => trust.protocol(request(peer, { 'x-forwarded-proto': value }));
    expect(proto('10.0.0.1', 'https')).to.equal('https');
    expect(proto('10.0.0.1', ' https , http')).to.equal('https');
    for (const value of ['HTTPS', 'http', 'javascript', 'https:', '', 'ftp, https']) expect(proto('10.0.0.1', value), value).to.equal('http');
    expect(proto('198.51.100.9', 'https')).to.equal('http');
  });

  it('reads X-Forwarded-Host only from a trusted peer, and never keeps userinfo', () => {
    const trust = proxyTrust({ hops: 1 });
    expect(trust.host(request('10.0.0.1', { host: 'internal:8000', 'x-forwarded-host': 'api.example, other.example' }))).to.equal('api.example');
    expect(trust.host(request('10.0.0.1', { host: 'internal:8000' }))).to.equal('internal:8000');
    expect(trust.host(request('10.0.0.1', { host: 'user@api.example' }))).to.equal('api.example');
    expect(proxyTrust({ hops: 0 }).host(request('10.0.0.1', { host: 'internal', 'x-forwarded-host': 'api.example' }))).to.equal('internal');
  });
});
