import { isIPv6 } from 'node:net';

/**
 * What an address limit counts: an IPv4 address, or an IPv6 /64. One subscriber or host
 * usually holds a whole /64, so counting single IPv6 addresses would give an attacker 2^64
 * fresh budgets.
 */
export function addressBucket(ip: string): string {
  if (!isIPv6(ip)) return ip;
  const address = ip.split('%')[0]!;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  const [head = '', tail] = address.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const known = [...groups(head), ...(tail === undefined ? [] : groups(tail))];
  // An embedded IPv4 tail (…:1.2.3.4) stands for two groups; only the first four matter here.
  const width = known.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const full = tail === undefined ? known : [...groups(head), ...Array<string>(8 - width).fill('0'), ...groups(tail)];
  return `${full.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}
