import bcryptNative from 'bcrypt';
import bcryptjs from 'bcryptjs';
import { isDjangoPbkdf2Hash, verifyDjangoPbkdf2 } from './djangoPbkdf2.js';

export interface PasswordHasher {
  readonly name: string;
  hash(password: string): Promise<string>;
  /**
   * Constant-work check: with no stored hash (unknown username) it still runs one full
   * bcrypt comparison against a dummy hash, so timing does not reveal which usernames exist.
   * Also accepts Django's `pbkdf2_sha256$…` hashes (users brought over by `import django`);
   * an unusable `!…` hash never matches.
   */
  verify(password: string, storedHash: string | undefined): Promise<boolean>;
  /** True for a hash that is not this hasher's own (a Django one): replace it after a successful login. */
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

export function bcryptHasher(implementation: BcryptImplementation = 'native', rounds = 12): PasswordHasher {
  const bcrypt = IMPLEMENTATIONS[implementation];
  let dummy: Promise<string> | undefined;
  return {
    name: `bcrypt (${implementation}, cost ${rounds})`,
    hash: (password) => bcrypt.hash(password, rounds),
    async verify(password, storedHash) {
      if (storedHash?.startsWith('$2')) return bcrypt.compare(password, storedHash);
      if (storedHash !== undefined && isDjangoPbkdf2Hash(storedHash)) return verifyDjangoPbkdf2(password, storedHash);
      dummy ??= bcrypt.hash('resumate timing-equaliser', rounds);
      await bcrypt.compare(password, await dummy);
      return false;
    },
    needsRehash: (storedHash) => isDjangoPbkdf2Hash(storedHash),
  };
}
