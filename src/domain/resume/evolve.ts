import { textDigest } from '../textDigest.js';
import type { Resume, ResumeChanges, ResumeDecidingFields, ResumeEvent } from './types.js';

export function evolve(state: Resume, event: ResumeEvent): Resume {
  switch (event.type) {
    case 'ResumeCreated': {
      const { id, userId, title, content } = event.data;
      return { status: 'active', id, ownerId: userId, title, contentDigest: textDigest(content) };
    }
    case 'ResumeUpdated':
      return state.status === 'absent' ? state : { ...state, ...decidingChanges(event.data.changes) };
    case 'ResumeDeleted':
      return state.status === 'absent' ? state : { ...state, status: 'deleted' };
    default:
      return state;
  }
}

function decidingChanges({ title, content }: ResumeChanges): Partial<ResumeDecidingFields> {
  return { ...(title === undefined ? {} : { title }), ...(content === undefined ? {} : { contentDigest: textDigest(content) }) };
}
