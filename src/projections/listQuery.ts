import type { Knex } from 'knex';
import type { Readable } from 'node:stream';
import { jsonStream } from '../streaming/jsonStream.js';

/** What a read model's list allows: sortable fields, searched columns, exact-match filters. */
export interface ListSpec {
  /** API field name -> column. */
  orderable: Record<string, string>;
  /** e.g. `-updated_at`: the original's Meta.ordering. */
  defaultOrdering: string;
  searchColumns: readonly string[];
  /** Query parameter -> column and its allowed values. */
  filters: Record<string, { column: string; values: readonly string[] }>;
  /** SQL for a row's size in bytes, near enough: the sum of its long text columns' `octet_length`. */
  rowBytes: string;
}

export interface ListQuery {
  ordering: { column: string; direction: 'asc' | 'desc' }[];
  search?: string;
  filters: { column: string; value: string }[];
  page?: { limit: number; offset: number };
}

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

/**
 * What one list request reads per query, so what it holds at a time however many rows it lists:
 * rows up to this many bytes of text (one row at least), and at most LIST_CHUNK_ROWS of them.
 * Kept under V8's large-object size (128 KB), like the longest field, so what a list allocates
 * dies young instead of waiting for a full collection (bench/bounds).
 */
export const LIST_CHUNK_BYTES = 64 * 1024;
export const LIST_CHUNK_ROWS = 200;

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function applyFilters(query: Knex.QueryBuilder, list: ListQuery, spec: ListSpec): Knex.QueryBuilder {
  for (const { column, value } of list.filters) query.where(column, value);
  const search = list.search;
  if (search !== undefined) {
    query.where((q) => {
      for (const column of spec.searchColumns) q.orWhereILike(column, likePattern(search));
    });
  }
  return query;
}

/**
 * Runs a list: a plain array when no page was asked for (what the original's clients
 * expect), DRF's limit/offset envelope with absolute next/previous links otherwise.
 *
 * Never built whole: the ordered ids and sizes come first (a few bytes a row), then the rows
 * are read a chunk of LIST_CHUNK_BYTES at a time as the client takes the body (the stream's backpressure). No
 * connection is held while a slow client drains, unlike a server-side cursor. A row deleted
 * meanwhile is left out; one changed meanwhile is shown as it is now.
 */
export async function runList<Row, T>(
  base: () => Knex.QueryBuilder,
  list: ListQuery,
  spec: ListSpec,
  toApi: (row: Row) => T,
  pageUrl: (offset: number, limit: number) => string,
): Promise<Readable> {
  const ids = applyFilters(base(), list, spec);
  ids.select('id', ids.client.raw(`${spec.rowBytes} as bytes`));
  for (const { column, direction } of list.ordering) ids.orderBy(column, direction);
  ids.orderBy('id', list.ordering[0]?.direction ?? 'desc');
  if (!list.page) return jsonStream('[', await firstChunkRead(rowsInChunks(base, await chunksOf(ids), toApi)), ']');
  const { limit, offset } = list.page;
  const [pageIds, [{ count } = { count: 0 }]] = await Promise.all([
    chunksOf(ids.limit(limit).offset(offset)),
    applyFilters(base(), list, spec).count<{ count: string | number }[]>('* as count'),
  ]);
  const total = Number(count);
  const head: Omit<Page<T>, 'results'> = {
    count: total,
    next: offset + limit < total ? pageUrl(offset + limit, limit) : null,
    previous: offset > 0 ? pageUrl(Math.max(0, offset - limit), limit) : null,
  };
  return jsonStream(`${JSON.stringify(head).slice(0, -1)},"results":[`, await firstChunkRead(rowsInChunks(base, pageIds, toApi)), ']}');
}

/**
 * The chunks, the first one already read: a database that fails before the answer starts is a
 * 503 in the error shape, not a body cut after its status (only a list longer than one chunk can
 * still be cut, once streaming).
 */
async function firstChunkRead(chunks: AsyncGenerator<string[]>): Promise<AsyncIterable<string[]>> {
  const first = await chunks.next();
  return (async function* () {
    if (first.done) return;
    yield first.value;
    yield* chunks;
  })();
}

/** The ids in order, cut into chunks of about LIST_CHUNK_BYTES. */
async function chunksOf(query: Knex.QueryBuilder): Promise<unknown[][]> {
  const chunks: unknown[][] = [];
  let chunk: unknown[] = [];
  let bytes = 0;
  for (const row of (await query) as { id: unknown; bytes: number | string | null }[]) {
    const size = Number(row.bytes ?? 0);
    if (chunk.length > 0 && (bytes + size > LIST_CHUNK_BYTES || chunk.length >= LIST_CHUNK_ROWS)) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(row.id);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/** The rows of each chunk of ids, in that order, one query per chunk; each yields its items as JSON. */
async function* rowsInChunks<Row, T>(base: () => Knex.QueryBuilder, chunks: unknown[][], toApi: (row: Row) => T): AsyncGenerator<string[]> {
  for (const chunk of chunks) {
    const rows = (await base().whereIn('id', chunk as readonly number[])) as (Row & { id: unknown })[];
    const byId = new Map(rows.map((row) => [String(row.id), row]));
    yield chunk.flatMap((id) => {
      const row = byId.get(String(id));
      return row ? [JSON.stringify(toApi(row))] : [];
    });
  }
}

