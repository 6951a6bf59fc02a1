import type { Histogram } from 'prom-client';

type Child = ReturnType<Histogram<'method' | 'route' | 'status'>['labels']>;

/** Methods outside this set share one label, so a client cannot mint label values. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Observes request durations with one histogram child per (route, method, status), built on
 * first use and kept: the hot path does map lookups and one observe, and allocates no labels.
 */
export function requestDurationRecorder(histogram: Histogram<'method' | 'route' | 'status'>) {
  const byRoute = new Map<string, Map<string, Map<number, Child>>>();
  return (route: string, method: string, status: number, seconds: number): void => {
    let byMethod = byRoute.get(route);
    if (!byMethod) byRoute.set(route, (byMethod = new Map()));
    const knownMethod = KNOWN_METHODS.has(method) ? method : 'OTHER';
    let byStatus = byMethod.get(knownMethod);
    if (!byStatus) byMethod.set(knownMethod, (byStatus = new Map()));
    let child = byStatus.get(status);
    if (!child) byStatus.set(status, (child = histogram.labels({ method: knownMethod, route, status: String(status) })));
    child.observe(seconds);
  };
}

export type RecordRequestDuration = ReturnType<typeof requestDurationRecorder>;
