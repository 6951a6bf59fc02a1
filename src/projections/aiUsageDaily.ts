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
  /** The model's display name as configured (the events keep it lowercased; a model never configured keeps that). */
  model: string;
  reserved: number;
  released: number;
}

/** One UTC day's usage per model, busiest first. */
export async function dailyUsage(db: Knex, day: string): Promise<DailyUsage[]> {
  return (await db('ai_usage_daily as u')
    .leftJoin('ai_models as m', 'm.display_name_lower', 'u.model')
    .select(db.raw(`to_char(u.day, 'YYYY-MM-DD') AS day`), db.raw('coalesce(m.display_name, u.model) AS model'), 'u.reserved', 'u.released')
    .where('u.day', day)
    .orderBy([{ column: 'u.reserved', order: 'desc' }, { column: 'u.model' }])) as DailyUsage[];
}
