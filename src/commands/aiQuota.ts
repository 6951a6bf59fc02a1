import { createHash, randomUUID } from 'node:crypto';
import type { CommandDeps } from './deps.js';
import { handleCommand } from './handle.js';
import type { CommandContext } from '../domain/decider.js';
import { aiQuotaDecider, aiQuotaStream, isLimited, nextUtcMidnight, usedBy, utcDay, type AiQuotaEvent } from '../domain/aiQuota/index.js';
import type { EventStore } from '../eventstore/port.js';

/**
 * A reservation is decided from its stream alone, so after a concurrent append it is safe to
 * re-read and decide again; enough retries that a burst from one principal never sees a 409.
 */
const RESERVE_RETRIES = 50;

/**
 * Whose quota: a signed-in user, or an anonymous client by a hash of its IP, so the address is
 * not written to the log as such (pseudonymous only: an IPv4 hash can be reversed by brute force).
 */
export function principalFor(user: { id: number } | null | undefined, clientIp: string): string {
  if (user) return `user-${user.id}`;
  return `anon-${createHash('sha256').update(clientIp).digest('hex').slice(0, 16)}`;
}

/** The API's `quota` object, in camelCase: `remainingToday` is null when the model is unlimited. */
export interface QuotaStatus {
  dailyLimit: number | null;
  usedToday: number;
  remainingToday: number | null;
  resetsAt: string;
}

/** A held slot: what `releaseQuota` needs to give exactly it back, to the day it was taken from. */
export interface QuotaSlot {
  id: string;
  principal: string;
  /** Display name, lowercased. */
  model: string;
  /** UTC day of the reservation, `YYYY-MM-DD`. */
  day: string;
}

export type QuotaReservation = QuotaSlot & QuotaStatus;

export function quotaStatus(dailyLimit: number | null, usedToday: number, at: string): QuotaStatus {
  const remainingToday = isLimited(dailyLimit) ? Math.max(0, dailyLimit - usedToday) : null;
  return { dailyLimit, usedToday, remainingToday, resetsAt: nextUtcMidnight(at) };
}

/**
 * Takes one of today's slots for `model` (a display name, any case), or throws QuotaExceeded
 * with the seconds until 00:00 UTC. Today is the UTC day of `context.at`. It does not wait
 * for `ai_usage_daily`: no response reads it.
 */
export async function reserveQuota(
  deps: Pick<CommandDeps, 'store'>,
  request: { principal: string; model: string; limit: number | null },
  context: CommandContext,
): Promise<QuotaReservation> {
  const { principal, limit } = request;
  const held: QuotaSlot = { id: randomUUID(), principal, model: request.model.toLowerCase(), day: utcDay(context.at) };
  const { state } = await handleCommand(deps.store, aiQuotaDecider, aiQuotaStream(principal, held.day), {
    type: 'ReserveQuota',
    data: { principal, day: held.day, model: held.model, limit, slot: held.id, at: context.at },
  }, context, { retries: RESERVE_RETRIES });
  return { ...held, ...quotaStatus(limit, usedBy(state, held.model), context.at) };
}

/** Gives a slot back (a failed generation costs nothing); releasing it again frees nothing. */
export async function releaseQuota(deps: Pick<CommandDeps, 'store'>, held: QuotaSlot, reason: string, context: CommandContext): Promise<void> {
  const { id, principal, model, day } = held;
  await handleCommand(deps.store, aiQuotaDecider, aiQuotaStream(principal, day), {
    type: 'ReleaseQuota',
    data: { principal, day, model: model.toLowerCase(), slot: id, reason, at: context.at },
  }, context, { retries: RESERVE_RETRIES });
}

/** Slots `principal` holds for `model` on `day`, from the log itself (no read-model lag). */
export async function quotaUsage(store: EventStore, principal: string, model: string, day: string): Promise<number> {
  const history = await store.readStream<AiQuotaEvent>(aiQuotaStream(principal, day));
  return usedBy(history.reduce(aiQuotaDecider.evolve, aiQuotaDecider.initialState()), model.toLowerCase());
}
