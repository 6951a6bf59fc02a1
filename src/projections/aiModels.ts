import type { Projection } from './projection.js';

/** Placeholder: replaced by the ai_models read model. */
export const aiModelsProjection: Projection = { name: 'ai_models', tables: ['ai_models'], handles: [], apply: async () => undefined };
