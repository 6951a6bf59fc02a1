import { ServiceUnavailable } from '../domain/errors.js';
import type { BuiltPrompt } from './prompt.js';

export type { BuiltPrompt } from './prompt.js';

export type ProviderName = 'google_gemini' | 'open_router' | 'offline';

export interface GenerateRequest {
  /** The provider's model id (`ai_models.model_name`), e.g. `gemini-2.0-flash`. */
  modelName: string;
  prompt: BuiltPrompt;
  /** The key itself; when absent it is read from the env var `apiKeyName` (or the provider's default). */
  apiKey?: string;
  /** The env var holding the key (`ai_models.api_key_name`); empty means the provider's default. */
  apiKeyName?: string;
  /** Cancels the call (e.g. the client went away); no retry follows. */
  signal?: AbortSignal;
}

export interface AiProvider {
  /** The generated resume as markdown. Any failure is an `AiProviderError`. */
  generate(request: GenerateRequest): Promise<string>;
}

export const AI_SERVICE_ERROR = 'An error occurred while communicating with the AI service.';

/**
 * Any provider failure. It is a `ServiceUnavailable`, so it leaves the API as a 503 with the
 * one client message; `reason` is short and free of secrets and user text, for logs only.
 */
export class AiProviderError extends ServiceUnavailable {
  constructor(
    readonly reason: string,
    /** A 5xx or a timeout: worth exactly one more attempt. */
    readonly retryable = false,
  ) {
    super(AI_SERVICE_ERROR);
  }
}
