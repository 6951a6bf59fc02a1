import type { Knex } from 'knex';
import type { ParsedUrlQuery } from 'node:querystring';
import type { Readable } from 'node:stream';
import { ValidationFailed, type FieldErrors } from '../domain/errors.js';
import { NULL_CHARACTERS } from './validation/messages.js';
import { jsonStream } from './jsonStream.js';

/** What a list endpoint allows: sortable fields, searched columns, exact-match filters. */
export interface ListSpec {
  /** API field name -> column. */
  orderable: Record<string, string>;
  /** e.g. `-updated_at`: the original's Meta.ordering. */
  defaultOrdering: string;
  searchColumns: readonly string[];
  /** Query parameter -> column and its allowed values. */
  filters: Record<string, { column: string; values: readonly string[] }>;
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

export const MAX_LIMIT = 1000;
/** DRF's `default_limit`: the page size when only `offset` is given, or `limit` is 0. */
export const DEFAULT_LIMIT = 100;
/**
 * Rows read per query: what one list request holds at a time, however many rows it lists.
 * Sized for the largest rows the field limits allow (a resume of 100,000 characters).
 */
export const LIST_CHUNK_ROWS = 10;
const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[value.length - 1] : value);

function nonNegativeInteger(raw: string | undefined, name: string, errors: FieldErrors, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\s*\d+\s*$/.test(raw)) {
    errors[name] = ['A valid integer is required.'];
    return undefined;
  }
  const n = Number(raw);
  if (n > max) errors[name] = [`Ensure this value is less than or equal to ${max}.`];
  return n;
}

/** Parses `?status=&search=&ordering=&limit=&offset=`; a bad parameter is a 400 naming it. */
export function parseListQuery(query: ParsedUrlQuery, spec: ListSpec): ListQuery {
  const errors: FieldErrors = {};
  const filters: ListQuery['filters'] = [];
  for (const [param, { column, values }] of Object.entries(spec.filters)) {
    const value = single(query[param]);
    if (value === undefined) continue;
    if (!values.includes(value)) errors[param] = [`Select a valid choice. ${value} is not one of the available choices.`];
    else filters.push({ column, value });
  }
  const orderingParam = single(query.ordering)?.trim() || spec.defaultOrdering;
  const ordering: ListQuery['ordering'] = [];
  for (const term of orderingParam.split(',').map((t) => t.trim()).filter(Boolean)) {
    const field = term.replace(/^-/, '');
    const column = spec.orderable[field];
    if (!column) {
      errors.ordering = [`Cannot order by "${field}". Choose from: ${Object.keys(spec.orderable).join(', ')}.`];
      break;
    }
    ordering.push({ column, direction: term.startsWith('-') ? 'desc' : 'asc' });
  }
  const limit = nonNegativeInteger(single(query.limit), 'limit', errors, MAX_LIMIT);
  const offset = nonNegativeInteger(single(query.offset), 'offset', errors);
  const search = single(query.search)?.trim();
  // PostgreSQL text cannot hold NUL: the ILIKE would fail as a 500.
  if (search?.includes('\u0000')) errors.search = [NULL_CHARACTERS];
  if (Object.keys(errors).length > 0) throw new ValidationFailed(errors);
  return {
    ordering,
    search: search || undefined,
    filters,
    // DRF's get_limit takes 0 as no limit given (`_positive_int(strict=True)` refuses it): the default page.
    page: limit !== undefined || offset !== undefined ? { limit: limit || DEFAULT_LIMIT, offset: offset ?? 0 } : undefined,
  };
}

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
 * Never built whole: the ordered ids come first (a few bytes a row), then the rows are read
 * LIST_CHUNK_ROWS at a time as the client takes the body (the stream's backpressure). No
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
  const ids = applyFilters(base(), list, spec).select('id');
  for (const { column, direction } of list.ordering) ids.orderBy(column, direction);
  ids.orderBy('id', list.ordering[0]?.direction ?? 'desc');
  if (!list.page) return jsonStream('[', rowsInChunks(base, await idsOf(ids), toApi), ']');
  const { limit, offset } = list.page;
  const [pageIds, [{ count } = { count: 0 }]] = await Promise.all([
    idsOf(ids.limit(limit).offset(offset)),
    applyFilters(base(), list, spec).count<{ count: string | number }[]>('* as count'),
  ]);
  const total = Number(count);
  const head: Omit<Page<T>, 'results'> = {
    count: total,
    next: offset + limit < total ? pageUrl(offset + limit, limit) : null,
    previous: offset > 0 ? pageUrl(Math.max(0, offset - limit), limit) : null,
  };
  return jsonStream(`${JSON.stringify(head).slice(0, -1)},"results":[`, rowsInChunks(base, pageIds, toApi), ']}');
}

const idsOf = async (query: Knex.QueryBuilder): Promise<unknown[]> => ((await query) as { id: unknown }[]).map((r) => r.id);

/** The rows of `ids`, in that order, LIST_CHUNK_ROWS per query; each yields its items as JSON. */
async function* rowsInChunks<Row, T>(base: () => Knex.QueryBuilder, ids: unknown[], toApi: (row: Row) => T): AsyncGenerator<string[]> {
  for (let start = 0; start < ids.length; start += LIST_CHUNK_ROWS) {
    const chunk = ids.slice(start, start + LIST_CHUNK_ROWS);
    const rows = (await base().whereIn('id', chunk as readonly number[])) as (Row & { id: unknown })[];
    const byId = new Map(rows.map((row) => [String(row.id), row]));
    yield chunk.flatMap((id) => {
      const row = byId.get(String(id));
      return row ? [JSON.stringify(toApi(row))] : [];
    });
  }
}

/** DRF's link format: the request URL with `limit` and `offset` replaced. */
export function pageUrlFor(origin: string, path: string, query: ParsedUrlQuery): (offset: number, limit: number) => string {
  return (offset, limit) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (key === 'limit' || key === 'offset' || value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
    }
    params.set('limit', String(limit));
    if (offset > 0) params.set('offset', String(offset));
    return `${origin}${path}?${params.toString()}`;
  };
}
