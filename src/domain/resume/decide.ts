import { Conflict, NotFound, assertNever } from '../errors.js';
import { textDigest } from '../textDigest.js';
import type { Resume, ResumeChanges, ResumeCommand, ResumeDecidingFields, ResumeEvent } from './types.js';

export function decide(command: ResumeCommand, state: Resume): ResumeEvent[] {
  switch (command.type) {
    case 'CreateResume':
      if (state.status !== 'absent') throw new Conflict('This resume id is already taken.');
      return [{ type: 'ResumeCreated', data: command.data }];
    case 'UpdateResume': {
      const { id, userId, changes, at } = command.data;
      const resume = ownLiveResume(state, userId);
      const changed = changedFields(resume, changes);
      if (Object.keys(changed).length === 0) return [];
      return [{ type: 'ResumeUpdated', data: { id, userId, changes: changed, at } }];
    }
    case 'DeleteResume':
      ownLiveResume(state, command.data.userId);
      return [{ type: 'ResumeDeleted', data: command.data }];
    default:
      return assertNever(command);
  }
}

/** Another user's resume answers exactly like a missing one, so ids cannot be probed. */
function ownLiveResume(state: Resume, userId: number): ResumeDecidingFields {
  if (state.status !== 'active' || state.ownerId !== userId) throw new NotFound();
  return state;
}

function changedFields(current: ResumeDecidingFields, changes: ResumeChanges): ResumeChanges {
  const changed: ResumeChanges = {};
  if (changes.title !== undefined && changes.title !== current.title) changed.title = changes.title;
  if (changes.content !== undefined && textDigest(changes.content) !== current.contentDigest) changed.content = changes.content;
  return changed;
}
