import { aiQuotaDecider, aiQuotaStream, isLimited, nextUtcMidnight, usedBy, type AiQuotaEvent } from '../domain/aiQuota/index.js';
import type { EventStore } from '../eventstore/port.js';

/** The API's `quota` object, in camelCase: `remainingToday` is null when the model is unlimited. */
export interface QuotaStatus {
  dailyLimit: number | null;
  usedToday: number;
  remainingToday: number | null;
  resetsAt: string;
}

export function quotaStatus(dailyLimit: number | null, usedToday: number, at: string): QuotaStatus {
  const remainingToday = isLimited(dailyLimit) ? Math.max(0, dailyLimit - usedToday) : null;
  return { dailyLimit, usedToday, remainingToday, resetsAt: nextUtcMidnight(at) };
}

/**
 * Slots `principal` holds for `model` on `day`, from the log itself: the quota's own stream,
 * folded as its command handler folds it, so the answer never lags a reservation.
 */
export async function quotaUsage(store: EventStore, principal: string, model: string, day: string): Promise<number> {
  const history = await store.readStream<AiQuotaEvent>(aiQuotaStream(principal, day));
  return usedBy(history.reduce(aiQuotaDecider.evolve, aiQuotaDecider.initialState()), model.toLowerCase());
}
