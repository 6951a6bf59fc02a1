import { expect } from 'chai';
import { describeInvalidUtf8 } from '../../src/http/middleware/utf8Error.js';

// Each message is what CPython 3.11 prints for `bytes.fromhex(hex).decode('utf-8')`.
const PYTHON: Array<[string, string | undefined]> = [
  ['f09f9880', undefined],
  ['ff', "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"],
  ['41ff', "'utf-8' codec can't decode byte 0xff in position 1: invalid start byte"],
  ['80', "'utf-8' codec can't decode byte 0x80 in position 0: invalid start byte"],
  ['f5', "'utf-8' codec can't decode byte 0xf5 in position 0: invalid start byte"],
  ['c0af', "'utf-8' codec can't decode byte 0xc0 in position 0: invalid start byte"],
  ['eda080', "'utf-8' codec can't decode byte 0xed in position 0: invalid continuation byte"],
  ['e080', "'utf-8' codec can't decode byte 0xe0 in position 0: invalid continuation byte"],
  ['f08f8080', "'utf-8' codec can't decode byte 0xf0 in position 0: invalid continuation byte"],
  ['f4908080', "'utf-8' codec can't decode byte 0xf4 in position 0: invalid continuation byte"],
  ['e228a1', "'utf-8' codec can't decode byte 0xe2 in position 0: invalid continuation byte"],
  ['f0908028', "'utf-8' codec can't decode bytes in position 0-2: invalid continuation byte"],
  ['c2', "'utf-8' codec can't decode byte 0xc2 in position 0: unexpected end of data"],
  ['41e2', "'utf-8' codec can't decode byte 0xe2 in position 1: unexpected end of data"],
  ['e282', "'utf-8' codec can't decode bytes in position 0-1: unexpected end of data"],
  ['f09f98', "'utf-8' codec can't decode bytes in position 0-2: unexpected end of data"],
];

describe('describeInvalidUtf8', () => {
  for (const [hex, message] of PYTHON) {
    it(`words ${hex} as Python does`, () => {
      expect(describeInvalidUtf8(Buffer.from(hex, 'hex'))).to.equal(message);
    });
  }
});
