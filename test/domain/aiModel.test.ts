import { expect } from 'chai';
import {
  AI_MODEL_EXISTS,
  AI_MODEL_RENAME_REFUSED,
  BLANK_API_KEY_NAME,
  aiModelDecider,
  aiModelStream,
  newAiModelSettings,
  type AiModelEvent,
  type AiModelSettings,
} from '../../src/domain/aiModel/index.js';
import { NotFound, ValidationFailed } from '../../src/domain/errors.js';
import { deciderSpec } from '../support/decider.js';

const at = '2026-11-24T10:00:00.000Z';
const later = '2026-11-24T11:00:00.000Z';
const buildSettings = (overrides: Partial<AiModelSettings> = {}): AiModelSettings =>
  newAiModelSettings({ display_name: 'Gemini Flash', model_name: 'gemini-2.5-flash', api_provider: 'google_gemini', api_key_name: 'GOOGLE_GEMINI_API_KEY', ...overrides });
const configured = (settings = buildSettings()): AiModelEvent => ({ type: 'AiModelConfigured', data: { settings, at } });
const fieldErrorsOf = (err: unknown) => (err as ValidationFailed).fieldErrors;

describe('AiModel', () => {
  const given = deciderSpec(aiModelDecider);

  describe('configuring', () => {
    it('records every setting', () =>
      given([]).when({ type: 'ConfigureAiModel', data: { settings: buildSettings(), at } }).then([configured()]));

    it('defaults every optional setting as the original model did', () =>
      expect(newAiModelSettings({ display_name: 'X', model_name: 'm', api_provider: 'offline' })).to.deep.equal({
        display_name: 'X',
        model_name: 'm',
        api_provider: 'offline',
        api_key_name: '',
        is_active: true,
        login_required: false,
        daily_limit: null,
        response_time_info: '',
        description: '',
      }));

    it('refuses a display name that exists, in any case, with DRF’s unique message', () => {
      const err = given([configured()])
        .when({ type: 'ConfigureAiModel', data: { settings: buildSettings({ display_name: 'GEMINI flash' }), at } })
        .thenThrows(ValidationFailed);
      expect(fieldErrorsOf(err)).to.deep.equal({ display_name: [AI_MODEL_EXISTS] });
      expect(AI_MODEL_EXISTS).to.equal('ai model with this display name already exists.');
    });

    it('needs an API key name for every provider but offline', () => {
      const err = given([]).when({ type: 'ConfigureAiModel', data: { settings: buildSettings({ api_key_name: '' }), at } }).thenThrows(ValidationFailed);
      expect(fieldErrorsOf(err)).to.deep.equal({ api_key_name: [BLANK_API_KEY_NAME] });
      const offline = buildSettings({ api_provider: 'offline', api_key_name: '' });
      given([]).when({ type: 'ConfigureAiModel', data: { settings: offline, at } }).then([configured(offline)]);
    });

    it('keys the stream by the display name, case-insensitively', () => {
      expect(aiModelStream('Gemini Flash')).to.equal('aiModel-gemini flash');
      expect(aiModelStream('GEMINI FLASH')).to.equal(aiModelStream('gemini flash'));
    });
  });

  describe('updating', () => {
    const update = (changes: Partial<AiModelSettings>) => ({ type: 'UpdateAiModel' as const, data: { displayName: 'gemini flash', changes, at: later } });

    it('records only the settings that changed', () =>
      given([configured()])
        .when(update({ daily_limit: 5, login_required: false, description: 'Fast' }))
        .then([{ type: 'AiModelUpdated', data: { displayName: 'Gemini Flash', changes: { daily_limit: 5, description: 'Fast' }, at: later } }]));

    it('records nothing when nothing changed', () => given([configured()]).when(update({ daily_limit: null, model_name: 'gemini-2.5-flash' })).then([]));

    it('applies earlier updates before comparing', () =>
      given([configured(), { type: 'AiModelUpdated', data: { displayName: 'Gemini Flash', changes: { daily_limit: 5 }, at } }])
        .when(update({ daily_limit: 5 }))
        .then([]));

    it('may change the case of the display name, and nothing more of it', () => {
      given([configured()])
        .when(update({ display_name: 'GEMINI Flash' }))
        .then([{ type: 'AiModelUpdated', data: { displayName: 'GEMINI Flash', changes: { display_name: 'GEMINI Flash' }, at: later } }]);
      const err = given([configured()]).when(update({ display_name: 'Gemini Pro' })).thenThrows(ValidationFailed);
      expect(fieldErrorsOf(err)).to.deep.equal({ display_name: [AI_MODEL_RENAME_REFUSED] });
    });

    it('refuses to blank the key name of a provider that needs one, but not when switching to offline', () => {
      expect(fieldErrorsOf(given([configured()]).when(update({ api_key_name: '' })).thenThrows(ValidationFailed))).to.deep.equal({
        api_key_name: [BLANK_API_KEY_NAME],
      });
      given([configured()])
        .when(update({ api_provider: 'offline', api_key_name: '' }))
        .then([{ type: 'AiModelUpdated', data: { displayName: 'Gemini Flash', changes: { api_provider: 'offline', api_key_name: '' }, at: later } }]);
    });

    it('reactivates a deactivated model', () =>
      given([configured(), { type: 'AiModelDeactivated', data: { displayName: 'Gemini Flash', at } }])
        .when(update({ is_active: true }))
        .then([{ type: 'AiModelUpdated', data: { displayName: 'Gemini Flash', changes: { is_active: true }, at: later } }]));

    it('cannot update a model that does not exist', () => given([]).when(update({ daily_limit: 1 })).thenThrows(NotFound));
  });

  describe('deactivating', () => {
    const deactivate = { type: 'DeactivateAiModel' as const, data: { displayName: 'GEMINI FLASH', at: later } };
    const deactivated: AiModelEvent = { type: 'AiModelDeactivated', data: { displayName: 'Gemini Flash', at: later } };

    it('deactivates once, then is idempotent', () => {
      given([configured()]).when(deactivate).then([deactivated]);
      given([configured(), deactivated]).when(deactivate).then([]);
    });
    it('cannot deactivate a model that does not exist', () => given([]).when(deactivate).thenThrows(NotFound));
  });
});
