import type { Knex } from 'knex';
import type { EventStore, Position } from '../eventstore/port.js';
import type { Projection } from './projection.js';
import { ensureCheckpoints } from './checkpoints.js';
import { ProjectionProgress } from './progress.js';
import { ProjectionRunner, type RunnerDeps } from './runner.js';

export interface RuntimeOptions {
  db: Knex;
  store: EventStore;
  connectionString: string;
  projections: readonly Projection[];
  logger: RunnerDeps['logger'];
  /** false in an API process when a separate `npm run projector` worker runs them. */
  runProjectors: boolean;
  waitTimeoutMs?: number;
  maxBatchSize?: number;
  standbyRetryMs?: number;
  afterCommit?: RunnerDeps['afterCommit'];
}

/**
 * The read side's engine: runs (or stands by for) one runner per read model and
 * answers "has read model X applied position P yet?" for read-your-writes.
 */
export class ProjectionRuntime {
  readonly progress: ProjectionProgress;
  private readonly runners: ProjectionRunner[];

  constructor(private readonly options: RuntimeOptions) {
    this.progress = new ProjectionProgress(options.db, options.connectionString, options.logger);
    this.runners = options.runProjectors
      ? options.projections.map((p) => new ProjectionRunner(p, { ...options, progress: this.progress }))
      : [];
  }

  get projections(): readonly Projection[] {
    return this.options.projections;
  }

  async start(): Promise<void> {
    await ensureCheckpoints(this.options.db, this.options.projections.map((p) => p.name));
    await this.progress.start();
    for (const runner of this.runners) runner.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.stop()));
    await this.progress.stop();
  }

  /** Read-your-writes: resolves once the named read models applied `position`; 503 after the timeout. */
  waitFor(names: readonly string[], position: Position, timeoutMs = this.options.waitTimeoutMs ?? 5000): Promise<void> {
    return this.progress.waitFor(names, position, timeoutMs);
  }

  /** Waits until every read model applied everything readable now (tests, scripts). */
  async catchUp(timeoutMs = 10_000): Promise<void> {
    const head = await this.options.store.headPosition();
    await this.waitFor(this.options.projections.map((p) => p.name), head, timeoutMs);
  }

  leaderOf(name: string): boolean {
    return this.runners.some((r) => r.projection.name === name && r.leading);
  }
}
