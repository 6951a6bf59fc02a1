import type { Logger } from '../logger.js';
import { AiProviderError, type GenerateRequest, type ProviderName } from './provider.js';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * A model may read its key only from a variable named like one (`GOOGLE_GEMINI_API_KEY`):
 * staff must not be able to send `SECRET_KEY` or `DATABASE_URL` to a provider as a "key".
 */
export const API_KEY_NAME_PATTERN = '^(?:[A-Z][A-Z0-9_]*_API_KEY)?$'; // blank: the offline provider's
export const API_KEY_NAME_MESSAGE = 'Enter the name of an environment variable ending in _API_KEY, e.g. GOOGLE_GEMINI_API_KEY.';
const API_KEY_NAME = new RegExp(API_KEY_NAME_PATTERN);

/** The request's key, else the env var the model names, else the provider's default variable. */
export function resolveApiKey(
  request: GenerateRequest,
  provider: { name: ProviderName; defaultKeyName: string; env: Env; logger: Logger },
): string {
  if (request.apiKey) return request.apiKey;
  const keyName = request.apiKeyName || provider.defaultKeyName;
  if (!API_KEY_NAME.test(keyName)) {
    provider.logger.error({ provider: provider.name, model: request.modelName }, `AI model ${request.modelName} names a key variable that does not end in _API_KEY; refusing to read it`);
    throw new AiProviderError('key variable not allowed');
  }
  const key = provider.env[keyName]?.trim();
  if (key) return key;
  provider.logger.error(
    { provider: provider.name, model: request.modelName, apiKeyName: keyName },
    `AI provider ${provider.name} has no API key: set the environment variable ${keyName}`,
  );
  throw new AiProviderError(`missing key ${keyName}`);
}
