import OpenAI, { APIConnectionTimeoutError, APIError } from 'openai';
import type { Logger } from '../logger.js';
import { resolveApiKey, type Env } from './apiKey.js';
import { AiProviderError, type AiProvider } from './provider.js';
import { failureOf, malformed } from './sdkFailure.js';
import { withRetry } from './withRetry.js';

export const OPEN_ROUTER_DEFAULT_BASE_URL = 'https://openrouter.ai/api/v1';

export interface OpenRouterOptions {
  /** `OPENROUTER_BASE_URL`. */
  baseUrl: string;
  timeoutMs: number;
  retryDelayMs: number;
  env: Env;
  logger: Logger;
  /** OpenRouter's optional app attribution (`HTTP-Referer`, `X-Title`). */
  attribution?: { referer?: string; title?: string };
}

/** `open_router`: `POST {baseUrl}/chat/completions` through the openai SDK. */
export function createOpenRouterProvider(options: OpenRouterOptions): AiProvider {
  const defaultHeaders = attributionHeaders(options.attribution);
  return {
    async generate(request) {
      const apiKey = resolveApiKey(request, {
        name: 'open_router', defaultKeyName: 'OPENROUTER_API_KEY', env: options.env, logger: options.logger,
      });
      return withRetry(
        async (signal) => {
          // withRetry owns retries and the timeout; organization/project null keeps OPENAI_ORG_ID and
          // OPENAI_PROJECT_ID from the environment away from a third party.
          const client = new OpenAI({
            apiKey, baseURL: options.baseUrl, maxRetries: 0, defaultHeaders, organization: null, project: null,
          });
          const completion = await client.chat.completions
            .create(
              {
                model: request.modelName,
                messages: [
                  { role: 'system', content: request.prompt.system },
                  { role: 'user', content: request.prompt.user },
                ],
              },
              { signal },
            )
            .catch((err: unknown) => { throw toProviderError(err); });
          return answerText(completion);
        },
        { ...options, signal: request.signal, context: { provider: 'open_router', model: request.modelName } },
      );
    },
  };
}

function attributionHeaders(attribution: OpenRouterOptions['attribution']): Record<string, string> {
  const headers: Record<string, string> = {};
  if (attribution?.referer) headers['HTTP-Referer'] = attribution.referer;
  // X-OpenRouter-Title is the current name, X-Title the older one OpenRouter still reads.
  if (attribution?.title) headers['X-Title'] = headers['X-OpenRouter-Title'] = attribution.title;
  return headers;
}

function toProviderError(err: unknown): AiProviderError {
  if (err instanceof APIConnectionTimeoutError) return new AiProviderError('timeout', true);
  return failureOf(err instanceof APIError && typeof err.status === 'number' ? err.status : undefined, err);
}

/** The first choice's text; a body that is not a chat completion (e.g. plain text) is malformed. */
function answerText(completion: unknown): string {
  const choice: unknown = isRecord(completion) && Array.isArray(completion.choices) ? completion.choices[0] : undefined;
  if (!isRecord(choice)) throw malformed('no choice');
  const content: unknown = isRecord(choice.message) ? choice.message.content : undefined;
  if (typeof content !== 'string' || content.trim() === '') throw malformed('no text');
  return content;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
