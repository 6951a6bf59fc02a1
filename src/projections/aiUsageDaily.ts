import type { Knex } from 'knex';
import type { AiQuotaEvent } from '../domain/aiQuota/index.js';
import type { Projection } from './projection.js';

/** Generations per model per UTC day, across all principals: slots reserved and slots given back. */
export const aiUsageDailyProjection: Projection<AiQuotaEvent> = {
  name: 'ai_usage_daily',
  tables: ['ai_usage_daily'],
  handles: ['AiQuotaReserved', 'AiQuotaReleased'],
  changesOf(event) {
    const { day, model } = event.data;
    return [{ kind: 'add', table: 'ai_usage_daily', key: { day, model }, add: { [event.type === 'AiQuotaReserved' ? 'reserved' : 'released']: 1 } }];
  },
};

export interface DailyUsage {
  day: string;
  model: string;
  reserved: number;
  released: number;
}

/** One UTC day's usage per model (display names lowercased), busiest first. */
export async function dailyUsage(db: Knex, day: string): Promise<DailyUsage[]> {
  return (await db('ai_usage_daily')
    .select(db.raw(`to_char(day, 'YYYY-MM-DD') AS day`), 'model', 'reserved', 'released')
    .where({ day })
    .orderBy([{ column: 'reserved', order: 'desc' }, { column: 'model' }])) as DailyUsage[];
}
