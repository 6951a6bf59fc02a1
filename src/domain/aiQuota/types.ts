/**
 * `slot` names one reservation, so a release gives back exactly that one and a repeated
 * release frees nothing. `model` is always the display name lowercased.
 */
export type AiQuotaEvent =
  | { type: 'AiQuotaReserved'; data: { slot: string; model: string; day: string; at: string } }
  | { type: 'AiQuotaReleased'; data: { slot: string; model: string; day: string; reason: string; at: string } };

export type AiQuotaCommand =
  | { type: 'ReserveQuota'; data: { principal: string; day: string; model: string; limit: number | null; slot: string; at: string } }
  | { type: 'ReleaseQuota'; data: { principal: string; day: string; model: string; slot: string; reason: string; at: string } };

/** The slots held on this stream's day (reserved and not released): slot -> model. */
export type AiQuota = { held: Readonly<Record<string, string>> };

/** A principal is `user-<id>` or `anon-<hash of the client IP>`; one stream per principal per UTC day. */
export const aiQuotaStream = (principal: string, day: string): string => `aiQuota-${principal}-${day}`;

/** A signed-in user's principal (an anonymous client's is `anon-<hash>`). */
export const userPrincipal = (userId: number): string => `user-${userId}`;

/** The signed-in user whose quota stream this is; undefined for an anonymous client's or another stream. */
export function userOfQuotaStream(streamId: string): number | undefined {
  const match = /^aiQuota-user-(\d+)-\d{4}-\d{2}-\d{2}$/.exec(streamId);
  return match ? Number(match[1]) : undefined;
}

/** null and 0 both mean unlimited, as in the original's settings. */
export const isLimited = (limit: number | null): limit is number => limit !== null && limit !== 0;

export const usedBy = (state: AiQuota, model: string): number => Object.values(state.held).filter((m) => m === model).length;
