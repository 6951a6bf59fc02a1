import type { Decider } from '../decider.js';
import { QuotaExceeded, assertNever } from '../errors.js';
import { secondsUntilReset } from './day.js';
import { isLimited, usedBy, type AiQuota, type AiQuotaCommand, type AiQuotaEvent } from './types.js';

export * from './day.js';
export * from './types.js';

function evolve(state: AiQuota, event: AiQuotaEvent): AiQuota {
  switch (event.type) {
    case 'AiQuotaReserved':
      return { held: { ...state.held, [event.data.slot]: event.data.model } };
    case 'AiQuotaReleased': {
      const { [event.data.slot]: _released, ...held } = state.held;
      return { held };
    }
    default:
      return state;
  }
}

function decide(command: AiQuotaCommand, state: AiQuota): AiQuotaEvent[] {
  const { slot, model, day, at } = command.data;
  switch (command.type) {
    case 'ReserveQuota':
      if (isLimited(command.data.limit) && usedBy(state, model) >= command.data.limit) throw new QuotaExceeded(secondsUntilReset(at));
      return [{ type: 'AiQuotaReserved', data: { slot, model, day, at } }];
    case 'ReleaseQuota':
      if (state.held[slot] !== model) return [];
      return [{ type: 'AiQuotaReleased', data: { slot, model, day, reason: command.data.reason, at } }];
    default:
      return assertNever(command);
  }
}

/**
 * The daily quota, derived from the principal's stream for the day. Two concurrent
 * reservations cannot both take the last slot: each appends with the revision it read.
 */
export const aiQuotaDecider: Decider<AiQuotaCommand, AiQuotaEvent, AiQuota> = {
  initialState: () => ({ held: {} }),
  evolve,
  decide,
};
