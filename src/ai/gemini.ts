import { ApiError, GoogleGenAI, type GenerateContentResponse } from '@google/genai';
import type { Logger } from '../logger.js';
import { resolveApiKey, type Env } from './apiKey.js';
import { AiProviderError, type AiProvider } from './provider.js';
import { failureOf, malformed } from './sdkFailure.js';
import { withRetry } from './withRetry.js';

export interface GeminiOptions {
  /** `GEMINI_BASE_URL`; unset means the SDK's default (Google's endpoint). */
  baseUrl?: string;
  timeoutMs: number;
  retryDelayMs: number;
  env: Env;
  logger: Logger;
}

/** `google_gemini`: `POST {baseUrl}/v1beta/models/{model}:generateContent` through @google/genai. */
export function createGeminiProvider(options: GeminiOptions): AiProvider {
  return {
    async generate(request) {
      const apiKey = resolveApiKey(request, {
        name: 'google_gemini', defaultKeyName: 'GOOGLE_GEMINI_API_KEY', env: options.env, logger: options.logger,
      });
      return withRetry(
        async (signal) => {
          // `enterprise: false` and no `retryOptions`: the Gemini API only, and no retries but ours.
          const client = new GoogleGenAI({ apiKey, enterprise: false, httpOptions: { baseUrl: options.baseUrl } });
          const response = await client.models
            .generateContent({
              model: request.modelName,
              contents: request.prompt.user,
              config: { systemInstruction: request.prompt.system, abortSignal: signal },
            })
            .catch((err: unknown) => { throw toProviderError(err); });
          return answerText(response);
        },
        { ...options, signal: request.signal, context: { provider: 'google_gemini', model: request.modelName } },
      );
    },
  };
}

function toProviderError(err: unknown): AiProviderError {
  return failureOf(err instanceof ApiError ? err.status : undefined, err);
}

/** The first candidate's text, without the model's "thought" parts. */
function answerText(response: GenerateContentResponse): string {
  const candidate = response.candidates?.[0];
  if (!candidate) throw malformed('no candidate');
  const text = (candidate.content?.parts ?? [])
    .filter((part) => typeof part.text === 'string' && part.thought !== true)
    .map((part) => part.text)
    .join('');
  if (text.trim() === '') throw malformed(`no text (finish reason ${candidate.finishReason ?? 'none'})`);
  return text;
}
