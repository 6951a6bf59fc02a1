import { aiModelsProjection } from '../../../src/projections/aiModels.js';
import { readModelSpec } from '../../support/readModelSpec.js';

const at = (s: number) => `2026-01-01T00:00:0${s}.000Z`;
const stored = (s: number) => `2026-01-01T00:00:0${s}+00:00`;
const settings = (displayName: string) =>
  ({ display_name: displayName, description: 'd', response_time_info: 'fast', api_provider: 'offline', model_name: 'm', api_key_name: 'NONE', login_required: false, daily_limit: 5, is_active: true }) as const;

describe('read model: ai_models', () => {
  const spec = readModelSpec(aiModelsProjection);

  it('a configured model is inserted under its lowercased display name; configuring it again changes nothing', () =>
    spec
      .when({ type: 'AiModelConfigured', data: { settings: settings('Fast'), at: at(1) } }, { type: 'AiModelConfigured', data: { settings: { ...settings('FAST'), daily_limit: 9 }, at: at(2) } })
      .then('ai_models', [{ display_name: 'Fast', display_name_lower: 'fast', daily_limit: 5, is_active: true, created_at: stored(1), updated_at: stored(1) }], 'display_name_lower'));

  it('updates and deactivation find the model in any case', () =>
    spec
      .given({ type: 'AiModelConfigured', data: { settings: settings('Fast'), at: at(1) } })
      .when({ type: 'AiModelUpdated', data: { displayName: 'FAST', changes: { daily_limit: 7 }, at: at(2) } }, { type: 'AiModelDeactivated', data: { displayName: 'fast', at: at(3) } })
      .then('ai_models', [{ display_name_lower: 'fast', daily_limit: 7, is_active: false, updated_at: stored(3) }], 'display_name_lower'));
});
