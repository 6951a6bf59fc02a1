import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Seconds; from a cached HIT (sub-millisecond) to an AI generation (minutes). */
const REQUEST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const AI_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];

/**
 * The application's metrics, in a registry of their own: one per running server, so tests
 * that start many servers in one process never meet "metric already registered".
 */
export function createMetrics() {
  const registry = new Registry();
  return {
    registry,
    httpRequestDuration: new Histogram({
      name: 'resumate_http_request_duration_seconds',
      help: 'Time from a request reaching the app to its response being ready; _count is the request count',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: REQUEST_BUCKETS,
      registers: [registry],
    }),
    eventStoreAppends: new Counter({
      name: 'resumate_eventstore_appends_total',
      help: 'Appends to the event store, by outcome (ok, wrong_expected_version, error)',
      labelNames: ['store', 'outcome'] as const,
      registers: [registry],
    }),
    eventStoreEventsAppended: new Counter({
      name: 'resumate_eventstore_events_appended_total',
      help: 'Events written by successful appends',
      labelNames: ['store'] as const,
      registers: [registry],
    }),
    cacheLookups: new Counter({
      name: 'resumate_cache_lookups_total',
      help: 'Cached list reads by outcome: hit (Redis), miss (database, then stored), bypass (Redis down)',
      labelNames: ['list', 'outcome'] as const,
      registers: [registry],
    }),
    aiCalls: new Counter({
      name: 'resumate_ai_calls_total',
      help: 'AI provider generations (a retry inside one call counts once), by outcome (ok, error)',
      labelNames: ['provider', 'outcome'] as const,
      registers: [registry],
    }),
    aiCallDuration: new Histogram({
      name: 'resumate_ai_call_duration_seconds',
      help: 'AI provider generation time, retries included',
      labelNames: ['provider', 'outcome'] as const,
      buckets: AI_BUCKETS,
      registers: [registry],
    }),
    projectionLagEvents: new Gauge({
      name: 'resumate_projection_lag_events',
      help: 'Events in the log a read model has not applied yet (absent on EventStoreDB, which cannot count them)',
      labelNames: ['read_model'] as const,
      registers: [registry],
    }),
    projectionLagSeconds: new Gauge({
      name: 'resumate_projection_lag_seconds',
      help: 'Age of the oldest event a read model has not applied yet; 0 when caught up',
      labelNames: ['read_model'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
