import { aiUsageDailyProjection } from '../../../src/projections/aiUsageDaily.js';
import { readModelSpec } from '../../support/readModelSpec.js';

const at = '2026-01-01T00:00:00.000Z';
const reserved = (model: string, day: string) => ({ type: 'AiQuotaReserved', data: { slot: 's', model, day, at } }) as const;
const released = (model: string, day: string) => ({ type: 'AiQuotaReleased', data: { slot: 's', model, day, reason: 'failed', at } }) as const;

describe('read model: ai_usage_daily', () => {
  const spec = readModelSpec(aiUsageDailyProjection);

  it('counts slots reserved and given back per model and UTC day', () =>
    spec
      .given(reserved('fast', '2026-01-01'), reserved('fast', '2026-01-01'))
      .when(released('fast', '2026-01-01'), reserved('fast', '2026-01-02'), reserved('slow', '2026-01-01'))
      .then(
        'ai_usage_daily',
        [
          { day: '2026-01-01', model: 'fast', reserved: 2, released: 1 },
          { day: '2026-01-02', model: 'fast', reserved: 1, released: 0 },
          { day: '2026-01-01', model: 'slow', reserved: 1, released: 0 },
        ],
        ['model', 'day'],
      ));
});
