import { WrongExpectedVersionError, type EventStore } from '../eventstore/port.js';
import type { Metrics } from './metrics.js';
import { overriding } from '../eventstore/overriding.js';

/**
 * The same store (adapter-specific extras such as `countAfter` included), counting appends
 * by outcome and the events they wrote.
 */
export function instrumentEventStore(store: EventStore, metrics: Metrics): EventStore {
  const ok = metrics.eventStoreAppends.labels({ store: store.name, outcome: 'ok' });
  const conflict = metrics.eventStoreAppends.labels({ store: store.name, outcome: 'wrong_expected_version' });
  const failed = metrics.eventStoreAppends.labels({ store: store.name, outcome: 'error' });
  const events = metrics.eventStoreEventsAppended.labels({ store: store.name });

  const append: EventStore['append'] = async (streamId, newEvents, options) => {
    try {
      const result = await store.append(streamId, newEvents, options);
      ok.inc();
      events.inc(newEvents.length);
      return result;
    } catch (err) {
      (err instanceof WrongExpectedVersionError ? conflict : failed).inc();
      throw err;
    }
  };
  return overriding(store, { append });
}
