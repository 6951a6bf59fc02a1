import type { Knex } from 'knex';
import { userOfQuotaStream, type AiQuotaEvent } from '../domain/aiQuota/index.js';
import type { UserErasedEvent } from '../domain/user/index.js';
import type { Projection } from './projection.js';

/**
 * The UTC days on which each signed-in user generated, with slots reserved and given back: a
 * user's quota streams (one per day) are found from here instead of trying every day since the
 * account was made. The user is in the stream's name, not in the event; anonymous clients'
 * streams are not kept. Rows leave with an erased user.
 */
export const aiUsageByUserProjection: Projection<AiQuotaEvent | UserErasedEvent> = {
  name: 'ai_usage_by_user',
  tables: ['ai_usage_by_user'],
  handles: ['AiQuotaReserved', 'AiQuotaReleased', 'UserErased'],
  changesOf(event) {
    if (event.type === 'UserErased') return [{ kind: 'deleteWhere', table: 'ai_usage_by_user', column: 'user_id', value: event.data.id }];
    const userId = userOfQuotaStream(event.streamId);
    if (userId === undefined) return [];
    const counter = event.type === 'AiQuotaReserved' ? 'reserved' : 'released';
    return [{ kind: 'add', table: 'ai_usage_by_user', key: { user_id: userId, day: event.data.day }, add: { [counter]: 1 } }];
  },
};

/** Up to `limit` of the user's days with generations after `afterDay` (YYYY-MM-DD), oldest first. */
export async function usageDaysPage(db: Knex, userId: number, afterDay: string | undefined, limit: number): Promise<string[]> {
  const query = db('ai_usage_by_user').select(db.raw(`to_char(day, 'YYYY-MM-DD') AS day`)).where('user_id', userId).orderBy('day').limit(limit);
  if (afterDay !== undefined) query.where('day', '>', afterDay);
  return ((await query) as { day: string }[]).map((row) => row.day);
}
