import { expect } from 'chai';
import path from 'node:path';
import ts from 'typescript';
import { processEnvReads, processEnvReadsIn } from '../support/processEnvReads.js';

const SRC = path.resolve('src');
const CONFIG = path.join(SRC, 'config.ts');

/** Configuration is declared once (src/configSettings.ts) and read from the environment in one file. */
describe('security: the environment is read only in src/config.ts', () => {
  it('finds no process.env outside src/config.ts', () => {
    const files = ts.sys.readDirectory(SRC, ['.ts']).map((f) => path.resolve(f));
    expect(files.length).to.be.greaterThan(50);
    const elsewhere = files.filter((f) => f !== CONFIG).flatMap(processEnvReadsIn);
    expect(elsewhere, 'read the setting through src/config.ts (declare it in src/configSettings.ts)').to.deep.equal([]);
  });

  it('finds the reads in src/config.ts itself, so the search looks where reads are', () => {
    expect(processEnvReadsIn(CONFIG)).to.have.length.greaterThan(0);
  });

  it('recognises every way of reading it, and not a comment that names it', () => {
    const source = [
      '// process.env in a comment',
      'const a = process.env.PORT;',
      "const b = process['env'];",
      'const c = globalThis.process.env;',
      'const { env } = process;',
      'const { env: renamed } = process;',
      'const d = processes.env;',
    ].join('\n');
    expect(processEnvReads('src/sample.ts', source).map((at) => at.split(':')[1])).to.deep.equal(['2', '3', '4', '5', '6']);
  });
});
