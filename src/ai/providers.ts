import type { Logger } from '../logger.js';
import type { Env } from './apiKey.js';
import { createGeminiProvider } from './gemini.js';
import { offlineProvider } from './offline.js';
import { createOpenRouterProvider, OPEN_ROUTER_DEFAULT_BASE_URL } from './openRouter.js';
import type { AiProvider, ProviderName } from './provider.js';

export interface ProvidersOptions {
  geminiBaseUrl?: string;
  openRouterBaseUrl?: string;
  /** Per attempt (`AI_TIMEOUT_MS`). */
  timeoutMs?: number;
  retryDelayMs?: number;
  /** Where API keys are looked up by the name each model gives (`process.env` in production). */
  env: Env;
  logger: Logger;
  openRouterAttribution?: { referer?: string; title?: string };
}

export type AiProviders = Record<ProviderName, AiProvider>;

/** One provider per `ai_models.api_provider` value. */
export function createProviders(options: ProvidersOptions): AiProviders {
  const common = {
    timeoutMs: options.timeoutMs ?? 60_000,
    retryDelayMs: options.retryDelayMs ?? 250,
    env: options.env,
    logger: options.logger,
  };
  return {
    google_gemini: createGeminiProvider({ ...common, baseUrl: options.geminiBaseUrl }),
    open_router: createOpenRouterProvider({
      ...common,
      baseUrl: options.openRouterBaseUrl ?? OPEN_ROUTER_DEFAULT_BASE_URL,
      attribution: options.openRouterAttribution ?? { title: 'ResuMate' },
    }),
    offline: offlineProvider,
  };
}
