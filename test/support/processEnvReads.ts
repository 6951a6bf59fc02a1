import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * Where a TypeScript source reads the environment: `process.env`, `process['env']`,
 * `globalThis.process.env` and `const { env } = process`. Found in the syntax tree, so a
 * comment that names `process.env` is not a read.
 */
export function processEnvReads(fileName: string, text: string): string[] {
  const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const reads: string[] = [];
  const isProcess = (node: ts.Node): boolean =>
    (ts.isIdentifier(node) && node.text === 'process') || (ts.isPropertyAccessExpression(node) && node.name.text === 'process');
  const visit = (node: ts.Node): void => {
    const readsEnv =
      (ts.isPropertyAccessExpression(node) && node.name.text === 'env' && isProcess(node.expression)) ||
      (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression) && node.argumentExpression.text === 'env' && isProcess(node.expression)) ||
      (ts.isVariableDeclaration(node) && node.initializer !== undefined && isProcess(node.initializer) && ts.isObjectBindingPattern(node.name) &&
        node.name.elements.some((e) => (e.propertyName ?? e.name).getText(file) === 'env'));
    if (readsEnv) reads.push(`${path.relative(process.cwd(), fileName)}:${file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1}`);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return reads;
}

export const processEnvReadsIn = (fileName: string): string[] => processEnvReads(fileName, readFileSync(fileName, 'utf8'));
