import type { ParsedUrlQuery } from 'node:querystring';
import { ValidationFailed, type FieldErrors } from '../domain/errors.js';
import type { ListQuery, ListSpec } from '../projections/listQuery.js';
import { NULL_CHARACTERS } from './validation/messages.js';

/** The query string's side of a list: what the read model runs (projections/listQuery.ts) is parsed here. */
export type { ListSpec };

export const MAX_LIMIT = 1000;
/** DRF's `default_limit`: the page size when only `offset` is given, or `limit` is 0. */
export const DEFAULT_LIMIT = 100;
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
