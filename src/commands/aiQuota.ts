import { randomUUID } from 'node:crypto';
import type { CommandDeps } from './deps.js';
import { aggregate } from './aggregate.js';
import { RETRY } from './retry.js';
import type { CommandContext } from '../domain/decider.js';
import { aiQuotaDecider, aiQuotaStream, usedBy, utcDay } from '../domain/aiQuota/index.js';
import { quotaStatus, type QuotaStatus } from '../projections/quotaUsage.js';

/**
 * A reservation is decided from its stream alone, so after a concurrent append it is safe to
 * re-read and decide again; contended, so that a burst from one principal never sees a 409.
 * Its commands do not wait for `ai_usage_daily`: no response reads it.
 */
const aiQuotas = aggregate({
  decider: aiQuotaDecider,
  streamOf: ({ data }) => aiQuotaStream(data.principal, data.day),
  retry: RETRY.contended,
});

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

/**
 * Takes one of today's slots for `model` (a display name, any case), or throws QuotaExceeded
 * with the seconds until 00:00 UTC. Today is the UTC day of `context.at`.
 */
export async function reserveQuota(
  deps: Pick<CommandDeps, 'store'>,
  request: { principal: string; model: string; limit: number | null },
  context: CommandContext,
): Promise<QuotaReservation> {
  const { principal, limit } = request;
  const held: QuotaSlot = { id: randomUUID(), principal, model: request.model.toLowerCase(), day: utcDay(context.at) };
  const { state } = await aiQuotas.handle(deps, {
    type: 'ReserveQuota',
    data: { principal, day: held.day, model: held.model, limit, slot: held.id, at: context.at },
  }, context);
  return { ...held, ...quotaStatus(limit, usedBy(state, held.model), context.at) };
}

/** Gives a slot back (a failed generation costs nothing); releasing it again frees nothing. */
export async function releaseQuota(deps: Pick<CommandDeps, 'store'>, held: QuotaSlot, reason: string, context: CommandContext): Promise<void> {
  const { id, principal, model, day } = held;
  await aiQuotas.handle(deps, {
    type: 'ReleaseQuota',
    data: { principal, day, model: model.toLowerCase(), slot: id, reason, at: context.at },
  }, context);
}
