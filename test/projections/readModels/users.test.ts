import { usersProjection } from '../../../src/projections/users.js';
import { readModelSpec } from '../../support/readModelSpec.js';

const at = (s: number) => `2026-01-01T00:00:0${s}.000Z`;
const stored = (s: number) => `2026-01-01T00:00:0${s}+00:00`;
const registered = (id: number, username: string, s = 1) =>
  ({ type: 'UserRegistered', data: { id, username, email: `${username}@example.com`, passwordHash: 'h0', isStaff: false, at: at(s) } }) as const;

describe('read model: users', () => {
  const spec = readModelSpec(usersProjection);

  it('a registration inserts the user, active, with its lowercased username', () =>
    spec.when(registered(1, 'Alice')).then('users', [
      { id: 1, username: 'Alice', username_lower: 'alice', email: 'Alice@example.com', password_hash: 'h0', is_staff: false, is_active: true, date_joined: stored(1), updated_at: stored(1) },
    ]));

  it('a replayed registration changes nothing', () =>
    spec.given(registered(1, 'Alice', 1)).when(registered(1, 'Mallory', 2)).then('users', [{ id: 1, username: 'Alice', date_joined: stored(1) }]));

  it('password changes and deactivation set their columns and updated_at, in log order', () =>
    spec
      .given(registered(1, 'Alice'), registered(2, 'Bob'))
      .when(
        { type: 'UserPasswordChanged', data: { id: 1, passwordHash: 'h1', at: at(2) } },
        { type: 'UserDeactivated', data: { id: 2, at: at(3) } },
        { type: 'UserPasswordChanged', data: { id: 1, passwordHash: 'h2', at: at(4) } },
      )
      .then('users', [
        { id: 1, password_hash: 'h2', is_active: true, updated_at: stored(4) },
        { id: 2, password_hash: 'h0', is_active: false, updated_at: stored(3) },
      ]));

  it('a change to a user that does not exist is a no-op', () =>
    spec.when({ type: 'UserDeactivated', data: { id: 9, at: at(1) } }).then('users', []));
});
