/**
 * How the original's Python sees a JSON value. DRF builds messages and conversions from
 * `str()`, `type().__name__`, `str.strip()` and `int()`, whose rules differ from JavaScript's.
 */

/** `str.isspace()`: unlike `String.prototype.trim`, it includes U+001C–U+001F and U+0085 but not U+FEFF. */
const WHITESPACE = '\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
/** `\s` in a Python str pattern is the same set. */
export const PYTHON_SPACE_CLASS = `[${WHITESPACE}]`;
const IS_WHITESPACE = new RegExp(`^${PYTHON_SPACE_CLASS}$`);

/** `int(text)` for base 10, ASCII digits only. Beyond ±1.8e308 it saturates, so range checks still report. */
const INT_LITERAL = /^[+-]?\d+(?:_\d+)*$/;

/** A loop, since `/\s+$/`-like patterns backtrack quadratically on a long run of spaces inside the text. */
export function pythonStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && IS_WHITESPACE.test(text.charAt(start))) start++;
  while (end > start && IS_WHITESPACE.test(text.charAt(end - 1))) end--;
  return text.slice(start, end);
}

export function pythonInt(text: string): number | undefined {
  const literal = pythonStrip(text);
  if (!INT_LITERAL.test(literal)) return undefined;
  const value = Number(literal.replaceAll('_', ''));
  return Number.isFinite(value) ? value : Math.sign(value) * Number.MAX_VALUE;
}

/** `type(value).__name__` of the value Python's json module would have produced. */
export function pythonTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  return Array.isArray(value) ? 'list' : 'dict';
}

/** `str(value)`. JSON `5.0` arrives here as `5`, so it prints as the int it is indistinguishable from. */
export function pythonStr(value: unknown): string {
  return typeof value === 'string' ? value : pythonRepr(value);
}

/**
 * Deeper than this, a container prints as `[...]` or `{...}` (as reprlib would): a body nested
 * thousands deep must give a 400 quoting it, not overflow the stack into a 500.
 */
const MAX_REPR_DEPTH = 100;

function pythonRepr(value: unknown, depth = 0): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return pythonNumber(value);
  if (typeof value === 'string') return pythonStringRepr(value);
  if (Array.isArray(value)) return depth >= MAX_REPR_DEPTH ? '[...]' : `[${value.map((item) => pythonRepr(item, depth + 1)).join(', ')}]`;
  if (depth >= MAX_REPR_DEPTH) return '{...}';
  const entries = Object.entries(value as Record<string, unknown>);
  return `{${entries.map(([key, item]) => `${pythonStringRepr(key)}: ${pythonRepr(item, depth + 1)}`).join(', ')}}`;
}

function pythonNumber(value: number): string {
  if (Number.isInteger(value)) return BigInt(value).toString();
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  // float repr switches to exponent notation outside 1e-4 ≤ |x| < 1e16, with at least two exponent digits.
  if (exponent < -4 || exponent >= 16) {
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return String(value);
}

function pythonStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const escaped = [...text].map((char) => {
    if (char === '\\' || char === quote) return `\\${char}`;
    if (char === '\n') return '\\n';
    if (char === '\r') return '\\r';
    if (char === '\t') return '\\t';
    const code = char.codePointAt(0) ?? 0;
    return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : char;
  });
  return `${quote}${escaped.join('')}${quote}`;
}
