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
  | { type: 'UserDeactivated'; data: { id: number; at: string } };

export type UserCommand =
  | { type: 'RegisterUser'; data: UserRegisteredData }
  | { type: 'ChangePassword'; data: { id: number; passwordHash: string; at: string } }
  | { type: 'DeactivateUser'; data: { id: number; at: string } };

export type User =
  | { status: 'absent' }
  | { status: 'active' | 'inactive'; id: number; username: string; email: string; passwordHash: string; isStaff: boolean };

export const userStream = (id: number): string => `user-${id}`;
