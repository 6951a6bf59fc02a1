import type pg from 'pg';
import type { LogEvent } from '../../eventstore/port.js';
import type { Projection } from '../projection.js';
import { applyBatch } from './applyBatch.js';
import type { FlushTarget } from './pendingChanges.js';
import type { Statement } from './statements.js';

export interface BatchWriterOptions {
  /** The physical name of a logical table (a rebuild writes fresh copies). */
  tableName?(table: string): string;
  /** Statements that must run before rows of a physical table are looked up by a column other than its key. */
  lookingUpBy?(table: string, column: string): readonly string[];
}

/**
 * The one writer of read models, for the live projector and the rebuild alike: a batch's
 * changes become statements (see applyBatch), recorded here and sent on one connection, in
 * order. On a pipelined connection (node-postgres' `pipeline: true`, as projectors and the
 * rebuild open theirs) consecutive statements go out together: a live batch with its BEGIN,
 * checkpoint move and COMMIT is one round trip. On any other they go one after another.
 */
export class BatchWriter {
  private readonly target: FlushTarget;
  private inFlight: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly client: pg.Client,
    { tableName = (table) => table, lookingUpBy }: BatchWriterOptions = {},
  ) {
    this.target = { tableName, lookingUpBy, steps: [] };
  }

  /** Records a batch of one read model's events. */
  apply(projection: Projection, events: readonly LogEvent[]): void {
    applyBatch(this.target, projection, events);
  }

  /** Records one statement of our own (BEGIN, a checkpoint move, COMMIT). */
  statement(text: string, values: readonly unknown[] = []): void {
    this.target.steps.push({ text, values });
  }

  /** Sends what was recorded; the next send waits for this one. Resolves when the previous send finished. */
  async send(): Promise<void> {
    const previous = this.inFlight;
    const statements = this.target.steps;
    if (statements.length > 0) {
      this.target.steps = [];
      this.inFlight = previous.then(() => this.run(statements));
      this.inFlight.catch(() => undefined); // surfaced by the next send or drain
    }
    await previous;
  }

  /** Resolves when everything recorded has run. */
  async drain(): Promise<void> {
    await this.send();
    await this.inFlight;
  }

  /** All at once on a pipelined connection; the first failure (in order) is the one thrown. */
  private async run(statements: readonly Statement[]): Promise<void> {
    if (!this.client.pipeline) {
      for (const s of statements) await this.client.query(s.text, [...s.values]);
      return;
    }
    const results = await Promise.allSettled(statements.map((s) => this.client.query(s.text, [...s.values])));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
