import { createHash } from 'node:crypto';
import bcryptNative from 'bcrypt';
import bcryptjs from 'bcryptjs';
import { isDjangoPbkdf2Hash, verifyDjangoPbkdf2 } from './djangoPbkdf2.js';

export interface PasswordHasher {
  readonly name: string;
  hash(password: string): Promise<string>;
  /**
   * Constant-work check: with no stored hash (unknown username) it still runs one full
   * bcrypt comparison against a dummy hash, so timing does not reveal which usernames exist.
   * Also accepts plain bcrypt `$2…` hashes (written before passwords were pre-hashed) and Django's
   * `pbkdf2_sha256$…` ones (users brought over by `import django`); an unusable `!…` hash never matches.
   */
  verify(password: string, storedHash: string | undefined): Promise<boolean>;
  /** True for a hash that is not this hasher's own (plain bcrypt, Django PBKDF2): replace it after a successful login. */
  needsRehash(storedHash: string): boolean;
}

export type BcryptImplementation = 'native' | 'bcryptjs';

interface Bcrypt {
  hash(password: string, rounds: number): Promise<string>;
  compare(password: string, hash: string): Promise<boolean>;
}

/**
 * `native` (the `bcrypt` addon) hashes on libuv's thread pool; `bcryptjs` runs on the event
 * loop. Both read and write the same $2a$/$2b$ hashes. bench/login shows why native is the default.
 */
const IMPLEMENTATIONS: Record<BcryptImplementation, Bcrypt> = {
  native: { hash: (p, r) => bcryptNative.hash(p, r), compare: (p, h) => bcryptNative.compare(p, h) },
  bcryptjs: { hash: (p, r) => bcryptjs.hash(p, r), compare: (p, h) => bcryptjs.compare(p, h) },
};

const BCRYPT_SHA256 = 'bcrypt_sha256$';

/**
 * bcrypt reads only the first 72 bytes of its input, so two long passwords sharing them would be
 * interchangeable. Django's BCryptSHA256PasswordHasher feeds bcrypt the hex SHA-256 of the
 * password (64 bytes) instead, and stores `bcrypt_sha256$<bcrypt hash>`; we write the same.
 */
const preHashed = (password: string): string => createHash('sha256').update(password, 'utf8').digest('hex');

export function bcryptHasher(implementation: BcryptImplementation = 'native', rounds = 12): PasswordHasher {
  const bcrypt = IMPLEMENTATIONS[implementation];
  let dummy: Promise<string> | undefined;
  return {
    name: `bcrypt_sha256 (${implementation}, cost ${rounds})`,
    hash: async (password) => `${BCRYPT_SHA256}${await bcrypt.hash(preHashed(password), rounds)}`,
    async verify(password, storedHash) {
      if (storedHash?.startsWith(`${BCRYPT_SHA256}$2`)) return bcrypt.compare(preHashed(password), storedHash.slice(BCRYPT_SHA256.length));
      if (storedHash?.startsWith('$2')) return bcrypt.compare(password, storedHash);
      if (storedHash !== undefined && isDjangoPbkdf2Hash(storedHash)) return verifyDjangoPbkdf2(password, storedHash);
      dummy ??= bcrypt.hash('resumate timing-equaliser', rounds);
      await bcrypt.compare(preHashed(password), await dummy);
      return false;
    },
    needsRehash: (storedHash) => !storedHash.startsWith(BCRYPT_SHA256),
  };
}
