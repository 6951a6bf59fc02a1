import { hkdfSync } from 'node:crypto';
import { ConfigError, type Config } from '../../config.js';
import { KEY_BYTES } from './cipher.js';

/**
 * The key that wraps every data key (DATA_KEY_ENCRYPTION_KEY, 32 bytes in base64). Required
 * unless DEBUG=True; in DEBUG without it, one is derived from SECRET_KEY (HKDF-SHA256), so a
 * development database stays readable across restarts. Never rely on that in production: whoever
 * knows SECRET_KEY would then hold every data key.
 */
export function keyEncryptionKeyOf(config: Pick<Config, 'dataKeyEncryptionKey' | 'debug' | 'secretKey'>): Buffer {
  const given = config.dataKeyEncryptionKey;
  if (given === undefined) {
    if (!config.debug) throw new ConfigError('DATA_KEY_ENCRYPTION_KEY', 'is required unless DEBUG=True (32 random bytes in base64: `openssl rand -base64 32`)');
    return Buffer.from(hkdfSync('sha256', config.secretKey, 'resumate', 'data-key-encryption-key', KEY_BYTES));
  }
  const key = Buffer.from(given, 'base64');
  if (key.length !== KEY_BYTES || key.toString('base64') !== given.replace(/\s/g, '')) {
    throw new ConfigError('DATA_KEY_ENCRYPTION_KEY', `must be ${KEY_BYTES} bytes in base64 (\`openssl rand -base64 32\`)`);
  }
  return key;
}
