import type { Projection } from './projection.js';

/** Placeholder: replaced by the ai_usage_daily read model. */
export const aiUsageDailyProjection: Projection = { name: 'ai_usage_daily', tables: ['ai_usage_daily'], handles: [], apply: async () => undefined };
