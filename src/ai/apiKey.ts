import type { Logger } from '../logger.js';
import { AiProviderError, type GenerateRequest, type ProviderName } from './provider.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** The request's key, else the env var the model names, else the provider's default variable. */
export function resolveApiKey(
  request: GenerateRequest,
  provider: { name: ProviderName; defaultKeyName: string; env: Env; logger: Logger },
): string {
  if (request.apiKey) return request.apiKey;
  const keyName = request.apiKeyName || provider.defaultKeyName;
  const key = provider.env[keyName]?.trim();
  if (key) return key;
  provider.logger.error(
    { provider: provider.name, model: request.modelName, apiKeyName: keyName },
    `AI provider ${provider.name} has no API key: set the environment variable ${keyName}`,
  );
  throw new AiProviderError(`missing key ${keyName}`);
}
