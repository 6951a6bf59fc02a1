/** Per-endpoint counts, failures and latencies of a load run (what locust's statistics table shows). */
export interface EndpointStats {
  requests: number;
  failures: number;
  latencies: number[];
  firstFailures: string[];
}

export class Tally {
  readonly byEndpoint = new Map<string, EndpointStats>();

  record(name: string, ms: number, failure?: string): void {
    let stats = this.byEndpoint.get(name);
    if (!stats) this.byEndpoint.set(name, (stats = { requests: 0, failures: 0, latencies: [], firstFailures: [] }));
    stats.requests++;
    stats.latencies.push(ms);
    if (failure !== undefined) {
      stats.failures++;
      if (stats.firstFailures.length < 3) stats.firstFailures.push(failure);
    }
  }

  get failures(): number {
    return [...this.byEndpoint.values()].reduce((sum, s) => sum + s.failures, 0);
  }
}

/** The q-quantile (0..1) of `values`, nearest rank. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}
