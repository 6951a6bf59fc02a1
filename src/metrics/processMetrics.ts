import { collectDefaultMetrics, Registry } from 'prom-client';

let registry: Registry | undefined;

/**
 * CPU, memory, event-loop lag, GC: facts about the process, so collected once per process
 * however many servers it runs (a second collector would add a second set of observers).
 */
export function processMetricsRegistry(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'resumate_' });
  }
  return registry;
}
