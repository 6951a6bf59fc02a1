import { anyProjection, type Projection } from './projection.js';
import { usersProjection } from './users.js';

/** Every read model, in the order they are started and listed. */
export const allProjections: readonly Projection[] = [anyProjection(usersProjection)];
