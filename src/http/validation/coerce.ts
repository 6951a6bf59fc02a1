import { assertNever } from '../../domain/errors.js';
import { allowsNull, type Field } from './fields.js';
import { PYTHON_SPACE_CLASS, pythonInt, pythonStr, pythonStrip } from './python.js';

/**
 * DRF's `to_internal_value` where it succeeds: trims strings, turns `5` into `"5"`, `"5"`
 * into `5`, `"on"` into `true`. A value it cannot convert comes back unchanged, so that
 * ajv reports it and `toFieldErrors` words the failure.
 */
export function toInternalValue(field: Field, value: unknown): unknown {
  if (value === null) return value;
  switch (field.kind) {
    case 'string':
      return toText(field, value);
    case 'choice':
      return toChoice(field, value);
    case 'integer':
      return toInteger(value);
    case 'pk':
      return toPk(value);
    case 'boolean':
      return toBoolean(field, value);
    case 'date':
      return value;
    default:
      return assertNever(field.kind);
  }
}

/** IntegerField refuses longer strings outright ("String value too large."). */
export const MAX_INTEGER_STRING_LENGTH = 1000;

// BooleanField's sets, verbatim; `1.0` and `0.0` are the same JSON numbers as `1` and `0`.
const TRUE_VALUES: ReadonlySet<unknown> = new Set(['t', 'T', 'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON', '1', 1, true]);
const FALSE_VALUES: ReadonlySet<unknown> = new Set(['f', 'F', 'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF', '0', 0, false]);
const NULL_VALUES: ReadonlySet<unknown> = new Set(['null', 'Null', 'NULL', '']);

/** IntegerField's `re_decimal`: `"5.0"`, `"5."` and `"5.000 "` are the integer 5. */
const TRAILING_ZERO_DECIMALS = new RegExp(`\\.0*${PYTHON_SPACE_CLASS}*$`);

function toText(field: Field, value: unknown): unknown {
  const text = typeof value === 'number' ? pythonStr(value) : value;
  if (typeof text !== 'string') return value;
  return field.schema['x-trim'] === false ? text : pythonStrip(text);
}

function toChoice(field: Field, value: unknown): unknown {
  const input = pythonStr(value);
  const choices = field.schema.enum as readonly unknown[];
  return choices.find((choice) => pythonStr(choice) === input) ?? value;
}

function toInteger(value: unknown): unknown {
  if (typeof value !== 'string' || [...value].length > MAX_INTEGER_STRING_LENGTH) return value;
  return pythonInt(value.replace(TRAILING_ZERO_DECIMALS, '')) ?? value;
}

/** Django's `int(pk)`: no decimal point allowed, unlike IntegerField. */
function toPk(value: unknown): unknown {
  return typeof value === 'string' ? (pythonInt(value) ?? value) : value;
}

function toBoolean(field: Field, value: unknown): unknown {
  if (TRUE_VALUES.has(value)) return true;
  if (FALSE_VALUES.has(value)) return false;
  if (NULL_VALUES.has(value) && allowsNull(field)) return null;
  return value;
}
