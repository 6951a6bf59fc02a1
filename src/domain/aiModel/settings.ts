export const AI_PROVIDERS = ['google_gemini', 'open_router', 'offline'] as const;
export type AiProvider = (typeof AI_PROVIDERS)[number];

/** An AI model's settings, named as in the API (and as the `ai_models` columns), so events read like the API. */
export interface AiModelSettings {
  display_name: string;
  model_name: string;
  api_provider: AiProvider;
  /** Name of the environment variable that holds the provider's key; blank only for `offline`. */
  api_key_name: string;
  is_active: boolean;
  login_required: boolean;
  /** Generations per principal per UTC day; null or 0 means unlimited. */
  daily_limit: number | null;
  response_time_info: string;
  description: string;
}

export type AiModelChanges = Partial<AiModelSettings>;

export const AI_MODEL_SETTINGS: readonly (keyof AiModelSettings)[] = [
  'display_name',
  'model_name',
  'api_provider',
  'api_key_name',
  'is_active',
  'login_required',
  'daily_limit',
  'response_time_info',
  'description',
];

/** The original model's defaults for every setting but the three required ones. */
export function newAiModelSettings(
  given: Pick<AiModelSettings, 'display_name' | 'model_name' | 'api_provider'> & AiModelChanges,
): AiModelSettings {
  return { api_key_name: '', is_active: true, login_required: false, daily_limit: null, response_time_info: '', description: '', ...given };
}

/** The entries of `changes` that differ from `current`. */
export function changedSettings(current: AiModelSettings, changes: AiModelChanges): AiModelChanges {
  const changed: Record<string, unknown> = {};
  for (const key of AI_MODEL_SETTINGS) {
    const value = changes[key];
    if (value !== undefined && value !== current[key]) changed[key] = value;
  }
  return changed as AiModelChanges;
}
