import { extractFacts, type ResumeFacts } from './offlineFacts.js';
import type { AiProvider } from './provider.js';

/**
 * `offline`: no network and no key. A deterministic one-page resume laid out from what simple
 * patterns find in the user's text, with `[Placeholder]`s for the rest, so the product works
 * without any AI provider configured.
 */
export const offlineProvider: AiProvider = {
  generate: async ({ prompt }) => formatOfflineResume(prompt.userInput),
};

export function formatOfflineResume(userInput: string): string {
  const facts = extractFacts(userInput);
  return [header(facts), summary(facts), skills(facts), experience(facts), education(facts)].join('\n\n') + '\n';
}

function header(f: ResumeFacts): string {
  const contact = [f.email ?? '[Your Email]', f.phone ?? '[Your Phone]', f.location ?? '[Your City, Country]', ...(f.links.length > 0 ? f.links : ['[LinkedIn URL]'])];
  return `# ${f.name ?? '[Your Name]'}\n\n**${f.title ?? '[Your Title]'}**\n\n${contact.join(' · ')}`;
}

function summary(f: ResumeFacts): string {
  const years = f.years === undefined ? '' : ` ${f.years}+ years of`;
  const strengths = f.skills.length > 0 ? ` in ${listOf(f.skills.slice(0, 3).map((s) => s.name))}` : '';
  return `## Summary\n\n${f.title ?? '[Your Title]'} with${years} experience${strengths}. [One sentence on the role you are looking for and the value you bring.]`;
}

function skills(f: ResumeFacts): string {
  if (f.skills.length === 0) return '## Skills\n\n- [Your key skills]';
  const groups = new Map<string, string[]>();
  for (const { group, name } of f.skills) groups.set(group, [...(groups.get(group) ?? []), name]);
  return `## Skills\n\n${[...groups].map(([group, names]) => `- **${group}:** ${names.join(', ')}`).join('\n')}`;
}

/** One entry per company found; an achievement goes to the company it names, else to the first entry. */
function experience(f: ResumeFacts): string {
  const companies = f.companies.length > 0 ? f.companies : ['[Company Name]'];
  const bullets = new Map<string, string[]>(companies.map((c) => [c, []]));
  for (const achievement of f.achievements) {
    const company = companies.find((c) => achievement.includes(c)) ?? companies[0] ?? '';
    bullets.get(company)?.push(achievement);
  }
  const entries = companies.map((company) => {
    const items = bullets.get(company) ?? [];
    const list = items.length > 0 ? items : ['[Key achievement, with a measurable result]'];
    return `### ${f.title ?? '[Job Title]'} — ${company}\n*[Start Date] – [End Date]*\n\n${list.map((b) => `- ${b}`).join('\n')}`;
  });
  return `## Experience\n\n${entries.join('\n\n')}`;
}

function education(f: ResumeFacts): string {
  const degree = f.degree ?? '[Degree]';
  const namesSchool = f.school !== undefined ? degree.includes(f.school) : /\b(?:from|at)\s+[A-Z]/.test(degree);
  const school = namesSchool ? '' : ` — ${f.school ?? '[University]'}`;
  const year = /\b(?:19|20)\d{2}\b/.test(degree) ? '' : '\n*[Graduation Year]*';
  return `## Education\n\n**${degree}**${school}${year}`;
}

function listOf(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1) ?? ''}`;
}
