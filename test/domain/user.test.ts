import { expect } from 'chai';
import { Conflict, NotFound, ValidationFailed } from '../../src/domain/errors.js';
import { userDecider, type UserEvent, type UserRegisteredData } from '../../src/domain/user/index.js';
import { USERNAME_TAKEN, usernameDecider, usernameStream } from '../../src/domain/username/index.js';
import { deciderSpec } from '../support/decider.js';

const at = '2026-11-24T10:00:00.000Z';
const alice: UserRegisteredData = { id: 1, username: 'alice', email: 'alice@example.com', passwordHash: '$2b$04$hash', isStaff: false, at };
const registered: UserEvent = { type: 'UserRegistered', data: alice };

describe('User', () => {
  const given = deciderSpec(userDecider);

  it('registers a new user', () => given([]).when({ type: 'RegisterUser', data: alice }).then([registered]));
  it('refuses to register the same id twice', () => given([registered]).when({ type: 'RegisterUser', data: alice }).thenThrows(Conflict));

  it('changes the password', () =>
    given([registered])
      .when({ type: 'ChangePassword', data: { id: 1, passwordHash: '$2b$04$new', at } })
      .then([{ type: 'UserPasswordChanged', data: { id: 1, passwordHash: '$2b$04$new', at } }]));
  it('records nothing when the password hash is unchanged', () =>
    given([registered]).when({ type: 'ChangePassword', data: { id: 1, passwordHash: alice.passwordHash, at } }).then([]));
  it('cannot change the password of a user who does not exist', () =>
    given([]).when({ type: 'ChangePassword', data: { id: 1, passwordHash: 'x', at } }).thenThrows(NotFound));

  it('deactivates once, then is idempotent', () => {
    given([registered]).when({ type: 'DeactivateUser', data: { id: 1, at } }).then([{ type: 'UserDeactivated', data: { id: 1, at } }]);
    given([registered, { type: 'UserDeactivated', data: { id: 1, at } }]).when({ type: 'DeactivateUser', data: { id: 1, at } }).then([]);
  });
  it('cannot deactivate a user who does not exist', () => given([]).when({ type: 'DeactivateUser', data: { id: 9, at } }).thenThrows(NotFound));
});

describe('Username reservation', () => {
  const given = deciderSpec(usernameDecider);
  const reserve = { type: 'ReserveUsername' as const, data: { username: 'Alice', userId: 1, at } };

  it('reserves a free username', () => given([]).when(reserve).then([{ type: 'UsernameReserved', data: reserve.data }]));
  it('refuses a taken one with the original message, on the username field', () => {
    const err = given([{ type: 'UsernameReserved', data: { username: 'alice', userId: 7, at } }]).when(reserve).thenThrows(ValidationFailed);
    expect((err as ValidationFailed).fieldErrors).to.deep.equal({ username: [USERNAME_TAKEN] });
  });
  it('keys the stream case-insensitively', () => expect(usernameStream('ALICE')).to.equal(usernameStream('alice')));
});
