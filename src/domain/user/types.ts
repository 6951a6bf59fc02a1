export interface UserRegisteredData {
  id: number;
  username: string;
  email: string;
  passwordHash: string;
  isStaff: boolean;
  at: string;
}

export type UserEvent =
  | { type: 'UserRegistered'; data: UserRegisteredData }
  | { type: 'UserPasswordChanged'; data: { id: number; passwordHash: string; at: string } }
  | { type: 'UserDeactivated'; data: { id: number; at: string } }
  /** The account was erased at its owner's request: a fact with no personal data (its data key is destroyed beside it). */
  | { type: 'UserErased'; data: { id: number; at: string } };

export type UserErasedEvent = Extract<UserEvent, { type: 'UserErased' }>;

export type UserCommand =
  | { type: 'RegisterUser'; data: UserRegisteredData }
  | { type: 'ChangePassword'; data: { id: number; passwordHash: string; at: string } }
  | { type: 'DeactivateUser'; data: { id: number; at: string } }
  /** `sweep`: erase again an erased account whose rows a write that raced the erasure brought back. */
  | { type: 'EraseUser'; data: { id: number; at: string; sweep?: boolean } };

export type User =
  | { status: 'absent' }
  | { status: 'active' | 'inactive'; id: number; username: string; email: string; passwordHash: string; isStaff: boolean }
  | { status: 'erased'; id: number };

export const userStream = (id: number): string => `user-${id}`;
