import pg from 'pg';
import { testDatabaseUrl } from './db.js';

/** Reads the head of this run's `events` table, to prove a request appended nothing. */
export interface EventLog {
  /** Rows in `events` and the highest global position (0 when empty). */
  head(): Promise<{ count: number; lastPosition: string }>;
  close(): Promise<void>;
}

export function openEventLog(): EventLog {
  const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 1 });
  return {
    async head() {
      const { rows } = await pool.query<{ count: string; last: string | null }>('SELECT count(*) AS count, max(global_position)::text AS last FROM events');
      return { count: Number(rows[0]!.count), lastPosition: rows[0]!.last ?? '0' };
    },
    close: () => pool.end(),
  };
}
