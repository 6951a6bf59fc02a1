import type { Position } from '../eventstore/port.js';
import type { Logger } from '../logger.js';
import type { ProjectionStatus } from '../projections/status.js';
import type { Metrics } from './metrics.js';

/**
 * Sets the lag gauges from the checkpoints and the head of the log, at scrape time. When the
 * database cannot say, the gauges are left empty rather than showing stale numbers.
 *
 * A runner stores its checkpoint lazily while it only skips events it does not handle, so the
 * stored one can trail the head on an idle system; `reachedOf` (the progress this process
 * knows of) says when a read model is in fact caught up. Behind, the stored checkpoint's
 * numbers are an upper bound.
 */
export async function recordProjectionLag(
  metrics: Metrics,
  status: () => Promise<ProjectionStatus[]>,
  reachedOf: (readModel: string) => Position | undefined,
  logger: Logger,
): Promise<void> {
  const { projectionLagEvents, projectionLagSeconds } = metrics;
  try {
    const statuses = await status();
    projectionLagEvents.reset();
    projectionLagSeconds.reset();
    for (const s of statuses) {
      const caughtUp = (reachedOf(s.name) ?? s.checkpoint) >= s.head;
      const lagEvents = caughtUp ? 0 : s.lagEvents;
      projectionLagEvents.set({ read_model: s.name }, lagEvents);
      projectionLagSeconds.set({ read_model: s.name }, caughtUp ? 0 : s.lagSeconds);
    }
  } catch (err) {
    projectionLagEvents.reset();
    projectionLagSeconds.reset();
    logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'metrics: projection lag unavailable');
  }
}
