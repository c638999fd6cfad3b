import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// A function that does not fit on a screen hides decisions; each part gets a name instead.
const MAX_LINES = 80;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? sourceFiles(file) : file.endsWith('.ts') ? [file] : [];
  });
}

/** Every function of `file` (declarations, methods, arrows and function expressions) longer than the limit. */
function longFunctions(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > MAX_LINES) {
        const named = node as ts.Node & { name?: ts.Node };
        const parent = node.parent as ts.Node & { name?: ts.Node };
        const name = named.name?.getText(source) ?? (ts.isVariableDeclaration(parent) ? parent.name.getText(source) : '(anonymous)');
        found.push(`${path.relative(process.cwd(), file)}:${start + 1} ${name} (${lines} lines)`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('the source reads in named parts', () => {
  it(`no function in src/ is longer than ${MAX_LINES} lines`, () => {
    const files = sourceFiles(path.resolve('src'));
    expect(files.length).toBeGreaterThan(20);
    expect(files.flatMap(longFunctions)).toEqual([]);
  });
});
