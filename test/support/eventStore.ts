import pino from 'pino';
import type { Config } from '../../src/config.js';
import { createKnex } from '../../src/db/knex.js';
import { createEventStore } from '../../src/eventstore/createEventStore.js';
import { overriding } from '../../src/eventstore/overriding.js';
import { Keyring } from '../../src/eventstore/shredding/index.js';
import type { EventStore } from '../../src/eventstore/port.js';
import { TEST_DATA_KEY_ENCRYPTION_KEY } from './dataKeys.js';

/**
 * The event store of this test run, chosen once, from TEST_EVENT_STORE: `postgres` (the
 * default, the `events` table of each test database) or `eventstoredb`, on the server named by
 * TEST_EVENTSTORE_CONNECTION_STRING. EVENTSTORE_CONNECTION_STRING itself is never read here:
 * a developer's own setting must not send one part of a run to another store.
 */
export type TestEventStoreKind = 'postgres' | 'eventstoredb';

export const testEventStoreKind: TestEventStoreKind = chooseStore(process.env.TEST_EVENT_STORE);
const esdbConnectionString = process.env.TEST_EVENTSTORE_CONNECTION_STRING ?? '';
if (testEventStoreKind === 'eventstoredb' && !esdbConnectionString) {
  throw new Error('TEST_EVENT_STORE=eventstoredb needs TEST_EVENTSTORE_CONNECTION_STRING (e.g. esdb://localhost:2113?tls=false)');
}

function chooseStore(value: string | undefined): TestEventStoreKind {
  if (value === undefined || value === '' || value === 'postgres') return 'postgres';
  if (value === 'eventstoredb') return 'eventstoredb';
  throw new Error(`TEST_EVENT_STORE must be postgres or eventstoredb, not ${JSON.stringify(value)}`);
}

/**
 * Streams are global on an EventStoreDB server, and ids come from each test database's own
 * sequences: every database gets the streams under its own name, so `resume-1` of one test
 * database is never read by another, nor by another run on the same server.
 */
function streamPrefixOf(databaseUrl: string): string {
  return `${decodeURIComponent(new URL(databaseUrl).pathname.slice(1))}:`;
}

/** The connection string of `databaseUrl`'s event store on this run: empty for PostgreSQL. */
function eventStoreConnectionString(databaseUrl: string): string {
  if (testEventStoreKind === 'postgres') return '';
  const separator = esdbConnectionString.includes('?') ? '&' : '?';
  return `${esdbConnectionString}${separator}streamPrefix=${encodeURIComponent(streamPrefixOf(databaseUrl))}`;
}

/**
 * The variable that puts a server, a child process or a CLI run on `databaseUrl` on this
 * run's store, always set (empty means the PostgreSQL `events` table), so that nothing
 * inherited chooses another.
 */
export function eventStoreEnv(databaseUrl: string): { EVENTSTORE_CONNECTION_STRING: string } {
  return { EVENTSTORE_CONNECTION_STRING: eventStoreConnectionString(databaseUrl) };
}

/**
 * The event store a test talks to directly, as a server on `databaseUrl` opens it: versions,
 * personal data sealed with the run's key (so it reads what the run's servers wrote, and they
 * read what it writes), and the run's store. Closing it closes its keyring too.
 */
export async function openTestEventStore(databaseUrl: string): Promise<EventStore> {
  const connectionString = eventStoreConnectionString(databaseUrl);
  const config: Config['eventStore'] = connectionString ? { kind: 'eventstoredb', connectionString } : { kind: 'postgres' };
  const db = createKnex(databaseUrl, { max: 2 });
  const keyring = await new Keyring(db, Buffer.from(TEST_DATA_KEY_ENCRYPTION_KEY, 'base64'), { connectionString: databaseUrl }).start();
  const store = await createEventStore(config, databaseUrl, pino({ level: 'silent' }), { keyring });
  const close = async () => {
    await store.close();
    await keyring.close();
    await db.destroy();
  };
  return overriding(store, { close });
}
