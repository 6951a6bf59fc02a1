import path from 'node:path';
import ts from 'typescript';

/** A regular expression written in `src/`, with where it was found. */
export interface SourceRegex {
  source: string;
  flags: string;
  at: string;
}

/** A `RegExp(...)` whose text could not be worked out from constants, so nothing can vouch for it. */
export interface OpaqueRegex {
  at: string;
  code: string;
}

/**
 * Every regular expression in the TypeScript files under `root`: literals, `new RegExp(...)` and
 * `RegExp(...)` whose arguments are constants (string literals, templates and `const`s, followed
 * across imports), and JSON Schema `pattern`s (ajv compiles them with the `u` flag).
 */
export function findSourceRegexes(root: string): { regexes: SourceRegex[]; opaque: OpaqueRegex[] } {
  // Only root's own files: constants are followed across its imports, never into node_modules.
  const program = ts.createProgram(ts.sys.readDirectory(root, ['.ts']), { noLib: true, noResolve: true, types: [], module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext });
  const checker = program.getTypeChecker();
  const regexes: SourceRegex[] = [];
  const opaque: OpaqueRegex[] = [];
  const inRoot = (file: ts.SourceFile) => path.resolve(file.fileName).startsWith(path.resolve(root) + path.sep);

  for (const file of program.getSourceFiles().filter(inRoot)) {
    const where = (node: ts.Node) => {
      const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
      return `${path.relative(process.cwd(), file.fileName)}:${line + 1}`;
    };
    const visit = (node: ts.Node): void => {
      if (ts.isRegularExpressionLiteral(node)) {
        const end = node.text.lastIndexOf('/');
        regexes.push({ source: node.text.slice(1, end), flags: node.text.slice(end + 1), at: where(node) });
      } else if (isRegExpConstructor(node)) {
        const [sourceArg, flagsArg] = node.arguments ?? [];
        const source = sourceArg && constantText(sourceArg, checker);
        const flags = flagsArg ? constantText(flagsArg, checker) : '';
        if (source === undefined || flags === undefined) opaque.push({ at: where(node), code: node.getText(file) });
        else regexes.push({ source, flags, at: where(node) });
      } else if (isSchemaPattern(node)) {
        const source = constantText(node.initializer, checker);
        if (source !== undefined) regexes.push({ source, flags: 'u', at: where(node) });
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return { regexes, opaque };
}

function isRegExpConstructor(node: ts.Node): node is ts.NewExpression | ts.CallExpression {
  return (ts.isNewExpression(node) || ts.isCallExpression(node)) && ts.isIdentifier(node.expression) && node.expression.text === 'RegExp';
}

/** `pattern: '…'` in a JSON Schema, not in its `'x-messages': { pattern: 'Enter a valid …' }`. */
function isSchemaPattern(node: ts.Node): node is ts.PropertyAssignment {
  if (!ts.isPropertyAssignment(node) || propertyName(node) !== 'pattern') return false;
  const owner = node.parent.parent;
  return !(ts.isPropertyAssignment(owner) && propertyName(owner) === 'x-messages');
}

function propertyName(node: ts.PropertyAssignment): string | undefined {
  return ts.isIdentifier(node.name) || ts.isStringLiteral(node.name) ? node.name.text : undefined;
}

/** The string an expression always has, or undefined when it depends on anything but constants. */
function constantText(node: ts.Expression, checker: ts.TypeChecker): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node)) return constantText(node.expression, checker);
  if (ts.isTemplateExpression(node)) {
    let text = node.head.text;
    for (const span of node.templateSpans) {
      const part = constantText(span.expression, checker);
      if (part === undefined) return undefined;
      text += part + span.literal.text;
    }
    return text;
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = constantText(node.left, checker);
    const right = constantText(node.right, checker);
    return left === undefined || right === undefined ? undefined : left + right;
  }
  if (ts.isIdentifier(node)) {
    const initializer = constInitializer(node, checker);
    return initializer && constantText(initializer, checker);
  }
  return undefined;
}

function constInitializer(name: ts.Identifier, checker: ts.TypeChecker): ts.Expression | undefined {
  let symbol = checker.getSymbolAtLocation(name);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const declaration = symbol?.valueDeclaration;
  if (!declaration || !ts.isVariableDeclaration(declaration)) return undefined;
  const isConst = (ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const) !== 0;
  return isConst ? declaration.initializer : undefined;
}
