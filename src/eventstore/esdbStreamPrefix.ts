import type { EsdbClient } from './esdbClient.js';
import type { EsdbRecord } from './esdbMapping.js';

const PARAMETER = /([?&])streamPrefix=([^&]*)&?/;

/**
 * `streamPrefix=…` in the connection string is ours, not the client's: it is taken out before
 * the client parses the rest. Several deployments (or test databases) can then share one
 * EventStoreDB server, each with streams of its own, as PostgreSQL's `search_path` shares a server.
 */
export function splitStreamPrefix(connectionString: string): { connectionString: string; streamPrefix: string } {
  const match = PARAMETER.exec(connectionString);
  if (!match) return { connectionString, streamPrefix: '' };
  const rest = connectionString.slice(0, match.index) + (match[0].endsWith('&') ? match[1] : '') + connectionString.slice(match.index + match[0].length);
  return { connectionString: rest.replace(/[?&]$/, ''), streamPrefix: decodeURIComponent(match[2]!) };
}

/**
 * The client as seen by a store whose streams all start with `prefix`: stream names lose the
 * prefix on the way out, and another prefix's records pass as server bookkeeping (a `$` stream),
 * which the adapter already skips. Records stay in place, so a page of $all keeps its length
 * and its positions, and paging, head and counting work unchanged.
 */
export function withStreamPrefix(client: EsdbClient, prefix: string): EsdbClient {
  if (prefix === '') return client;
  const seen = (record: EsdbRecord): EsdbRecord =>
    record.streamId.startsWith(prefix)
      ? { ...record, streamId: record.streamId.slice(prefix.length) }
      : { ...record, streamId: `$${record.streamId}` };
  return {
    append: (streamId, events, expected) => client.append(prefix + streamId, events, expected),
    readStream: async (streamId, options) => (await client.readStream(prefix + streamId, options)).map(seen),
    readAll: async (options) => (await client.readAll(options)).map(seen),
    subscribeToAll(from, bufferSize) {
      const subscription = client.subscribeToAll(from, bufferSize);
      return {
        async *[Symbol.asyncIterator]() {
          for await (const record of subscription) yield seen(record);
        },
        unsubscribe: () => subscription.unsubscribe(),
      };
    },
    isTransient: (error) => client.isTransient(error),
    dispose: () => client.dispose(),
  };
}
