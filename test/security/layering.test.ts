import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * Dependencies point one way: domain <- commands <- http/cli, and read models (projections)
 * never reach for a transport or the environment. Read from the import statements of src/,
 * as the TypeScript compiler parses them (type-only imports, re-exports and dynamic imports too).
 */
const ROOT = path.resolve('.');

/** Packages that do I/O: the domain decides, it never talks to a database, a server or a socket. */
const INFRASTRUCTURE_PACKAGES = ['knex', 'pg', 'koa', '@koa/router', 'ioredis', '@eventstore/db-client'];

interface SourceFile {
  /** Relative to the repository, with forward slashes: `src/…`. */
  file: string;
  text: string;
}

interface Rule {
  layer: string;
  forbids(target: string): boolean;
  readsEnvironment?: true;
  why: string;
}

const inFolder = (folder: string) => (file: string) => file === folder || file.startsWith(`${folder}/`);

const RULES: Rule[] = [
  {
    layer: 'src/domain',
    forbids: (target) => !inFolder('src/domain')(target) && (inFolder('src')(target) || target.startsWith('.') || INFRASTRUCTURE_PACKAGES.includes(target)),
    readsEnvironment: true,
    why: 'the domain imports nothing outside src/domain but pure libraries',
  },
  { layer: 'src/commands', forbids: (target) => inFolder('src/http')(target) || inFolder('src/cli')(target), why: 'commands never import http or cli' },
  {
    layer: 'src/projections',
    forbids: (target) => inFolder('src/http')(target) || inFolder('src/cli')(target),
    readsEnvironment: true,
    why: 'read models never import http or cli, nor read process.env',
  },
];

function sourceFiles(dir = path.join(ROOT, 'src')): SourceFile[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    if (!entry.name.endsWith('.ts')) return [];
    return [{ file: path.relative(ROOT, full).split(path.sep).join('/'), text: readFileSync(full, 'utf8') }];
  });
}

/** Each import of `source`: a file of the repository (`src/…`, without extension), a package name, or a path leaving the repository. */
function importsOf(source: SourceFile): string[] {
  return ts.preProcessFile(source.text, true, true).importedFiles.map(({ fileName }) => {
    if (!fileName.startsWith('.')) return fileName;
    const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(source.file), fileName));
    return resolved.replace(/\.(js|ts)$/, '');
  });
}

function readsProcessEnv(source: SourceFile): boolean {
  const tree = ts.createSourceFile(source.file, source.text, ts.ScriptTarget.Latest, false);
  let found = false;
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'process' && node.name.text === 'env') found = true;
    if (!found) ts.forEachChild(node, visit);
  };
  visit(tree);
  return found;
}

/** Every breach of RULES in `sources`, as `file -> import (why)`. */
function violations(sources: readonly SourceFile[]): string[] {
  return sources.flatMap((source) =>
    RULES.filter((rule) => inFolder(rule.layer)(source.file)).flatMap((rule) => [
      ...importsOf(source)
        .filter((target) => rule.forbids(target))
        .map((target) => `${source.file} -> ${target} (${rule.why})`),
      ...(rule.readsEnvironment && readsProcessEnv(source) ? [`${source.file} reads process.env (${rule.why})`] : []),
    ]),
  );
}

describe('layering of src/', () => {
  it('has no import against the direction domain <- commands <- http/cli, and read models read no environment', () => {
    const sources = sourceFiles();
    expect(sources.filter((s) => s.file.startsWith('src/projections/')), 'the read models were found').to.have.length.greaterThan(5);
    expect(violations(sources)).to.deep.equal([]);
  });

  it('catches each kind of breach it is there for', () => {
    const breaches: SourceFile[] = [
      { file: 'src/domain/resume/decide.ts', text: "import { NotFound } from '../errors.js';\nimport type { Knex } from 'knex';\nimport { x } from '../../http/app.js';" },
      { file: 'src/domain/user/types.ts', text: 'export const secret = process.env.SECRET_KEY;' },
      { file: 'src/commands/resumes.ts', text: "import { handleCommand } from './handle.js';\nimport { status } from '../http/transportErrors.js';" },
      { file: 'src/commands/users.ts', text: "import type { Listing } from '../projections/users.js';\nexport { run } from '../cli/admin.js';" },
      { file: 'src/projections/resumes.ts', text: "const { parseListQuery } = await import('../http/listQuery.js');\nconst url = process.env.DATABASE_URL;" },
    ];
    expect(violations(breaches)).to.deep.equal([
      'src/domain/resume/decide.ts -> knex (the domain imports nothing outside src/domain but pure libraries)',
      'src/domain/resume/decide.ts -> src/http/app (the domain imports nothing outside src/domain but pure libraries)',
      'src/domain/user/types.ts reads process.env (the domain imports nothing outside src/domain but pure libraries)',
      'src/commands/resumes.ts -> src/http/transportErrors (commands never import http or cli)',
      'src/commands/users.ts -> src/cli/admin (commands never import http or cli)',
      'src/projections/resumes.ts -> src/http/listQuery (read models never import http or cli, nor read process.env)',
      'src/projections/resumes.ts reads process.env (read models never import http or cli, nor read process.env)',
    ]);
  });
});
