import { expect } from 'chai';
import {
  PASSWORD_ENTIRELY_NUMERIC,
  PASSWORD_TOO_COMMON,
  PASSWORD_TOO_SHORT,
  validatePassword,
} from '../../src/domain/user/passwordPolicy.js';
import { exceedsMaximumLengthRatio, quickRatio } from '../../src/domain/user/passwordSimilarity.js';

const john = { username: 'john_doe', email: 'john@example.com' };
const SIMILAR_TO_USERNAME = 'The password is too similar to the username.';
const SIMILAR_TO_EMAIL = 'The password is too similar to the email address.';

describe('validatePassword', () => {
  it('uses Django’s exact messages', () => {
    expect(PASSWORD_TOO_SHORT).to.equal('This password is too short. It must contain at least 8 characters.');
    expect(PASSWORD_TOO_COMMON).to.equal('This password is too common.');
    expect(PASSWORD_ENTIRELY_NUMERIC).to.equal('This password is entirely numeric.');
  });

  it('reports every failure in settings order: similarity, length, common, numeric', () =>
    expect(validatePassword('1234', { username: '1234', email: '' })).to.deep.equal([
      SIMILAR_TO_USERNAME,
      PASSWORD_TOO_SHORT,
      PASSWORD_TOO_COMMON,
      PASSWORD_ENTIRELY_NUMERIC,
    ]));

  it('gives COMPAT’s three messages for "1234"', () =>
    expect(validatePassword('1234', john)).to.deep.equal([PASSWORD_TOO_SHORT, PASSWORD_TOO_COMMON, PASSWORD_ENTIRELY_NUMERIC]));

  it('accepts the seed docs’ example', () => expect(validatePassword('SecurePass123!', john)).to.deep.equal([]));

  describe('minimum length', () => {
    it('counts code points, not UTF-16 units', () => {
      expect(validatePassword('😀😀😀😀Ab1', john)).to.deep.equal([PASSWORD_TOO_SHORT]);
      expect(validatePassword('😀😀😀😀Ab1x', john)).to.deep.equal([]);
    });
    it('reports an empty password as short only', () => expect(validatePassword('', john)).to.deep.equal([PASSWORD_TOO_SHORT]));
  });

  describe('similarity', () => {
    it('rejects a password equal to the username', () =>
      expect(validatePassword('johnsmith99', { username: 'johnsmith99', email: '' })).to.deep.equal([SIMILAR_TO_USERNAME]));

    it('is case-insensitive on both sides', () => {
      expect(validatePassword('JohnSmith99', { username: 'johnsmith99', email: '' })).to.deep.equal([SIMILAR_TO_USERNAME]);
      expect(validatePassword('johnsmith99', { username: 'JOHNSMITH99', email: '' })).to.deep.equal([SIMILAR_TO_USERNAME]);
    });

    it('compares against the email’s local part', () =>
      expect(validatePassword('alicewonder1', { username: 'x', email: 'alicewonder@example.com' })).to.deep.equal([SIMILAR_TO_EMAIL]));

    it('compares against each \\W-separated part of the email', () =>
      expect(validatePassword('wonder2024', { username: 'x', email: 'alice.wonder@example.com' })).to.deep.equal([SIMILAR_TO_EMAIL]));

    it('does not join the parts back: "alicewonder1" vs "alice.wonder@…" peaks at 2/3', () =>
      expect(validatePassword('alicewonder1', { username: 'x', email: 'alice.wonder@example.com' })).to.deep.equal([]));

    it('splits on Unicode non-word characters only, like Python’s re', () =>
      expect(validatePassword('müller2024', { username: 'x', email: 'zoë.müller@example.com' })).to.deep.equal([SIMILAR_TO_EMAIL]));

    it('reports only the first similar attribute, as Django raises on the first hit', () =>
      expect(validatePassword('alicewonder1', { username: 'alicewonder', email: 'alicewonder@example.com' })).to.deep.equal([
        SIMILAR_TO_USERNAME,
      ]));

    it('ignores an empty email', () => expect(validatePassword('Zq7#vLp2!mW9', { username: 'x', email: '' })).to.deep.equal([]));

    it('accepts a very long password that merely contains the username', () =>
      expect(validatePassword(`bob${'Zq7#vLp2!mW9'.repeat(3)}`, { username: 'bob', email: '' })).to.deep.equal([]));
  });

  describe('common passwords', () => {
    it('rejects "password"', () => expect(validatePassword('password', john)).to.deep.equal([PASSWORD_TOO_COMMON]));
    it('lowercases before the lookup', () => expect(validatePassword('Password', john)).to.deep.equal([PASSWORD_TOO_COMMON]));
    it('strips surrounding whitespace before the lookup', () =>
      expect(validatePassword('  qwerty  ', john)).to.deep.equal([PASSWORD_TOO_COMMON]));
    it('strips what Python’s str.strip() strips, not what String#trim does', () => {
      expect(validatePassword('\x1cqwerty\x1c', john)).to.deep.equal([PASSWORD_TOO_COMMON]);
      expect(validatePassword('\ufeffqwerty\ufeff', john)).to.deep.equal([]);
    });
    it('accepts a random strong password', () => expect(validatePassword('x9$Kt!rA2vQ7mzP1wy3L', john)).to.deep.equal([]));
  });

  describe('entirely numeric (Python str.isdigit)', () => {
    it('rejects ASCII digits', () => expect(validatePassword('12345678', john)).to.include(PASSWORD_ENTIRELY_NUMERIC));
    it('rejects superscript digits', () => expect(validatePassword('²³⁴⁵⁶⁷⁸⁹', john)).to.deep.equal([PASSWORD_ENTIRELY_NUMERIC]));
    it('rejects circled digits', () => expect(validatePassword('①②③④⑤⑥⑦⑧', john)).to.deep.equal([PASSWORD_ENTIRELY_NUMERIC]));
    it('rejects Arabic-Indic digits', () => expect(validatePassword('٠١٢٣٤٥٦٧', john)).to.deep.equal([PASSWORD_ENTIRELY_NUMERIC]));
    it('rejects astral decimal digits', () => expect(validatePassword('𝟘𝟙𝟚𝟛𝟜𝟝𝟞𝟟', john)).to.deep.equal([PASSWORD_ENTIRELY_NUMERIC]));
    it('accepts numerals that are numeric but not digits (CJK, Roman, fractions)', () => {
      expect(validatePassword('一二三四五六七八', john)).to.deep.equal([]);
      expect(validatePassword('ⅠⅡⅢⅣⅤⅥⅦⅧ', john)).to.deep.equal([]);
      expect(validatePassword('½½½½½½½½', john)).to.deep.equal([]);
    });
    it('accepts digits with one letter', () => expect(validatePassword('1234567a', john)).not.to.include(PASSWORD_ENTIRELY_NUMERIC));
  });
});

