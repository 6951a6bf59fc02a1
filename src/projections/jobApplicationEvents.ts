import type { Projection } from './projection.js';

/** Placeholder: replaced by the job_application_events timeline. */
export const jobApplicationEventsProjection: Projection = { name: 'job_application_events', tables: ['job_application_events'], handles: [], apply: async () => undefined };
