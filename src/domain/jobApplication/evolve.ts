import { decidingFields } from './fields.js';
import type { JobApplication, JobApplicationEvent } from './types.js';

export function evolve(state: JobApplication, event: JobApplicationEvent): JobApplication {
  if (event.type === 'JobApplicationCreated') {
    const { id, userId, fields } = event.data;
    return { status: 'active', id, ownerId: userId, fields: decidingFields(fields) };
  }
  if (state.status === 'absent') return state;
  switch (event.type) {
    case 'JobApplicationUpdated':
      return { ...state, fields: { ...state.fields, ...decidingFields(event.data.changes) } };
    case 'JobApplicationStatusChanged':
      return { ...state, fields: { ...state.fields, status: event.data.to } };
    case 'JobApplicationSoftDeleted':
      return { ...state, status: 'deleted' };
    case 'JobApplicationRestored':
      return { ...state, status: 'active' };
    default:
      return state;
  }
}
