import type { Knex } from 'knex';
import type { Config } from '../../config.js';
import type { Logger } from '../../db/channelNotifier.js';
import type { EventStore } from '../port.js';
import { keyEncryptionKeyOf } from './keyEncryptionKey.js';
import { Keyring } from './keyring.js';
import { shreddingEventStore } from './shreddingEventStore.js';

export { ERASED, userSubject } from './personalFields.js';
export { Keyring, SubjectErased } from './keyring.js';

/** The keyring of the configured key-encryption key, listening for destructions made by other processes. */
export function openKeyring(config: Pick<Config, 'dataKeyEncryptionKey' | 'debug' | 'secretKey'>, db: Knex, connectionString: string, logger?: Logger): Promise<Keyring> {
  return new Keyring(db, keyEncryptionKeyOf(config), { connectionString, logger }).start();
}

/** `inner` with personal data sealed at append and opened at read; the keyring stays its opener's to close. */
export const withShredding = (inner: EventStore, keyring: Keyring): EventStore => shreddingEventStore(inner, keyring);
