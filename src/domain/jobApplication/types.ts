import type { JobApplicationChanges, JobApplicationDecidingFields, JobApplicationFields, JobApplicationStatus } from './fields.js';

export * from './fields.js';

/** Every event and command names the application, its owner (the only user who may act on it) and when. */
interface Target {
  id: number;
  userId: number;
  at: string;
}

export type JobApplicationEvent =
  | { type: 'JobApplicationCreated'; data: Target & { fields: JobApplicationFields; isExample: boolean } }
  | { type: 'JobApplicationUpdated'; data: Target & { changes: JobApplicationChanges } }
  | { type: 'JobApplicationStatusChanged'; data: Target & { from: JobApplicationStatus; to: JobApplicationStatus } }
  | { type: 'JobApplicationSoftDeleted'; data: Target }
  | { type: 'JobApplicationRestored'; data: Target };

export type JobApplicationCommand =
  | { type: 'CreateJobApplication'; data: Target & { fields: JobApplicationFields; isExample: boolean } }
  | { type: 'UpdateJobApplication'; data: Target & { changes: JobApplicationChanges } }
  | { type: 'SoftDeleteJobApplication'; data: Target }
  | { type: 'RestoreJobApplication'; data: Target };

export type JobApplication =
  | { status: 'absent' }
  | { status: 'active' | 'deleted'; id: number; ownerId: number; fields: JobApplicationDecidingFields };

export const jobApplicationStream = (id: number): string => `jobApplication-${id}`;
