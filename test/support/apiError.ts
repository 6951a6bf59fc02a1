import { expect } from 'chai';
import type { Response } from './api.js';

/** Top-level keys an error body may carry besides the four of API.md (Simple JWT's list, a 500's id, /readyz's checks). */
const EXTRA_KEYS = new Set(['messages', 'request_id', 'checks']);

/**
 * Asserts the API.md error shape: `{error, code, detail, field_errors?}` with `error === detail`,
 * field errors as lists of strings, and a 4xx status (never a 500). `context` names the request in failures.
 */
export function expectApiError(response: Response, context = ''): void {
  const where = `${context} → ${response.status} ${JSON.stringify(response.body)?.slice(0, 300)}`;
  expect(response.status, where).to.be.within(400, 499);
  const body = response.body as Record<string, unknown>;
  expect(body, where).to.be.an('object');
  expect(body.error, where).to.be.a('string').and.not.equal('');
  expect(body.code, where).to.be.a('string').and.not.equal('');
  expect(body.detail, where).to.equal(body.error);
  if ('field_errors' in body) {
    expect(body.field_errors, where).to.be.an('object');
    for (const messages of Object.values(body.field_errors as Record<string, unknown>)) {
      expect(messages, where).to.be.an('array').with.length.above(0);
      for (const message of messages as unknown[]) expect(message, where).to.be.a('string');
    }
  }
  for (const key of Object.keys(body)) {
    if (!['error', 'code', 'detail', 'field_errors'].includes(key)) expect(EXTRA_KEYS.has(key), `${where}: unexpected key ${key}`).to.equal(true);
  }
}
