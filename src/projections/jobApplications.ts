import type { Projection } from './projection.js';

/** Placeholder: replaced by the job_applications read model. */
export const jobApplicationsProjection: Projection = { name: 'job_applications', tables: ['job_applications'], handles: [], apply: async () => undefined };
