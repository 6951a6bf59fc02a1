import autocannon from 'autocannon';

export interface LoadResult {
  requestsPerS: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** Closed-loop load from `connections` keep-alive connections for `durationS` seconds (autocannon). */
export async function load(options: {
  url: string;
  connections: number;
  durationS: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  requests?: autocannon.Request[];
}): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationS,
    method: options.method ?? 'GET',
    headers: options.headers,
    body: options.body,
    requests: options.requests,
  });
  return {
    requestsPerS: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/**
 * Alternates `ceiling` and `subject` for `rounds` rounds, so both see the same machine state,
 * and keeps the round with the median ratio (two cores are shared with the load generator, so
 * single runs are noisy). Each goes first in turn: neither always runs right after the other
 * and inherits its checkpoint or autovacuum.
 */
export async function alternate(rounds: number, ceiling: () => Promise<LoadResult>, subject: () => Promise<LoadResult>): Promise<{ ceiling: LoadResult; subject: LoadResult }> {
  const runs: { ceiling: LoadResult; subject: LoadResult; ratio: number }[] = [];
  for (let i = 0; i < rounds; i++) {
    let c: LoadResult;
    let s: LoadResult;
    if (i % 2 === 0) {
      c = await ceiling();
      s = await subject();
    } else {
      s = await subject();
      c = await ceiling();
    }
    runs.push({ ceiling: c, subject: s, ratio: s.requestsPerS / c.requestsPerS });
  }
  runs.sort((a, b) => a.ratio - b.ratio);
  return runs[Math.floor(runs.length / 2)]!;
}
