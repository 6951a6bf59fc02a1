/** The authenticated principal every protected route sees as `ctx.state.user`. */
export interface AuthUser {
  id: number;
  username: string;
  email: string;
  isStaff: boolean;
  isActive: boolean;
  /** ISO 8601 UTC. */
  dateJoined: string;
}

/** Looks a user up by id; undefined when there is none (deleted or never existed). */
export type FindUser = (id: number) => Promise<AuthUser | undefined>;
