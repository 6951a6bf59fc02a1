import { expect } from 'chai';
import type { Logger } from '../../src/logger.js';
import { logKoaError } from '../../src/http/koaErrors.js';

describe("Koa's error event", () => {
  const levels = (err: unknown) => {
    const seen: string[] = [];
    const logger = { debug: () => seen.push('debug'), error: () => seen.push('error') } as unknown as Logger;
    logKoaError(logger)(err);
    return seen;
  };

  it('logs a client that went away mid-response at debug (a streamed list it stopped reading is not a server error)', () => {
    expect(levels(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }))).to.deep.equal(['debug']);
    expect(levels(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).to.deep.equal(['debug']);
  });

  it('logs anything else at error', () => {
    expect(levels(new TypeError('bug'))).to.deep.equal(['error']);
    expect(levels('thrown text')).to.deep.equal(['error']);
  });
});
