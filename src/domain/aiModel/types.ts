import type { AiModelChanges, AiModelSettings } from './settings.js';

export * from './settings.js';

/** In `AiModelUpdated`, `displayName` is the name after the change and `changes` holds only what differs. */
export type AiModelEvent =
  | { type: 'AiModelConfigured'; data: { settings: AiModelSettings; at: string } }
  | { type: 'AiModelUpdated'; data: { displayName: string; changes: AiModelChanges; at: string } }
  | { type: 'AiModelDeactivated'; data: { displayName: string; at: string } };

export type AiModelCommand =
  | { type: 'ConfigureAiModel'; data: { settings: AiModelSettings; at: string } }
  | { type: 'UpdateAiModel'; data: { displayName: string; changes: AiModelChanges; at: string } }
  | { type: 'DeactivateAiModel'; data: { displayName: string; at: string } };

export type AiModel = { status: 'absent' } | { status: 'configured'; settings: AiModelSettings };

/** DRF's unique-field message, "<verbose name> with this <field> already exists.". */
export const AI_MODEL_EXISTS = 'ai model with this display name already exists.';
export const AI_MODEL_RENAME_REFUSED = 'The display name can only change case. Create a new model instead.';
export const BLANK_API_KEY_NAME = 'This field may not be blank.';

/** One stream per display name, case-insensitively: configuring into an existing stream is refused, so names stay unique. */
export const aiModelStream = (displayName: string): string => `aiModel-${displayName.toLowerCase()}`;
