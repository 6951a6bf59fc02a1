import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { check } from 'recheck';
import { findSourceRegexes, type SourceRegex } from '../support/sourceRegexes.js';

// Search by step limits, not the clock, so a busy machine cannot turn a verdict into "unknown".
// The recall stays timed: it confirms a found attack by running it, and "safe" never needs one.
const UNTIMED = { timeout: null, attackTimeout: null, incubationTimeout: null, seedingTimeout: null };

async function verdictOf({ source, flags }: Pick<SourceRegex, 'source' | 'flags'>): Promise<string> {
  const diagnostics = await check(source, flags, UNTIMED);
  if (diagnostics.status === 'vulnerable') return `vulnerable (${diagnostics.complexity.summary}), e.g. ${diagnostics.attack.pattern}`;
  if (diagnostics.status === 'unknown') return `unknown (${diagnostics.error.kind})`;
  return diagnostics.status;
}

describe('Regular expressions in src/ (ReDoS)', function () {
  this.timeout(600_000); // recheck fuzzes some eighty patterns, untimed

  let found: ReturnType<typeof findSourceRegexes>;
  before(() => {
    found = findSourceRegexes('src');
  });

  it('finds literals, RegExp constructors built from constants, and JSON Schema patterns', () => {
    const sources = found.regexes.map((regex) => `/${regex.source}/${regex.flags}`);
    expect(sources).to.include('/^[+-]?\\d+(?:_\\d+)*$/'); // a literal
    expect(sources.some((s) => s.startsWith("/^[-!#$%&'*+/=?^_`{}|~0-9A-Z") && s.endsWith('/iu'))).to.equal(true); // email.ts's template of constants
    expect(sources).to.include('/^[\\p{L}\\p{N}_.@+-]+$/u'); // the username schema's pattern, as ajv compiles it
    expect(sources).to.include('/^(?:[A-Z][A-Z0-9_]*_API_KEY)?$/u'); // a schema pattern imported from another module
    expect(found.regexes.length).to.be.above(60);
  });

  it('builds no regular expression from anything but constants, which nothing could vouch for', () => {
    expect(found.opaque).to.deep.equal([]);
  });

  it('has no pattern that can backtrack super-linearly, by recheck’s verdict', async () => {
    const unsafe: string[] = [];
    for (const regex of found.regexes) {
      const verdict = await verdictOf(regex);
      if (verdict !== 'safe') unsafe.push(`${regex.at} /${regex.source}/${regex.flags}: ${verdict}`);
    }
    expect(unsafe).to.deep.equal([]);
  });

  it('would report a RegExp built from a variable, and a quadratic literal', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'redos-'));
    try {
      await writeFile(path.join(dir, 'bad.ts'), 'export const find = (word: string, text: string) => new RegExp(word).test(text) || /\\s+$/.test(text);\n');
      const { regexes, opaque } = findSourceRegexes(dir);
      expect(opaque.map((o) => o.code)).to.deep.equal(['new RegExp(word)']);
      expect(regexes.map((r) => r.source)).to.deep.equal(['\\s+$']);
      expect(await verdictOf(regexes[0]!)).to.match(/^vulnerable/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe('the patterns it replaced (issue 14, item 5)', () => {
    const replaced: Array<[string, string, string]> = [
      ['school names', "(?:[A-Z][\\p{L}.&'-]*\\s+){0,4}(?:Universi\\p{L}*|College|Institute|Polytechnic)(?:\\s+(?:(?:of|de|di|du|für|del)\\s+)?[A-Z][\\p{L}'-]*)*", 'u'],
      ['email addresses in free text', '[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+', ''],
      ['years of experience', '\\b(\\d{1,2})\\s*\\+?\\s*(?:years?|yrs?)\\b', 'i'],
      ['a clipped bullet’s last word', '\\s+\\S*$', ''],
      ['trailing punctuation', '[\\s,;:.]+$', ''],
      ['Python’s str.strip()', '^[\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]+|[\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]+$', 'g'],
    ];
    for (const [what, source, flags] of replaced) {
      it(`were vulnerable: ${what}`, async () => {
        expect(await verdictOf({ source, flags })).to.match(/^vulnerable/);
      });
    }
  });
});
