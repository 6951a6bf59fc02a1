/** DRF 3.16 / Django 5.2 wording, verbatim (COMPAT.md §2.2). */

export const REQUIRED = 'This field is required.';
export const NULL = 'This field may not be null.';
export const BLANK = 'This field may not be blank.';

export const NOT_A_STRING = 'Not a valid string.';
export const NOT_AN_INTEGER = 'A valid integer is required.';
export const STRING_TOO_LARGE = 'String value too large.';
export const NOT_A_BOOLEAN = 'Must be a valid boolean.';
export const DATE_FORMAT = 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.';

export const INVALID_EMAIL = 'Enter a valid email address.';
/** DRF RegexField's default; a schema usually brings its own through `x-messages.pattern`. */
export const PATTERN_MISMATCH = 'This value does not match the required pattern.';
export const NULL_CHARACTERS = 'Null characters are not allowed.';

export const NO_DATA = 'No data provided';

export const surrogateCharacter = (codePoint: number): string =>
  `Surrogate characters are not allowed: U+${codePoint.toString(16).toUpperCase()}.`;
export const maxLength = (limit: unknown): string => `Ensure this field has no more than ${String(limit)} characters.`;
export const minLength = (limit: unknown): string => `Ensure this field has at least ${String(limit)} characters.`;
export const maxValue = (limit: unknown): string => `Ensure this value is less than or equal to ${String(limit)}.`;
export const minValue = (limit: unknown): string => `Ensure this value is greater than or equal to ${String(limit)}.`;
export const invalidChoice = (input: string): string => `"${input}" is not a valid choice.`;
export const incorrectPkType = (pythonType: string): string =>
  `Incorrect type. Expected pk value, received ${pythonType}.`;
export const notADictionary = (pythonType: string): string =>
  `Invalid data. Expected a dictionary, but got ${pythonType}.`;
