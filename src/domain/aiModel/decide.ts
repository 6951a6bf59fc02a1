import { NotFound, ValidationFailed, assertNever } from '../errors.js';
import {
  AI_MODEL_EXISTS,
  AI_MODEL_RENAME_REFUSED,
  BLANK_API_KEY_NAME,
  changedSettings,
  type AiModel,
  type AiModelCommand,
  type AiModelEvent,
  type AiModelSettings,
} from './types.js';

export function decide(command: AiModelCommand, state: AiModel): AiModelEvent[] {
  if (command.type === 'ConfigureAiModel') {
    if (state.status !== 'absent') throw new ValidationFailed({ display_name: [AI_MODEL_EXISTS] });
    assertUsable(command.data.settings);
    return [{ type: 'AiModelConfigured', data: command.data }];
  }
  if (state.status === 'absent') throw new NotFound();
  const { at } = command.data;
  switch (command.type) {
    case 'UpdateAiModel': {
      const changes = changedSettings(state.settings, command.data.changes);
      if (Object.keys(changes).length === 0) return [];
      const settings = { ...state.settings, ...changes };
      if (settings.display_name.toLowerCase() !== state.settings.display_name.toLowerCase()) {
        throw new ValidationFailed({ display_name: [AI_MODEL_RENAME_REFUSED] });
      }
      assertUsable(settings);
      return [{ type: 'AiModelUpdated', data: { displayName: settings.display_name, changes, at } }];
    }
    case 'DeactivateAiModel':
      if (!state.settings.is_active) return [];
      return [{ type: 'AiModelDeactivated', data: { displayName: state.settings.display_name, at } }];
    default:
      return assertNever(command);
  }
}

/** Every provider but the offline formatter needs a key. */
function assertUsable(settings: AiModelSettings): void {
  if (settings.api_provider !== 'offline' && settings.api_key_name === '') {
    throw new ValidationFailed({ api_key_name: [BLANK_API_KEY_NAME] });
  }
}
