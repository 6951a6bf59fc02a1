import type { Projection } from './projection.js';

/** Every read model, in the order they are started and listed. */
export const allProjections: readonly Projection[] = [];
