import { isUtf8 } from 'node:buffer';

/**
 * Why `bytes` are not UTF-8, in the words of Python's `UnicodeDecodeError` (which DRF's parse error
 * quotes), e.g. "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"; undefined
 * when they are. Surrogates (ED A0..BF) and overlong forms are invalid, as in Python.
 */
export function describeInvalidUtf8(bytes: Buffer): string | undefined {
  if (isUtf8(bytes)) return undefined;
  let at = 0;
  while (at < bytes.length) {
    const lead = bytes[at]!;
    const length = sequenceLength(lead);
    if (length === 0) return decodeError(bytes, at, at, 'invalid start byte');
    for (let i = 1; i < length; i++) {
      if (at + i === bytes.length) return decodeError(bytes, at, at + i - 1, 'unexpected end of data');
      if (!continues(lead, i, bytes[at + i]!)) return decodeError(bytes, at, at + i - 1, 'invalid continuation byte');
    }
    at += length;
  }
  return undefined;
}

function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** The second byte's range depends on the lead (no overlongs, surrogates or code points above U+10FFFF). */
function continues(lead: number, index: number, byte: number): boolean {
  if (index > 1) return byte >= 0x80 && byte <= 0xbf;
  const [low, high] = lead === 0xe0 ? [0xa0, 0xbf] : lead === 0xed ? [0x80, 0x9f] : lead === 0xf0 ? [0x90, 0xbf] : lead === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
  return byte >= low && byte <= high;
}

/** Python names the bytes it gave up on: the lead byte alone, or the lead and its valid continuations. */
function decodeError(bytes: Buffer, first: number, last: number, reason: string): string {
  const which = first === last ? `byte 0x${bytes[first]!.toString(16).padStart(2, '0')} in position ${first}` : `bytes in position ${first}-${last}`;
  return `'utf-8' codec can't decode ${which}: ${reason}`;
}
