import { createHash } from 'node:crypto';

/**
 * A fixed-size stand-in for a long text that a decision only compares for equality, so a
 * deciding state (and its snapshot) stays small whatever the text's size.
 */
export const textDigest = (text: string): string => createHash('sha256').update(text).digest('base64url');
