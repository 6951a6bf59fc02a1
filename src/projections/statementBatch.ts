import knex, { type Knex } from 'knex';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { CopyIn, ProjectionContext } from './projection.js';

/** The compiled form of a knex builder, as its (untyped) runner sees it. */
interface Compiled {
  method: string;
  returning?: unknown;
  toNative(): { sql: string; bindings: readonly unknown[] };
}
interface Runnable {
  toSQL(): Compiled;
}
interface RunnerHook {
  runner(builder: Runnable): { run(): Promise<unknown> };
  processResponse(compiled: Compiled & { response: pg.QueryResult }, runner: undefined): unknown;
}

const WRITES: ReadonlySet<string> = new Set(['insert', 'update', 'del']);
const prepareValue = (pg as unknown as { utils: { prepareValue(value: unknown): unknown } }).utils.prepareValue;

/**
 * A bind parameter as the SQL literal pg would have sent: the same text, of unknown type, so
 * PostgreSQL infers the same type from the context and the row comes out identical.
 */
function literal(value: unknown): string {
  const prepared = prepareValue(value);
  if (prepared === null || prepared === undefined) return 'NULL';
  if (typeof prepared !== 'string') throw new Error('rebuild: binary bind parameters are not supported');
  // A long value (a batch's rows as JSON) goes dollar-quoted: no copy to escape it.
  if (prepared.length > 256) return dollarQuoted(prepared);
  // pg.escapeLiteral's rules, without its character-by-character loop (this runs per value).
  const quoted = `'${prepared.replaceAll("'", "''")}'`;
  return prepared.includes('\\') ? ` E${quoted.replaceAll('\\', '\\\\')}` : quoted;
}

function dollarQuoted(text: string): string {
  let tag = '$rows$';
  for (let n = 0; text.includes(tag) || text.endsWith(tag.slice(0, -1)); n++) tag = `$rows${n}$`;
  return `${tag}${text}${tag}`;
}

export function inlineBindings(sql: string, bindings: readonly unknown[]): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => literal(bindings[Number(n) - 1]));
}

/** What a batch sends, in order: SQL statements, or rows for COPY. */
type Step = string | CopyIn;

export interface StatementBatchOptions {
  /** Statements that must run before rows of a table are looked up by a column (see ProjectionContext). */
  lookupStatements?(table: string, column: string): readonly string[];
  /**
   * Offer `copy` to the read model's writes: rows are streamed with COPY, each COPY its own
   * transaction. For a rebuild's load; a live batch must stay one transaction.
   */
  copy?: boolean;
}

const UNIQUE_VIOLATION = '23505';

/**
 * Runs a read model's unchanged projection code, but instead of one round trip per event its
 * writes are recorded and sent as one multi-statement query per batch (what makes a rebuild
 * fast, and a live projector's batch one round trip with its checkpoint). Order holds: a read flushes the recorded writes first and runs on the same
 * connection. The price: a write's result (a row count) is not available to `apply`.
 */
export class StatementBatch {
  readonly context: ProjectionContext;
  private readonly builder: Knex;
  private steps: Step[] = [];
  private inFlight: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly client: pg.Client,
    rename: (table: string) => string,
    { lookupStatements, copy }: StatementBatchOptions = {},
  ) {
    this.builder = knex({ client: 'pg' });
    const hook = this.builder.client as unknown as RunnerHook;
    hook.runner = (runnable) => ({ run: () => this.runBuilder(runnable, hook) });
    this.context = {
      trx: this.builder as Knex.Transaction,
      table: (name) => this.builder(rename(name)),
      tableName: rename,
      write: async (sql, bindings) => {
        this.steps.push(this.inlined(sql, bindings));
      },
      ...(lookupStatements && {
        lookingUpBy: async (table, column) => {
          this.steps.push(...lookupStatements(table, column));
        },
      }),
      ...(copy && {
        copy: async (rows) => {
          this.steps.push(rows);
        },
      }),
    };
  }

  /** Sends the writes recorded so far (statements as one query, COPYs between); the next send waits for this one. */
  async send(): Promise<void> {
    const previous = this.inFlight;
    if (this.steps.length > 0) {
      const steps = this.steps;
      this.steps = [];
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

  async close(): Promise<void> {
    await this.builder.destroy();
  }

  private async run(steps: readonly Step[]): Promise<void> {
    for (let i = 0; i < steps.length; ) {
      const step = steps[i]!;
      if (typeof step !== 'string') {
        await this.copyIn(step);
        i++;
        continue;
      }
      let end = i;
      while (typeof steps[end] === 'string') end++;
      await this.client.query(steps.slice(i, end).join(';\n'));
      i = end;
    }
  }

  /** A COPY that finds a row's key taken left nothing behind: its rows go in as the INSERT that skips taken keys. */
  private async copyIn(rows: CopyIn): Promise<void> {
    try {
      await new Promise<void>((resolve, reject) => {
        const stream = this.client.query(copyFrom(`COPY ${rows.table} (${rows.columns}) FROM STDIN`));
        stream.on('error', reject);
        stream.on('finish', resolve);
        stream.end(rows.lines);
      });
    } catch (err) {
      if ((err as { code?: unknown }).code !== UNIQUE_VIOLATION) throw err;
      const { sql, bindings } = rows.instead();
      await this.client.query(this.inlined(sql, bindings));
    }
  }

  /** A raw statement with `?` bindings as the one SQL text a batch sends. */
  private inlined(sql: string, bindings: readonly unknown[]): string {
    const native = this.builder.raw(sql, [...bindings] as Knex.RawBinding[]).toSQL().toNative();
    return inlineBindings(native.sql, native.bindings);
  }

  private async runBuilder(runnable: Runnable, hook: RunnerHook): Promise<unknown> {
    const compiled = runnable.toSQL();
    const { sql, bindings } = compiled.toNative();
    if (WRITES.has(compiled.method) && !compiled.returning) {
      this.steps.push(inlineBindings(sql, bindings));
      return undefined;
    }
    await this.drain();
    const response = await this.client.query(sql, [...bindings]);
    return hook.processResponse({ ...compiled, response }, undefined);
  }
}
