import type { Resume, ResumeEvent } from './types.js';

export function evolve(state: Resume, event: ResumeEvent): Resume {
  switch (event.type) {
    case 'ResumeCreated': {
      const { id, userId, title, content } = event.data;
      return { status: 'active', id, ownerId: userId, title, content };
    }
    case 'ResumeUpdated':
      return state.status === 'absent' ? state : { ...state, ...event.data.changes };
    case 'ResumeDeleted':
      return state.status === 'absent' ? state : { ...state, status: 'deleted' };
    default:
      return state;
  }
}
