import type { AiModel, AiModelEvent } from './types.js';

export function evolve(state: AiModel, event: AiModelEvent): AiModel {
  if (event.type === 'AiModelConfigured') return { status: 'configured', settings: event.data.settings };
  if (state.status === 'absent') return state;
  switch (event.type) {
    case 'AiModelUpdated':
      return { ...state, settings: { ...state.settings, ...event.data.changes } };
    case 'AiModelDeactivated':
      return { ...state, settings: { ...state.settings, is_active: false } };
    default:
      return state;
  }
}
