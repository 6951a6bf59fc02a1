import type { Registry } from 'prom-client';

/** The text of every registry, after `refresh` updated what is computed at scrape time. */
export function scraper(registries: readonly Registry[], refresh: () => Promise<void>): () => Promise<string> {
  return async () => {
    await refresh();
    const texts = await Promise.all(registries.map((r) => r.metrics()));
    return texts.join('\n');
  };
}
