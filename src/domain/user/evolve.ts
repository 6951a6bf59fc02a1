import type { User, UserEvent } from './types.js';

export function evolve(state: User, event: UserEvent): User {
  switch (event.type) {
    case 'UserRegistered': {
      const { id, username, email, passwordHash, isStaff } = event.data;
      return { status: 'active', id, username, email, passwordHash, isStaff };
    }
    case 'UserPasswordChanged':
      return state.status === 'absent' || state.status === 'erased' ? state : { ...state, passwordHash: event.data.passwordHash };
    case 'UserDeactivated':
      return state.status === 'absent' || state.status === 'erased' ? state : { ...state, status: 'inactive' };
    case 'UserErased':
      return { status: 'erased', id: event.data.id };
    default:
      return state;
  }
}
