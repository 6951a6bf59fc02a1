import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** AES-256-GCM: a 12-byte random nonce and a 16-byte tag travel with every ciphertext. */
const ALGORITHM = 'aes-256-gcm';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

export const newDataKey = (): Buffer => randomBytes(KEY_BYTES);

/** `nonce | tag | ciphertext`; `context` is authenticated (not secret), so a box cannot be moved to another subject. */
export function seal(key: Buffer, plaintext: Buffer, context: string): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, nonce);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, cipher.getAuthTag(), body]);
}

/** The plaintext of a `seal` box; throws when the key, the context or a byte is not the one sealed. */
export function open(key: Buffer, box: Buffer, context: string): Buffer {
  if (box.length < NONCE_BYTES + TAG_BYTES) throw new Error('sealed box too short');
  const decipher = createDecipheriv(ALGORITHM, key, box.subarray(0, NONCE_BYTES));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(box.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(box.subarray(NONCE_BYTES + TAG_BYTES)), decipher.final()]);
}

/** A data key wrapped by the key-encryption key, bound to its subject. */
export const wrapKey = (kek: Buffer, dataKey: Buffer, subject: string): Buffer => seal(kek, dataKey, `data-key:${subject}`);
export const unwrapKey = (kek: Buffer, wrapped: Buffer, subject: string): Buffer => open(kek, wrapped, `data-key:${subject}`);
