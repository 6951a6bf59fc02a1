import type { CommandContext, Decider } from '../domain/decider.js';
import type { DomainEvent } from '../eventstore/port.js';
import type { CommandDeps } from './deps.js';
import { handleCommand, snapshotting, type Handled, type SnapshotPolicy } from './handle.js';
import type { Backoff, RetryPolicy } from './retry.js';

/** What an aggregate is, said once: every command of it is then one `run` call. */
export interface AggregateConfig<Command extends { type: string }, Event extends DomainEvent, State> {
  decider: Decider<Command, Event, State>;
  /** The stream a command is decided on (from one naming function of the domain, e.g. `resumeStream`). */
  streamOf(command: Command): string;
  retry: RetryPolicy;
  /** Commands that start a stream named by a freshly allocated id: their first attempt skips the read. */
  createdBy?: readonly Command['type'][];
  /** Start from the stream's snapshot, when the deps offer a snapshot store. */
  snapshots?: SnapshotPolicy;
  /** The pauses between retries; tests pass their own. */
  backoff?: Backoff;
}

export interface Aggregate<Command, Event, State> {
  /** Load, decide, append: the read models may not show the new events yet. */
  handle(deps: Pick<CommandDeps, 'store' | 'snapshots'>, command: Command, context: CommandContext): Promise<Handled<State, Event>>;
  /** `handle`, then wait until every read model handling the new events shows them (read-your-writes). */
  run(deps: CommandDeps, command: Command, context: CommandContext): Promise<Handled<State, Event>>;
}

export function aggregate<Command extends { type: string }, Event extends DomainEvent, State>(
  config: AggregateConfig<Command, Event, State>,
): Aggregate<Command, Event, State> {
  const { decider, streamOf, retry, backoff, snapshots } = config;
  const creations = new Set<string>(config.createdBy ?? []);
  const handle: Aggregate<Command, Event, State>['handle'] = (deps, command, context) =>
    handleCommand(deps.store, decider, streamOf(command), command, context, {
      retry,
      ...(backoff ? { backoff } : {}),
      newStream: creations.has(command.type),
      snapshots: snapshots && snapshotting(deps.snapshots, snapshots),
    });
  return {
    handle,
    async run(deps, command, context) {
      const handled = await handle(deps, command, context);
      if (handled.position) {
        const readModels = deps.readModelsFor(handled.events.map((e) => e.type));
        if (readModels.length > 0) await deps.waitFor(readModels, handled.position);
      }
      return handled;
    },
  };
}
