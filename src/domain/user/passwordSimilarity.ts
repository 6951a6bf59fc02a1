/**
 * Django's UserAttributeSimilarityValidator (5.x), ported with Python's string semantics:
 * lengths and SequenceMatcher both work on code points, not UTF-16 units.
 */
export const MAX_SIMILARITY = 0.7;

export interface UserAttributes {
  username: string;
  email: string;
}

// Django checks username, first_name, last_name, email; our users have no names.
const ATTRIBUTES: ReadonlyArray<{ key: keyof UserAttributes; verboseName: string }> = [
  { key: 'username', verboseName: 'username' },
  { key: 'email', verboseName: 'email address' },
];

// Python's `re.split(r"\W+", …)` on a str: \w is letters, numbers and "_" (combining marks are not).
const NON_WORD = /[^\p{L}\p{N}_]+/u;

const codePointLength = (s: string): number => [...s].length;

/** CPython's `SequenceMatcher(a=a, b=b).quick_ratio()`: 2·|a ∩ b as multisets| / (|a| + |b|). */
export function quickRatio(a: string, b: string): number {
  const available = new Map<string, number>();
  let lengthB = 0;
  for (const ch of b) {
    available.set(ch, (available.get(ch) ?? 0) + 1);
    lengthB++;
  }
  let matches = 0;
  let lengthA = 0;
  for (const ch of a) {
    lengthA++;
    const left = available.get(ch) ?? 0;
    if (left > 0) {
      matches++;
      available.set(ch, left - 1);
    }
  }
  const total = lengthA + lengthB;
  return total === 0 ? 1 : (2 * matches) / total;
}

/**
 * Django's `exceeds_maximum_length_ratio`: when the password is 10× longer than the value,
 * quick_ratio cannot exceed 2/11, so the comparison is skipped. It never changes the outcome.
 */
export function exceedsMaximumLengthRatio(password: string, maxSimilarity: number, value: string): boolean {
  const passwordLength = codePointLength(password);
  const lengthBoundSimilarity = (maxSimilarity / 2) * passwordLength;
  const valueLength = codePointLength(value);
  return passwordLength >= 10 * valueLength && valueLength < lengthBoundSimilarity;
}

/**
 * The verbose name of the first attribute the password is too similar to, or undefined.
 * Django raises on the first hit, so at most one attribute is ever reported.
 */
export function findSimilarAttribute(password: string, user: UserAttributes): string | undefined {
  const lowered = password.toLowerCase();
  for (const { key, verboseName } of ATTRIBUTES) {
    const value = user[key];
    if (!value) continue;
    const valueLower = value.toLowerCase();
    const parts = [...valueLower.split(NON_WORD), valueLower];
    const tooSimilar = parts.some(
      (part) =>
        !exceedsMaximumLengthRatio(lowered, MAX_SIMILARITY, part) && quickRatio(lowered, part) >= MAX_SIMILARITY,
    );
    if (tooSimilar) return verboseName;
  }
  return undefined;
}
