import { CASE_SENSITIVE_SKILLS, TECH_SKILLS } from './techSkills.js';

/** What simple patterns can find in a person's free text; whatever is missing becomes a placeholder. */
export interface ResumeFacts {
  name?: string;
  title?: string;
  email?: string;
  phone?: string;
  location?: string;
  links: string[];
  years?: number;
  skills: { group: string; name: string }[];
  companies: string[];
  achievements: string[];
  degree?: string;
  school?: string;
}

const ROLE = '(?:engineer|developer|programmer|designer|manager|analyst|scientist|consultant|architect|administrator|specialist|accountant|teacher|nurse|writer|marketer|director|coordinator|technician|researcher|officer|assistant|intern|lead)';
const NOT_IN_TITLE = new Set(['a', 'an', 'the', 'as', 'am', 'i', 'im', 'i\'m', 'is', 'and', 'or', 'with', 'of', 'in', 'at', 'for', 'my', 'experienced', 'years', 'year', 'worked', 'work', 'working', 'been', 'have', 'has']);
const ACTION = /\b(?:worked|work|built|build|led|lead|developed|managed|designed|created|implemented|improved|deployed|launched|maintained|migrated|optimi[sz]ed|reduced|increased|delivered|mentored|architected|automated|wrote|shipped|owned|expert|specialized|specialised|responsible)\b/i;
const DEGREE = /\b(?:[Bb]achelor|[Mm]aster|[Dd]octorate|[Aa]ssociate)(?:'s|’s)?\b[^.;\n]*|\b(?:BSc|MSc|BEng|MEng|BA|MA|MBA|PhD|B\.Sc\.?|M\.Sc\.?|B\.S\.|M\.S\.|Ph\.D\.?)(?=[\s,]|$)[^.;\n]*/;
/** Up to four capitalised words, a school word, then "of Technology"-like words; tried only where findSchool says. */
const SCHOOL_AT = /(?:[A-Z][\p{L}.&'-]*\s+){0,4}(?:Universi\p{L}*|College|Institute|Polytechnic)(?:\s+(?:(?:of|de|di|du|für|del)\s+)?[A-Z][\p{L}'-]*)*/uy;
const SCHOOL_WORD_CHAR = /^[\p{L}.&'-]$/u;
const SCHOOL_WORDS = ['Universi', 'College', 'Institute', 'Polytechnic'];
/** "worked at Acme Corp": up to four capitalised words, never across a sentence's full stop. */
const COMPANY = /\b(?:[Ww]ork(?:ed|ing)?|[Ee]mployed|[Ii]nterned|[Jj]oined)\s+(?:at|for)\s+([A-Z][\w&'-]*(?:\.[\w&'-]+)*(?: [A-Z][\w&'-]*(?:\.[\w&'-]+)*){0,3})/g;
const MAX_ACHIEVEMENTS = 5;

export function extractFacts(text: string): ResumeFacts {
  const sentences = splitSentences(text);
  const degree = DEGREE.exec(text)?.[0].trim();
  return {
    name: findName(text),
    title: findTitle(text),
    // The lookbehind starts the local part only where a run of its characters starts: linear, same match.
    email: /(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+/.exec(text)?.[0],
    phone: findPhone(text),
    location: /\b(?:[Bb]ased in|[Ll]ocated in|[Ll]ive in|[Ll]iving in|[Ll]ocation:)\s+([A-Z][\w'-]*(?:,?\s+[A-Z][\w'-]*){0,2})/.exec(text)?.[1],
    links: [...text.matchAll(/\b(?:https?:\/\/)?(?:www\.)?(?:linkedin\.com|github\.com)\/[\w/-]+/gi)].map((m) => m[0]).slice(0, 2),
    years: findYears(sentences),
    skills: findSkills(text),
    companies: [...text.matchAll(COMPANY)]
      .map((m) => trimPunctuation(m[1] ?? ''))
      .filter((company, i, all) => company !== '' && all.indexOf(company) === i)
      .slice(0, 3),
    achievements: sentences.filter((s) => ACTION.test(s) && !DEGREE.test(s)).slice(0, MAX_ACHIEVEMENTS).map(asBullet),
    degree: degree ? trimPunctuation(degree) : undefined,
    school: findSchool(text),
  };
}

function splitSentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+|\n+/).map((s) => s.trim()).filter((s) => s.length > 0);
}

function findName(text: string): string | undefined {
  const stated = /\b(?:[Mm]y name is|[Nn]ame:)\s+([A-Z][\p{L}'’-]+(?:\s+[A-Z][\p{L}'’-]+){0,3})/u.exec(text)?.[1];
  if (stated) return stated;
  const firstLine = text.trim().split('\n')[0]?.trim() ?? '';
  const looksLikeName = /^[A-Z][\p{L}'’-]+(?:\s+[A-Z][\p{L}'’-]+){1,3}$/u.test(firstLine) && !new RegExp(`\\b${ROLE}\\b`, 'i').test(firstLine);
  return looksLikeName ? firstLine : undefined;
}

