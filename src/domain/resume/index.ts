import type { Decider } from '../decider.js';
import { decide } from './decide.js';
import { evolve } from './evolve.js';
import type { Resume, ResumeCommand, ResumeEvent } from './types.js';

export * from './types.js';

export const resumeDecider: Decider<ResumeCommand, ResumeEvent, Resume> = {
  initialState: () => ({ status: 'absent' }),
  evolve,
  decide,
};
