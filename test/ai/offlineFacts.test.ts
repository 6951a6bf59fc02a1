import { expect } from 'chai';
import fc from 'fast-check';
import { extractFacts } from '../../src/ai/offlineFacts.js';
import { CASE_SENSITIVE_SKILLS, TECH_SKILLS } from '../../src/ai/techSkills.js';

/*
 * The formatter's patterns before they were made linear (issue 14, item 5). Quadratic on long
 * runs, they are harmless on these short texts, and they say what the linear code must find.
 */
const SCHOOL = /(?:[A-Z][\p{L}.&'-]*\s+){0,4}(?:Universi\p{L}*|College|Institute|Polytechnic)(?:\s+(?:(?:of|de|di|du|für|del)\s+)?[A-Z][\p{L}'-]*)*/u;
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/;
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function skillsBefore(text: string): string[] {
  let rest = text;
  const found: { name: string; at: number }[] = [];
  const names = Object.values(TECH_SKILLS).flat();
  for (const name of names.sort((a, b) => b.length - a.length || a.localeCompare(b))) {
    const match = new RegExp(`(?<![\\w.+#/-])${escapeRegExp(name)}(?![\\w+#&/-]|\\.\\w)`, CASE_SENSITIVE_SKILLS.has(name) ? '' : 'i').exec(rest);
    if (!match) continue;
    found.push({ name, at: match.index });
    rest = rest.slice(0, match.index) + ' '.repeat(match[0].length) + rest.slice(match.index + match[0].length);
  }
  return found.sort((a, b) => a.at - b.at).map(({ name }) => name);
}

const WORDS = [
  'University', 'Universität', 'College', 'Institute', 'Polytechnic', 'of', 'de', 'für', 'Big', 'A', 'a', 'iOS', 'McGill', 'Dr.', '&', "'", '-', '.', ',', ';', '!',
  'worked at', 'Acme', 'Python', 'java', 'C', 'c', 'C++', 'C#', 'Node.js', 'node.JS', '.NET', 'CI/CD', 'Spring Boot', 'spring', 'Go', 'Golang', 'R', 'REST', 'Next.js.',
  '5', '+', 'years', 'experience', '@', 'jane.doe', 'example.com', 'x_y', 'BSc', "Master's", 'I', 'led', 'ſ', 'K', 'İ', 'Émile', '/', '#', 'aws', 'Power BI',
];
const SEPARATORS = [' ', '  ', '\n', '\t', '. ', ', ', ''];
const text = fc.array(fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom(...SEPARATORS)), { maxLength: 60 }).map((parts) => parts.flat().join(''));

describe('extractFacts', () => {
  it('finds what the quadratic patterns found, on any text made of resume words', () => {
    fc.assert(
      fc.property(text, (input) => {
        const facts = extractFacts(input);
        expect(facts.school).to.equal(SCHOOL.exec(input)?.[0].trim());
        expect(facts.email).to.equal(EMAIL.exec(input)?.[0]);
        expect(facts.skills.map((skill) => skill.name)).to.deep.equal(skillsBefore(input));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads a school name that starts inside a word from its first capital, as before', () => {
    expect(extractFacts('studied at iOS State University of Texas').school).to.equal('OS State University of Texas');
    expect(extractFacts('see MyCollegeX and Big College').school).to.equal('College');
  });
});
