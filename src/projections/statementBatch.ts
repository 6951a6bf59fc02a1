import knex, { type Knex } from 'knex';
import pg from 'pg';
import type { ProjectionContext } from './projection.js';

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

/**
 * Runs a read model's unchanged projection code, but instead of one round trip per event its
 * writes are recorded and sent as one multi-statement query per batch (what makes a rebuild
 * fast, and a live projector's batch one round trip with its checkpoint). Order holds: a read flushes the recorded writes first and runs on the same
 * connection. The price: a write's result (a row count) is not available to `apply`.
 */
export class StatementBatch {
  readonly context: ProjectionContext;
  private readonly builder: Knex;
  private statements: string[] = [];
  private inFlight: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly client: pg.Client,
    rename: (table: string) => string,
  ) {
    this.builder = knex({ client: 'pg' });
    const hook = this.builder.client as unknown as RunnerHook;
    hook.runner = (runnable) => ({ run: () => this.run(runnable, hook) });
    this.context = {
      trx: this.builder as Knex.Transaction,
      table: (name) => this.builder(rename(name)),
      tableName: rename,
      write: async (sql, bindings) => {
        const native = this.builder.raw(sql, [...bindings] as Knex.RawBinding[]).toSQL().toNative();
        this.statements.push(inlineBindings(native.sql, native.bindings));
      },
    };
  }

  /** Sends the writes recorded so far as one query; the next send waits for this one. */
  async send(): Promise<void> {
    const previous = this.inFlight;
    if (this.statements.length > 0) {
      const sql = this.statements.join(';\n');
      this.statements = [];
      this.inFlight = previous.then(() => this.client.query(sql));
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

  private async run(runnable: Runnable, hook: RunnerHook): Promise<unknown> {
    const compiled = runnable.toSQL();
    const { sql, bindings } = compiled.toNative();
    if (WRITES.has(compiled.method) && !compiled.returning) {
      this.statements.push(inlineBindings(sql, bindings));
      return undefined;
    }
    await this.drain();
    const response = await this.client.query(sql, [...bindings]);
    return hook.processResponse({ ...compiled, response }, undefined);
  }
}
