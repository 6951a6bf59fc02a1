import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { limitAppendSize } from './appendSizeLimit.js';
import { createEventStoreDbStore } from './eventStoreDb.js';
import type { EventStore } from './port.js';
import { PostgresEventStore } from './postgres/postgresEventStore.js';
import { withShredding, type Keyring } from './shredding/index.js';
import { versionedEventStore } from './versioning/versionedEventStore.js';

export interface EventStoreLayers {
  /** Seals personal data at append and opens it at read (crypto-shredding). */
  keyring?: Keyring;
  /** Refuses an append larger than this, measured as stored (after sealing). */
  maxAppendBytes?: number;
  /** PostgreSQL connections for appends and reads (20 unless said). */
  poolSize?: number;
}

/**
 * EventStoreDB when EVENTSTORE_CONNECTION_STRING is set, otherwise the PostgreSQL `events`
 * table. Layered from the domain inwards: versions (readers see each event in its current
 * shape), then personal data sealed, then the size limit, then the adapter. Upcasters thus see
 * opened data, and the limit measures the bytes the store receives.
 */
export async function createEventStore(
  config: Config['eventStore'],
  databaseUrl: string,
  logger: Logger,
  { keyring, maxAppendBytes, poolSize = 20 }: EventStoreLayers = {},
): Promise<EventStore> {
  return layered(await createAdapter(config, databaseUrl, logger, poolSize), { keyring, maxAppendBytes });
}

/** The layers over an adapter, as createEventStore stacks them (a bench compares two stacks over one adapter). */
export function layered(adapter: EventStore, { keyring, maxAppendBytes }: Pick<EventStoreLayers, 'keyring' | 'maxAppendBytes'>): EventStore {
  let store = adapter;
  if (maxAppendBytes !== undefined) store = limitAppendSize(store, maxAppendBytes);
  if (keyring) store = withShredding(store, keyring);
  return versionedEventStore(store);
}

async function createAdapter(config: Config['eventStore'], databaseUrl: string, logger: Logger, poolSize: number): Promise<EventStore> {
  if (config.kind === 'eventstoredb') {
    logger.debug('Event store: EventStoreDB');
    return createEventStoreDbStore(config.connectionString, logger);
  }
  logger.debug('Event store: PostgreSQL (events table)');
  return PostgresEventStore.connect({ connectionString: databaseUrl, poolSize, logger });
}
