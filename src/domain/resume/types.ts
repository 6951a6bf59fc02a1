export type ResumeSource = 'manual' | 'ai';

/** What an owner may edit. */
export interface ResumeFields {
  title: string;
  content: string;
}

export type ResumeChanges = Partial<ResumeFields>;

/** Every event and command names the resume, its owner (the only user who may act on it) and when. */
interface Target {
  id: number;
  userId: number;
  at: string;
}

/** `username` rides along so the read model needs no other table (usernames never change). */
export type ResumeCreatedData = Target & ResumeFields & { username: string; source: ResumeSource; aiModel?: string };

export type ResumeEvent =
  | { type: 'ResumeCreated'; data: ResumeCreatedData }
  | { type: 'ResumeUpdated'; data: Target & { changes: ResumeChanges } }
  | { type: 'ResumeDeleted'; data: Target };

export type ResumeCommand =
  | { type: 'CreateResume'; data: ResumeCreatedData }
  | { type: 'UpdateResume'; data: Target & { changes: ResumeChanges } }
  | { type: 'DeleteResume'; data: Target };

/** What decisions need: the content only as a digest, to tell a change from a repeat. */
export interface ResumeDecidingFields {
  title: string;
  contentDigest: string;
}

export type Resume =
  | { status: 'absent' }
  | ({ status: 'active' | 'deleted'; id: number; ownerId: number } & ResumeDecidingFields);

export const resumeStream = (id: number): string => `resume-${id}`;
