import { pbkdf2, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

const PREFIX = 'pbkdf2_sha256$';
/** Far above Django's 1,000,000 (5.2): a corrupt count must not pin a thread-pool worker for minutes. */
const MAX_ITERATIONS = 20_000_000;

/** Django's default hash, `pbkdf2_sha256$<iterations>$<salt>$<base64 hash>`, as kept by `import django`. */
export const isDjangoPbkdf2Hash = (storedHash: string): boolean => storedHash.startsWith(PREFIX);

/**
 * Django's PBKDF2PasswordHasher.verify: PBKDF2-HMAC-SHA256 over the UTF-8 password and salt,
 * 32 bytes, compared in constant time. Runs on libuv's thread pool, like native bcrypt.
 */
export async function verifyDjangoPbkdf2(password: string, storedHash: string): Promise<boolean> {
  const parts = storedHash.slice(PREFIX.length).split('$');
  if (parts.length !== 3) return false;
  const [iterationsText, salt, encoded] = parts as [string, string, string];
  const iterations = Number(iterationsText);
  if (!/^\d+$/.test(iterationsText) || iterations < 1 || iterations > MAX_ITERATIONS || salt === '') return false;
  const expected = Buffer.from(encoded, 'base64');
  if (expected.length !== 32) return false;
  const actual = await pbkdf2Async(Buffer.from(password, 'utf8'), Buffer.from(salt, 'utf8'), iterations, 32, 'sha256');
  return timingSafeEqual(actual, expected);
}
