import type { Decider } from '../decider.js';
import { decide } from './decide.js';
import { evolve } from './evolve.js';
import type { User, UserCommand, UserEvent } from './types.js';

export * from './types.js';

export const userDecider: Decider<UserCommand, UserEvent, User> = {
  initialState: () => ({ status: 'absent' }),
  evolve,
  decide,
};
