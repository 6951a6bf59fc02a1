import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { CONFIG_TABLE_END, CONFIG_TABLE_START, configurationSettings, withConfigurationTable } from '../src/configTable.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The README's configuration table as written: variable → default. */
function readmeRows(): Array<{ variable: string; default: string }> {
  const table = README.slice(README.indexOf(CONFIG_TABLE_START) + CONFIG_TABLE_START.length, README.indexOf(CONFIG_TABLE_END));
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const [variable = '', shownDefault = ''] = line.slice(1).split(' | ').map((cell) => cell.trim());
      return { variable: variable.replace(/`/g, ''), default: shownDefault };
    });
}

describe('README configuration table', () => {
  it('lists exactly the declared settings, in their order, with their defaults', () => {
    const declared = configurationSettings().map((s) => ({ variable: s.variable, default: s.default }));
    expect(readmeRows()).to.deep.equal(declared);
  });

  it('is the table generated from the declarations (npm run config:readme rewrites it)', () => {
    expect(withConfigurationTable(README) === README, 'README.md is out of date: run npm run config:readme').to.equal(true);
  });

  it('declares each variable once, each with a meaning', () => {
    const variables = configurationSettings().map((s) => s.variable);
    expect(new Set(variables).size).to.equal(variables.length);
    for (const s of configurationSettings()) expect(s.meaning.trim(), s.variable).not.to.equal('');
  });

  it('shows the schema’s own default where the declaration gives none', () => {
    const byVariable = new Map(configurationSettings().map((s) => [s.variable, s.default]));
    expect(byVariable.get('PORT')).to.equal('`8000`');
    expect(byVariable.get('RUN_PROJECTIONS')).to.equal('`True`');
    expect(byVariable.get('CORS_ALLOWED_ORIGINS')).to.equal('empty');
    expect(byVariable.get('GOOGLE_GEMINI_API_KEY')).to.equal('unset');
  });
});
