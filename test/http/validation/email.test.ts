import { expect } from 'chai';
import { isDjangoEmail } from '../../../src/http/validation/email.js';

// Verdicts of Django 5.2's validate_email; most rows come from Django's own validator tests.
const VALID = [
  'a@b.co',
  'email@here.com',
  "o'brien+tag@example.co.uk",
  '"quoted\\ local"@example.com',
  '"test@test"@example.com',
  '"\\\t"@here.com',
  'user@localhost',
  'user@[127.0.0.1]',
  'user@[2001:dB8::1]',
  'user@[::fffF:127.0.0.1]',
  'user@[0000:0000:0000:0000:0000:0000:0000:0001]',
  'u@bücher.de',
  'a@münchen.de',
  'a@b.cé',
  'a@xn--bcher-kva.de',
  'a@b.xn--p1ai',
  'example@valid-----hyphens.com',
  `a@${'a'.repeat(63)}.us`,
  `${'a'.repeat(308)}@example.com`, // 320 characters
  'ſmith@example.com', // Python's IGNORECASE folds ſ, K, ı and İ into A-Z
  'ıI@example.com',
];

const INVALID = [
  '',
  'bad',
  'a@b',
  'a@',
  '@b.com',
  'a@-b.com',
  'a@b-.com',
  'a@b.com.',
  'a@b..com',
  'a@.com',
  'a@b.12',
  'a@b.c0m',
  'a@b.-xy',
  'a@@b.com',
  'a@b@c.com',
  '.a@b.com',
  'a.@b.com',
  'a..b@c.com',
  'a b@c.com',
  'ü@bücher.de',
  'josé@example.com',
  '"quoted local"@example.com',
  '"\\\n"@here.com',
  'a@b.com\n',
  'a\n@b.com',
  'user@127.0.0.1',
  'user@[127.0.0.256]',
  'user@[01.2.3.4]',
  'user@[1.2.3]',
  'user@[2001:db8::12345]',
  'user@[1::2::3]',
  'user@[00000:0000:0000:0000:0000:0000:0000:0001]',
  'user@LOCALHOST',
  `a@${'a'.repeat(64)}.us`,
  `${'a'.repeat(309)}@example.com`, // 321 characters
  'a@b😀.com',
];

describe('isDjangoEmail', () => {
  for (const email of VALID) {
    it(`accepts ${JSON.stringify(email)}`, () => expect(isDjangoEmail(email)).to.equal(true));
  }
  for (const email of INVALID) {
    it(`refuses ${JSON.stringify(email)}`, () => expect(isDjangoEmail(email)).to.equal(false));
  }
});
