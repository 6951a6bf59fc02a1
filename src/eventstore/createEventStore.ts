import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { createEventStoreDbStore } from './eventStoreDb.js';
import type { EventStore } from './port.js';
import { PostgresEventStore } from './postgres/postgresEventStore.js';
import { versionedEventStore } from './versioning/versionedEventStore.js';

/**
 * EventStoreDB when EVENTSTORE_CONNECTION_STRING is set, otherwise the PostgreSQL `events`
 * table; either way with versioned events (every reader sees each event in its current shape).
 */
export async function createEventStore(config: Config['eventStore'], databaseUrl: string, logger: Logger): Promise<EventStore> {
  return versionedEventStore(await createAdapter(config, databaseUrl, logger));
}

async function createAdapter(config: Config['eventStore'], databaseUrl: string, logger: Logger): Promise<EventStore> {
  if (config.kind === 'eventstoredb') {
    logger.debug('Event store: EventStoreDB');
    return createEventStoreDbStore(config.connectionString, logger);
  }
  logger.debug('Event store: PostgreSQL (events table)');
  return PostgresEventStore.connect({ connectionString: databaseUrl, poolSize: 20, logger });
}
