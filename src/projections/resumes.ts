import type { Projection } from './projection.js';

/** Placeholder: replaced by the resumes read model. */
export const resumesProjection: Projection = { name: 'resumes', tables: ['resumes'], handles: [], apply: async () => undefined };
