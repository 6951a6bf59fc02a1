import { Conflict, NotFound, assertNever } from '../errors.js';
import type { User, UserCommand, UserEvent } from './types.js';

export function decide(command: UserCommand, state: User): UserEvent[] {
  switch (command.type) {
    case 'RegisterUser':
      if (state.status !== 'absent') throw new Conflict('This user id is already registered.');
      return [{ type: 'UserRegistered', data: command.data }];
    case 'ChangePassword':
      if (state.status === 'absent' || state.status === 'erased') throw new NotFound();
      if (state.passwordHash === command.data.passwordHash) return [];
      return [{ type: 'UserPasswordChanged', data: command.data }];
    case 'DeactivateUser':
      if (state.status === 'absent' || state.status === 'erased') throw new NotFound();
      if (state.status === 'inactive') return [];
      return [{ type: 'UserDeactivated', data: command.data }];
    case 'EraseUser': {
      if (state.status === 'absent') throw new NotFound();
      if (state.status === 'erased' && !command.data.sweep) return [];
      const { id, at } = command.data;
      return [{ type: 'UserErased', data: { id, at } }];
    }
    default:
      return assertNever(command);
  }
}
