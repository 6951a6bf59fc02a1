import { Conflict, NotFound, assertNever } from '../errors.js';
import { changedFields } from './fields.js';
import type { JobApplication, JobApplicationCommand, JobApplicationEvent } from './types.js';

export function decide(command: JobApplicationCommand, state: JobApplication): JobApplicationEvent[] {
  const { id, userId, at } = command.data;
  if (command.type === 'CreateJobApplication') {
    if (state.status !== 'absent') throw new Conflict('This job application id is already used.');
    return [{ type: 'JobApplicationCreated', data: command.data }];
  }
  // Someone else's application is as invisible as a missing one: no probing of ids.
  if (state.status === 'absent' || state.ownerId !== userId) throw new NotFound();
  switch (command.type) {
    case 'UpdateJobApplication': {
      if (state.status === 'deleted') throw new NotFound();
      const changes = changedFields(state.fields, command.data.changes);
      if (Object.keys(changes).length === 0) return [];
      const updated: JobApplicationEvent = { type: 'JobApplicationUpdated', data: { id, userId, changes, at } };
      if (changes.status === undefined) return [updated];
      return [updated, { type: 'JobApplicationStatusChanged', data: { id, userId, from: state.fields.status, to: changes.status, at } }];
    }
    case 'SoftDeleteJobApplication':
      if (state.status === 'deleted') throw new NotFound();
      return [{ type: 'JobApplicationSoftDeleted', data: { id, userId, at } }];
    case 'RestoreJobApplication':
      // Restoring an active application is a no-op, so a client may safely retry a restore.
      if (state.status === 'active') return [];
      return [{ type: 'JobApplicationRestored', data: { id, userId, at } }];
    default:
      return assertNever(command);
  }
}
