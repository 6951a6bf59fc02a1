import type pg from 'pg';
import { stringify } from 'csv-stringify/sync';
import { from as copyFrom } from 'pg-copy-streams';
import type { RecordedEvent } from '../../eventstore/port.js';
import type { Projection } from '../projection.js';
import { applyBatch } from './applyBatch.js';
import type { FlushTarget } from './pendingChanges.js';
import { isCopy, type CopyRows, type Statement, type Step } from './statements.js';

export interface BatchWriterOptions {
  /** The physical name of a logical table (a rebuild writes fresh copies). */
  tableName?(table: string): string;
  /** Statements that must run before rows of a physical table are looked up by a column other than its key. */
  lookingUpBy?(table: string, column: string): readonly string[];
  /**
   * Inserts as COPY, each COPY its own transaction: for a rebuild's load. A live batch must stay
   * one transaction, and its connection may be pipelined (which COPY cannot share).
   */
  copy?: boolean;
}

const UNIQUE_VIOLATION = '23505';

/** COPY's CSV: strings always quoted (so '' stays an empty string), NULL as an unquoted empty field. */
const CSV_OPTIONS = {
  quoted_string: true,
  cast: {
    boolean: (value: boolean) => (value ? 'true' : 'false'),
    date: (value: Date) => value.toISOString(),
    object: (value: object) => JSON.stringify(value),
  },
};

/**
 * The one writer of read models, for the live projector and the rebuild alike: a batch's
 * changes become statements (see applyBatch), recorded here and sent on one connection, in
 * order. On a pipelined connection (the live projector's) consecutive statements go out
 * together: a batch with its BEGIN, checkpoint move and COMMIT is one round trip. A rebuild's
 * connections carry COPY, which a pipeline cannot: there they go one after another.
 */
export class BatchWriter {
  private readonly target: FlushTarget;
  private inFlight: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly client: pg.Client,
    { tableName = (table) => table, lookingUpBy, copy = false }: BatchWriterOptions = {},
  ) {
    this.target = { tableName, lookingUpBy, copy, steps: [] };
  }

  /** Records a batch of one read model's events. */
  apply(projection: Projection, events: readonly RecordedEvent[]): void {
    applyBatch(this.target, projection, events);
  }

  /** Records one statement of our own (BEGIN, a checkpoint move, COMMIT). */
  statement(text: string, values: readonly unknown[] = []): void {
    this.target.steps.push({ text, values });
  }

  /** Sends what was recorded; the next send waits for this one. Resolves when the previous send finished. */
  async send(): Promise<void> {
    const previous = this.inFlight;
    const steps = this.target.steps;
    if (steps.length > 0) {
      this.target.steps = [];
      this.inFlight = previous.then(() => this.run(steps));
      this.inFlight.catch(() => undefined); // surfaced by the next send or drain
    }
    await previous;
  }

  /** Resolves when everything recorded has run. */
  async drain(): Promise<void> {
    await this.send();
    await this.inFlight;
  }

  private async run(steps: readonly Step[]): Promise<void> {
    for (let i = 0; i < steps.length; ) {
      const step = steps[i]!;
      if (isCopy(step)) {
        await this.copyIn(step);
        i++;
        continue;
      }
      const statements: Statement[] = [];
      for (; i < steps.length && !isCopy(steps[i]!); i++) statements.push(steps[i] as Statement);
      await this.runStatements(statements);
    }
  }

  /** All at once on a pipelined connection (one round trip); one after another on any other. */
  private async runStatements(statements: readonly Statement[]): Promise<void> {
    if (!this.client.pipeline) {
      for (const s of statements) await this.client.query(s.text, [...s.values]);
      return;
    }
    const results = await Promise.allSettled(statements.map((s) => this.client.query(s.text, [...s.values])));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** A COPY that finds a row's key taken left nothing behind: its rows go in as the INSERT that skips taken keys. */
  private async copyIn(step: CopyRows): Promise<void> {
    const columns = step.columns.map((c) => this.client.escapeIdentifier(c)).join(', ');
    const lines = stringify(
      step.rows.map((row) => step.columns.map((c) => row[c])),
      CSV_OPTIONS,
    );
    try {
      await new Promise<void>((resolve, reject) => {
        const stream = this.client.query(copyFrom(`COPY ${this.client.escapeIdentifier(step.table)} (${columns}) FROM STDIN WITH (FORMAT csv)`));
        stream.on('error', reject);
        stream.on('finish', resolve);
        stream.end(lines);
      });
    } catch (err) {
      if ((err as { code?: unknown }).code !== UNIQUE_VIOLATION) throw err;
      await this.client.query(step.instead.text, [...step.instead.values]);
    }
  }
}
