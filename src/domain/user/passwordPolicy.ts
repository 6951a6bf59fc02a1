import { dictionary } from '@zxcvbn-ts/language-common';
import { findSimilarAttribute, type UserAttributes } from './passwordSimilarity.js';
export type { UserAttributes };

/**
 * Django's AUTH_PASSWORD_VALIDATORS as the original configured them (COMPAT.md §3): every failing
 * validator reports, in settings order Similarity, MinimumLength(8), Common, Numeric.
 */
export const MIN_PASSWORD_LENGTH = 8;
export const PASSWORD_TOO_SHORT = `This password is too short. It must contain at least ${MIN_PASSWORD_LENGTH} characters.`;
export const PASSWORD_TOO_COMMON = 'This password is too common.';
export const PASSWORD_ENTIRELY_NUMERIC = 'This password is entirely numeric.';
export const passwordTooSimilar = (verboseName: string): string => `The password is too similar to the ${verboseName}.`;

export function validatePassword(password: string, user: UserAttributes): string[] {
  const messages: string[] = [];
  const similarTo = findSimilarAttribute(password, user);
  if (similarTo !== undefined) messages.push(passwordTooSimilar(similarTo));
  if ([...password].length < MIN_PASSWORD_LENGTH) messages.push(PASSWORD_TOO_SHORT);
  if (commonPasswords().has(pythonStrip(password.toLowerCase()))) messages.push(PASSWORD_TOO_COMMON);
  if (isPythonDigitString(password)) messages.push(PASSWORD_ENTIRELY_NUMERIC);
  return messages;
}

/*
 * Not Django's file: zxcvbn-ts's maintained `passwords-common` list from @zxcvbn-ts/language-common
 * 4.1.x (49,233 distinct entries, already lowercased, 3 to 20 ASCII characters, most common first).
 * Django 5.2 ships 19,640 entries (5.0: 20,000 lines, 19,729 distinct), so we reject more passwords
 * than the original did, and a few of Django's entries may be missing here.
 */
let commonPasswordSet: ReadonlySet<string> | undefined;
function commonPasswords(): ReadonlySet<string> {
  commonPasswordSet ??= new Set(dictionary['passwords-common']);
  return commonPasswordSet;
}

// Python's str.strip() removes str.isspace() characters, which differ from String#trim (U+FEFF, U+001C…).
// A loop rather than /\s+$/-style regexes, which backtrack quadratically on long runs of spaces.
const PYTHON_SPACE = new Set(
  '\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000',
);
function pythonStrip(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && PYTHON_SPACE.has(s.charAt(start))) start++;
  while (end > start && PYTHON_SPACE.has(s.charAt(end - 1))) end--;
  return s.slice(start, end);
}

/*
 * Python's str.isdigit(): Numeric_Type Decimal (exactly \p{Nd}) or Digit. The Digit set (128 code points,
 * all category No: superscripts, subscripts, circled and parenthesised digits…) was generated from
 * CPython 3.11's unicodedata (Unicode 14.0); JS regexes have no Numeric_Type property.
 */
const PYTHON_DIGITS =
  /^[\p{Nd}\u00b2\u00b3\u00b9\u1369-\u1371\u19da\u2070\u2074-\u2079\u2080-\u2089\u2460-\u2468\u2474-\u247c\u2488-\u2490\u24ea\u24f5-\u24fd\u24ff\u2776-\u277e\u2780-\u2788\u278a-\u2792\u{10a40}-\u{10a43}\u{10e60}-\u{10e68}\u{11052}-\u{1105a}\u{1f100}-\u{1f10a}]+$/u;
const isPythonDigitString = (s: string): boolean => PYTHON_DIGITS.test(s);
