import type { Knex } from 'knex';
import { LRUCache } from 'lru-cache';
import { ChannelNotifier, type Logger } from '../../db/channelNotifier.js';
import { AuthenticationFailed } from '../../domain/errors.js';
import { newDataKey, unwrapKey, wrapKey } from './cipher.js';

/** Where a destruction is announced, so every process forgets its cached copy of the key. */
const DESTROYED_CHANNEL = 'data_key_destroyed';
/** Keys kept in memory: the hot path (a command, a projector batch, the rebuild) then costs one AES operation per event. */
const CACHED_KEYS = 50_000;

/** A write for a subject whose key is destroyed: the account was erased meanwhile. Simple JWT's answer for a token whose user is gone. */
export class SubjectErased extends AuthenticationFailed {
  constructor(readonly subject: string) {
    super('User not found', 'user_not_found');
  }
}

/** A key that the configured key-encryption key cannot unwrap: the setting changed, or the row was altered. */
export class KeyUnwrapFailed extends Error {
  constructor(subject: string, options: { cause: unknown }) {
    super(`The data key of ${subject} does not unwrap with DATA_KEY_ENCRYPTION_KEY: is it the key this database was written with?`, options);
    this.name = 'KeyUnwrapFailed';
  }
}

/** A subject's key; 'destroyed' once erased (for good); 'absent' while nothing was ever sealed for it. */
export type KeyState = Buffer | 'destroyed' | 'absent';

interface KeyRow {
  subject: string;
  wrapped_key: Buffer | null;
}

/**
 * The data keys of every subject, in PostgreSQL (`data_keys`), wrapped by the key-encryption
 * key. A cached entry is the key, or null for a destroyed one (which never comes back).
 */
export class Keyring {
  private readonly cache = new LRUCache<string, KeyState>({ max: CACHED_KEYS });
  private readonly notifier: ChannelNotifier | undefined;

  constructor(
    private readonly db: Knex,
    private readonly kek: Buffer,
    options: { connectionString?: string; logger?: Logger } = {},
  ) {
    if (options.connectionString) {
      this.notifier = new ChannelNotifier(options.connectionString, DESTROYED_CHANNEL, options.logger);
      this.notifier.onPayload((subject) => this.cache.set(subject, 'destroyed'));
    }
  }

  async start(): Promise<this> {
    await this.notifier?.start();
    return this;
  }

  async close(): Promise<void> {
    await this.notifier?.close();
  }

  /** The key to seal a new event with, made on first use; throws SubjectErased for an erased subject. */
  async sealingKey(subject: string): Promise<Buffer> {
    const cached = this.cache.get(subject);
    if (cached === 'destroyed') throw new SubjectErased(subject);
    if (cached instanceof Buffer) return cached;
    await this.db.raw('INSERT INTO data_keys (subject, wrapped_key) VALUES (?, ?) ON CONFLICT (subject) DO NOTHING', [
      subject,
      wrapKey(this.kek, newDataKey(), subject),
    ]);
    const key = (await this.load([subject])).get(subject);
    if (!(key instanceof Buffer)) throw new SubjectErased(subject);
    return key;
  }

  /** What is in memory for `subject`; undefined when nothing is. */
  cached(subject: string): KeyState | undefined {
    return this.cache.get(subject);
  }

  /** Loads the keys of `subjects` in one query, into memory and into the answer. */
  async load(subjects: readonly string[]): Promise<Map<string, KeyState>> {
    const found = new Map<string, KeyState>();
    if (subjects.length === 0) return found;
    const rows: KeyRow[] = await this.db('data_keys').select('subject', 'wrapped_key').whereIn('subject', subjects);
    for (const row of rows) found.set(row.subject, row.wrapped_key === null ? 'destroyed' : this.unwrap(row.subject, row.wrapped_key));
    for (const subject of subjects) if (!found.has(subject)) found.set(subject, 'absent');
    for (const [subject, state] of found) this.cache.set(subject, state);
    return found;
  }

  /** Forgets the subject's key for good (a tombstone stays, so none is made again) and tells every process. Idempotent. */
  async destroy(subject: string): Promise<void> {
    await this.db.transaction(async (trx) => {
      await trx.raw(
        `INSERT INTO data_keys AS k (subject, wrapped_key, destroyed_at) VALUES (?, NULL, now())
         ON CONFLICT (subject) DO UPDATE SET wrapped_key = NULL, destroyed_at = coalesce(k.destroyed_at, now())`,
        [subject],
      );
      await trx.raw('SELECT pg_notify(?, ?)', [DESTROYED_CHANNEL, subject]);
    });
    this.cache.set(subject, 'destroyed');
  }

  private unwrap(subject: string, wrapped: Buffer): Buffer {
    try {
      return unwrapKey(this.kek, wrapped, subject);
    } catch (err) {
      throw new KeyUnwrapFailed(subject, { cause: err });
    }
  }
}
