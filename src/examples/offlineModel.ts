import { newAiModelSettings } from '../domain/aiModel/index.js';

/** The model every deployment starts with, so the product works with no API keys. */
export const OFFLINE_MODEL = newAiModelSettings({
  display_name: 'ResuMate Offline',
  model_name: 'offline',
  api_provider: 'offline',
  daily_limit: 20,
  response_time_info: 'Instant',
  description: 'Builds a one-page markdown resume from your text, with placeholders for missing facts. Needs no AI provider.',
});
