import type { Knex } from 'knex';
import type { AuthUser } from '../auth/user.js';
import { assertNever } from '../domain/errors.js';
import type { UserEvent } from '../domain/user/index.js';
import type { Projection } from './projection.js';

export const usersProjection: Projection<UserEvent> = {
  name: 'users',
  tables: ['users'],
  handles: ['UserRegistered', 'UserPasswordChanged', 'UserDeactivated', 'UserErased'],
  changesOf(event) {
    switch (event.type) {
      case 'UserRegistered': {
        const { id, username, email, passwordHash, isStaff, at } = event.data;
        const row = { id, username, username_lower: username.toLowerCase(), email, password_hash: passwordHash, is_staff: isStaff, is_active: true, date_joined: at, updated_at: at };
        return [{ kind: 'insert', table: 'users', row, conflict: ['id'] }];
      }
      case 'UserPasswordChanged':
        return [{ kind: 'set', table: 'users', key: { id: event.data.id }, set: { password_hash: event.data.passwordHash, updated_at: event.data.at } }];
      case 'UserDeactivated':
        return [{ kind: 'set', table: 'users', key: { id: event.data.id }, set: { is_active: false, updated_at: event.data.at } }];
      case 'UserErased':
        return [{ kind: 'delete', table: 'users', key: { id: event.data.id } }];
      default:
        return assertNever(event);
    }
  },
};

interface UserRow {
  id: number;
  username: string;
  email: string;
  password_hash: string;
  is_staff: boolean;
  is_active: boolean;
  date_joined: Date;
}

export interface UserWithPassword extends AuthUser {
  passwordHash: string;
}

const toUser = (row: UserRow): UserWithPassword => ({
  id: row.id,
  username: row.username,
  email: row.email,
  isStaff: row.is_staff,
  isActive: row.is_active,
  dateJoined: row.date_joined.toISOString(),
  passwordHash: row.password_hash,
});

const COLUMNS = ['id', 'username', 'email', 'password_hash', 'is_staff', 'is_active', 'date_joined'];

export async function findUserById(db: Knex, id: number): Promise<UserWithPassword | undefined> {
  const row = (await db('users').select(COLUMNS).where({ id }).first()) as UserRow | undefined;
  return row ? toUser(row) : undefined;
}

/** Usernames are unique case-insensitively, so a login may use any case. */
export async function findUserByUsername(db: Knex, username: string): Promise<UserWithPassword | undefined> {
  const row = (await db('users').select(COLUMNS).where({ username_lower: username.toLowerCase() }).first()) as UserRow | undefined;
  return row ? toUser(row) : undefined;
}
