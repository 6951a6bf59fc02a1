import type { Decider } from '../decider.js';
import { decide } from './decide.js';
import { evolve } from './evolve.js';
import type { JobApplication, JobApplicationCommand, JobApplicationEvent } from './types.js';

export * from './types.js';

export const jobApplicationDecider: Decider<JobApplicationCommand, JobApplicationEvent, JobApplication> = {
  initialState: () => ({ status: 'absent' }),
  evolve,
  decide,
};
