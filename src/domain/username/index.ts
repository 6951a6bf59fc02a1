import type { Decider } from '../decider.js';
import { ValidationFailed } from '../errors.js';

/**
 * A username is claimed by appending to `username-<lowercased>` with expected revision
 * "no stream": the log itself enforces case-insensitive uniqueness, with no racy read.
 */
export type UsernameEvent =
  | { type: 'UsernameReserved'; data: { username: string; userId: number; at: string } }
  /** The account that held it was erased: anyone may register the name again. */
  | { type: 'UsernameReleased'; data: { userId: number; at: string } };
export type UsernameCommand =
  | { type: 'ReserveUsername'; data: { username: string; userId: number; at: string } }
  | { type: 'ReleaseUsername'; data: { username: string; userId: number; at: string } };
export type UsernameReservation = { reservedBy: number | null };

export const USERNAME_TAKEN = 'A user with that username already exists.';

export const usernameStream = (username: string): string => `username-${username.toLowerCase()}`;

/**
 * Names that belong to the system (the public examples' owner): no one may register them, in
 * any case, so the examples can always be seeded. To a client the name is simply taken, as
 * it is in the original, where the examples' user exists from the first start.
 */
const RESERVED_USERNAMES: ReadonlySet<string> = new Set(['example']);

export const isReservedUsername = (username: string): boolean => RESERVED_USERNAMES.has(username.toLowerCase());

export const usernameDecider: Decider<UsernameCommand, UsernameEvent, UsernameReservation> = {
  initialState: () => ({ reservedBy: null }),
  evolve: (state, event) => {
    if (event.type === 'UsernameReserved') return { reservedBy: event.data.userId };
    if (event.type === 'UsernameReleased' && state.reservedBy === event.data.userId) return { reservedBy: null };
    return state;
  },
  decide: (command, state) => {
    if (command.type === 'ReleaseUsername') {
      return state.reservedBy === command.data.userId ? [{ type: 'UsernameReleased', data: { userId: command.data.userId, at: command.data.at } }] : [];
    }
    if (state.reservedBy !== null) throw new ValidationFailed({ username: [USERNAME_TAKEN] });
    return [{ type: 'UsernameReserved', data: command.data }];
  },
};
