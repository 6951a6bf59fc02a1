import type { Server } from 'node:http';

/**
 * Node's own limits, derived from REQUEST_TIMEOUT_MS. `requestTimeout` and `headersTimeout`
 * bound only the *receiving* of a request (slow uploads, slowloris), never the time a handler
 * takes, so a long AI generation is not cut; `timeout` (socket inactivity) stays off because
 * the socket is silent while such a generation runs.
 */
export function applyServerTimeouts(server: Server, requestTimeoutMs: number): void {
  server.requestTimeout = requestTimeoutMs;
  server.headersTimeout = Math.min(requestTimeoutMs, 20_000);
  server.timeout = 0;
}

const IDLE_SWEEP_MS = 50;

/**
 * Stops accepting connections at once, lets requests in flight finish, and closes each
 * kept-alive connection as soon as it is idle. After `drainMs` the connections still open
 * are cut, so shutdown stays within its bound.
 */
export async function closeGracefully(server: Server, drainMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Requests that arrive on an open connection meanwhile are served, then end it.
  server.on('request', (_req, res) => res.setHeader('Connection', 'close'));
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  const cut = setTimeout(() => server.closeAllConnections(), drainMs);
  try {
    await closed;
  } finally {
    clearInterval(sweep);
    clearTimeout(cut);
  }
}
