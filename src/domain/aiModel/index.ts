import type { Decider } from '../decider.js';
import { decide } from './decide.js';
import { evolve } from './evolve.js';
import type { AiModel, AiModelCommand, AiModelEvent } from './types.js';

export * from './types.js';

export const aiModelDecider: Decider<AiModelCommand, AiModelEvent, AiModel> = {
  initialState: () => ({ status: 'absent' }),
  evolve,
  decide,
};
