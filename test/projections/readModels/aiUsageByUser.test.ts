import { aiQuotaStream, userPrincipal } from '../../../src/domain/aiQuota/index.js';
import { aiUsageByUserProjection } from '../../../src/projections/aiUsageByUser.js';
import { readModelSpec } from '../../support/readModelSpec.js';

const at = '2026-01-01T00:00:00.000Z';
const userStream = (userId: number, day: string) => aiQuotaStream(userPrincipal(userId), day);
const reserved = (streamId: string, day: string) => ({ type: 'AiQuotaReserved', data: { slot: 's', model: 'fast', day, at }, streamId }) as const;
const released = (streamId: string, day: string) => ({ type: 'AiQuotaReleased', data: { slot: 's', model: 'fast', day, reason: 'failed', at }, streamId }) as const;
const erased = (id: number) => ({ type: 'UserErased', data: { id, at } }) as const;

describe('read model: ai_usage_by_user', () => {
  const spec = readModelSpec(aiUsageByUserProjection);

  it('counts each signed-in user’s generations per UTC day, from the quota stream’s name; anonymous clients’ are not kept', () =>
    spec
      .given(reserved(userStream(7, '2026-01-01'), '2026-01-01'), reserved(userStream(7, '2026-01-01'), '2026-01-01'))
      .when(
        released(userStream(7, '2026-01-01'), '2026-01-01'),
        reserved(userStream(7, '2026-01-03'), '2026-01-03'),
        reserved(userStream(8, '2026-01-01'), '2026-01-01'),
        reserved(aiQuotaStream('anon-0123456789abcdef', '2026-01-01'), '2026-01-01'),
      )
      .then(
        'ai_usage_by_user',
        [
          { user_id: 7, day: '2026-01-01', reserved: 2, released: 1 },
          { user_id: 7, day: '2026-01-03', reserved: 1, released: 0 },
          { user_id: 8, day: '2026-01-01', reserved: 1, released: 0 },
        ],
        ['user_id', 'day'],
      ));

  it('an erased user’s days leave with them; another user’s stay', () =>
    spec
      .given(reserved(userStream(7, '2026-01-01'), '2026-01-01'), reserved(userStream(8, '2026-01-02'), '2026-01-02'))
      .when(erased(7))
      .then('ai_usage_by_user', [{ user_id: 8, day: '2026-01-02', reserved: 1, released: 0 }], ['user_id', 'day']));
});
