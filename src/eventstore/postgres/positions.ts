import type { Position } from '../port.js';

/**
 * A PostgreSQL position is the pair (transaction id, global position), the order in which
 * readers deliver events. Both parts are zero-padded so the string sorts like the pair.
 */
export interface PgPosition {
  transactionId: string;
  globalPosition: string;
}

const WIDTH = 20;

export function encodePosition(transactionId: string, globalPosition: string | number): Position {
  return `${transactionId.padStart(WIDTH, '0')}:${String(globalPosition).padStart(WIDTH, '0')}`;
}

export function decodePosition(position: Position | undefined): PgPosition {
  if (!position) return { transactionId: '0', globalPosition: '0' };
  const match = /^(\d{1,20}):(\d{1,20})$/.exec(position);
  if (!match) throw new Error(`Not a PostgreSQL event store position: ${position}`);
  return { transactionId: BigInt(match[1]!).toString(), globalPosition: BigInt(match[2]!).toString() };
}