describe('quickRatio (CPython SequenceMatcher.quick_ratio)', () => {
  // By hand: 2 × (multiset overlap) / (len a + len b).
  it('"abcd" vs "bcde": overlap b,c,d → 6/8', () => expect(quickRatio('abcd', 'bcde')).to.equal(0.75));
  it('"hello" vs "world": overlap l,o → 4/10', () => expect(quickRatio('hello', 'world')).to.equal(0.4));
  it('"aab" vs "abb": each letter counts as often as both sides have it → 4/6', () =>
    expect(quickRatio('aab', 'abb')).to.equal(4 / 6));
  it('"alicewonder1" vs "wonder": all 6 letters match → 12/18', () => expect(quickRatio('alicewonder1', 'wonder')).to.equal(12 / 18));
  it('counts code points: "😀" vs "😀x" → 2/3', () => expect(quickRatio('😀', '😀x')).to.equal(2 / 3));
  it('is 1 for two empty strings', () => expect(quickRatio('', '')).to.equal(1));
});

describe('exceedsMaximumLengthRatio', () => {
  it('skips a value at most a tenth of the password’s length', () => {
    expect(exceedsMaximumLengthRatio('a'.repeat(30), 0.7, 'bob')).to.equal(true);
    expect(exceedsMaximumLengthRatio('a'.repeat(29), 0.7, 'bob')).to.equal(false);
  });
  it('measures both lengths in code points', () =>
    expect(exceedsMaximumLengthRatio('😀'.repeat(30), 0.7, 'abcdef')).to.equal(false));
  it('never skips when both are empty', () => expect(exceedsMaximumLengthRatio('', 0.7, '')).to.equal(false));
});
