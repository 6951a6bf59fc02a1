/**
 * Errors that say "the database (or another server we talk to) cannot be reached right now"
 * rather than "this request is wrong": the connection was refused, reset or timed out, or
 * PostgreSQL is shutting down or starting up. A request failing this way gets a 503 (retry
 * later), not a 500; the process keeps running and its pools reconnect once the server is back.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
// SQLSTATE class 08 (connection exception) and 57P (admin/crash shutdown, cannot connect now).
const UNAVAILABLE_SQLSTATE = /^(08|57P0[123])/;
// pg and knex report a lost or unobtainable connection only in the message.
const LOST_CONNECTION = /Connection terminated|Client has encountered a connection error|Timeout acquiring a connection/i;

export function isConnectionFailure(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; typeof e === 'object' && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code: unknown = Reflect.get(e, 'code');
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
    if (e instanceof Error && (e.name === 'KnexTimeoutError' || LOST_CONNECTION.test(e.message))) return true;
  }
  return false;
}
