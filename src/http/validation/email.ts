import { isIP } from 'node:net';

/**
 * Django 5.2's `EmailValidator`, regex for regex. Since 5.1 the domain part is matched with
 * `DomainNameValidator`'s Unicode-aware patterns (U+00A1–U+FFFF count as letters), so IDN
 * domains pass as typed and there is no punycode fallback any more; the local part stays ASCII.
 */

// Python's IGNORECASE also folds ı (U+0131) and İ (U+0130) into A-Z; JavaScript's /iu only folds ſ and K.
const FOLDED = '\\u0130\\u0131';
const ATOM = `[-!#$%&'*+/=?^_\`{}|~0-9A-Z${FOLDED}]+`;
const QUOTED_CHAR = `[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f!#-\\[\\]-\\x7f${FOLDED}]`;
const QUOTED_PAIR = `\\\\[\\x01-\\x09\\x0b\\x0c\\x0e-\\x7f${FOLDED}]`;
const USER = new RegExp(`^${ATOM}(?:\\.${ATOM})*$|^"(?:${QUOTED_CHAR}|${QUOTED_PAIR})*"$`, 'iu');

const LETTER = 'a-z\\u00a1-\\uffff';
const HOSTNAME = `[${LETTER}0-9](?:[${LETTER}0-9-]{0,61}[${LETTER}0-9])?`;
const LABELS = `(?:\\.(?!-)[${LETTER}0-9-]{1,63}(?<!-))*`;
// No trailing dot: Django uses `tld_no_fqdn_re` for addresses.
const TLD = `\\.(?!-)(?:[${LETTER}-]{2,63}|xn--[a-z0-9]{1,59})(?<!-)`;
const DOMAIN = new RegExp(`^${HOSTNAME}${LABELS}${TLD}$`, 'iu');

const LITERAL = /^\[([A-F0-9:.]+)\]$/i;
const ALLOWED_DOMAINS = new Set(['localhost']);

const MAX_LENGTH = 320; // RFC 3696 §3, counted in code points
const MAX_IPV6_LENGTH = 39; // Django refuses longer IPv6 text before parsing it

export function isDjangoEmail(value: string): boolean {
  if (!value.includes('@') || [...value].length > MAX_LENGTH) return false;
  const at = value.lastIndexOf('@');
  const user = value.slice(0, at);
  const domain = value.slice(at + 1);
  return USER.test(user) && (ALLOWED_DOMAINS.has(domain) || isDomainPart(domain));
}

function isDomainPart(domain: string): boolean {
  if (DOMAIN.test(domain)) return true;
  const address = LITERAL.exec(domain)?.[1];
  return address !== undefined && isIpAddress(address);
}

function isIpAddress(address: string): boolean {
  const version = isIP(address);
  return version === 4 || (version === 6 && address.length <= MAX_IPV6_LENGTH);
}
