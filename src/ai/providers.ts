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
  /** API keys by the variable name each model gives (`config.aiApiKeys`: every `*_API_KEY` variable). */
  apiKeys: Env;
  logger: Logger;
  openRouterAttribution?: { referer?: string; title?: string };
  /** Told of every generation's provider, outcome and duration (metrics). */
  observe?: AiCallObserver;
}

export type AiCallObserver = (provider: ProviderName, outcome: 'ok' | 'error', seconds: number) => void;

export type AiProviders = Record<ProviderName, AiProvider>;

/** One provider per `ai_models.api_provider` value. */
export function createProviders(options: ProvidersOptions): AiProviders {
  const common = {
    timeoutMs: options.timeoutMs ?? 60_000,
    retryDelayMs: options.retryDelayMs ?? 250,
    env: options.apiKeys,
    logger: options.logger,
  };
  const observed = (name: ProviderName, provider: AiProvider) => (options.observe ? observedProvider(name, provider, options.observe) : provider);
  return {
    google_gemini: observed('google_gemini', createGeminiProvider({ ...common, baseUrl: options.geminiBaseUrl })),
    open_router: observed(
      'open_router',
      createOpenRouterProvider({
        ...common,
        baseUrl: options.openRouterBaseUrl ?? OPEN_ROUTER_DEFAULT_BASE_URL,
        attribution: options.openRouterAttribution ?? { title: 'ResuMate' },
      }),
    ),
    offline: observed('offline', offlineProvider),
  };
}

function observedProvider(name: ProviderName, provider: AiProvider, observe: AiCallObserver): AiProvider {
  return {
    async generate(request) {
      const started = performance.now();
      try {
        const text = await provider.generate(request);
        observe(name, 'ok', (performance.now() - started) / 1000);
        return text;
      } catch (err) {
        observe(name, 'error', (performance.now() - started) / 1000);
        throw err;
      }
    },
  };
}
