import type { Context } from 'koa';
import type { Clock } from '../commands/deps.js';
import type { CommandContext } from '../domain/decider.js';

/** Who asked, which request, and when: the metadata every event of this request carries. */
export function commandContext(ctx: Context, clock: Clock): CommandContext {
  const user = (ctx.state as { user?: { id: number } }).user;
  return { userId: user?.id ?? null, requestId: String(ctx.state.requestId ?? ''), at: clock.now().toISOString() };
}