/** The role noun and up to three words before it that qualify it ("senior backend developer"). */
function findTitle(text: string): string | undefined {
  const match = new RegExp(`\\b${ROLE}\\b`, 'i').exec(text);
  if (!match) return undefined;
  const lineStart = text.lastIndexOf('\n', match.index) + 1;
  const before = text.slice(lineStart, match.index).split(/\s+/).filter((w) => w !== '');
  const qualifiers: string[] = [];
  for (const word of before.reverse()) {
    if (qualifiers.length === 3 || !/^[A-Za-z][\w+#-]*$/.test(word) || NOT_IN_TITLE.has(word.toLowerCase())) break;
    qualifiers.unshift(word);
  }
  return [...qualifiers, match[0]].map(capitalise).join(' ');
}

function findPhone(text: string): string | undefined {
  for (const m of text.matchAll(/\+?\d[\d\s().-]{7,}\d/g)) {
    const digits = m[0].replace(/\D/g, '').length;
    if (digits >= 9 && digits <= 15) return m[0].trim();
  }
  return undefined;
}

function findYears(sentences: string[]): number | undefined {
  for (const sentence of sentences.filter((s) => /\bexp(?:erience)?\b/i.test(s))) {
    const years = /\b(\d{1,2})\s*(?:\+\s*)?(?:years?|yrs?)\b/i.exec(sentence)?.[1];
    if (years) return Number(years);
  }
  return undefined;
}

/** Longest names first, each match blanked out, so "Spring Boot" is not also "Spring". */
function findSkills(text: string): { group: string; name: string }[] {
  let rest = text;
  let restFolded = foldAsciiCase(text);
  const found: { group: string; name: string; at: number }[] = [];
  const all = Object.entries(TECH_SKILLS).flatMap(([group, names]) => names.map((name) => ({ group, name })));
  for (const skill of all.sort((a, b) => b.name.length - a.name.length || a.name.localeCompare(b.name))) {
    const at = CASE_SENSITIVE_SKILLS.has(skill.name) ? indexOfSkill(rest, skill.name) : indexOfSkill(restFolded, foldAsciiCase(skill.name));
    if (at < 0) continue;
    found.push({ ...skill, at });
    const blank = (s: string) => s.slice(0, at) + ' '.repeat(skill.name.length) + s.slice(at + skill.name.length);
    rest = blank(rest);
    restFolded = blank(restFolded);
  }
  return found.sort((a, b) => a.at - b.at).map(({ group, name }) => ({ group, name }));
}

/** Where `name` first stands as a word of its own: not inside "Golang", "C++" or "Node.js.org". */
function indexOfSkill(text: string, name: string): number {
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
    const before = text.charAt(at - 1);
    const after = text.charAt(at + name.length);
    const continues = /[\w+#&/-]/.test(after) || (after === '.' && /\w/.test(text.charAt(at + name.length + 1)));
    if (!/[\w.+#/-]/.test(before) && !continues) return at;
  }
  return -1;
}

/** A case-insensitive JavaScript regex (without the u flag) folds ASCII letters only, as this does. */
const foldAsciiCase = (s: string) => s.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());

/**
 * SCHOOL_AT's leftmost match in the text. An unanchored search would read a long run of letters
 * once per starting point (quadratic), so it starts only where a match can begin first: at the first
 * capital of a run of name characters (a match from a later capital of the run also matches from
 * it), or at a school word (a match with no words before it, which always succeeds).
 */
function findSchool(text: string): string | undefined {
  let capitalSeen = false;
  let at = 0;
  for (const char of text) {
    if (!SCHOOL_WORD_CHAR.test(char)) capitalSeen = false;
    else if (char >= 'A' && char <= 'Z') {
      if (!capitalSeen || SCHOOL_WORDS.some((word) => text.startsWith(word, at))) {
        SCHOOL_AT.lastIndex = at;
        const match = SCHOOL_AT.exec(text);
        if (match) return match[0].trim();
      }
      capitalSeen = true;
    }
    at += char.length;
  }
  return undefined;
}

function asBullet(sentence: string): string {
  const clipped = sentence.length > 200 ? `${sentence.slice(0, 200).replace(/(?<!\s)\s+\S*$/, '')}…` : sentence;
  return capitalise(clipped.replace(/^(?:I|I've|I have|I am|I'm)\s+/i, ''));
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const trimPunctuation = (s: string) => s.trim().replace(/(?<![\s,;:.])[\s,;:.]+$/, '');
