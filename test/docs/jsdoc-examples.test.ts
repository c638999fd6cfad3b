// Every @example in the JSDoc of what the package exports (the API reference's examples) compiles
// against the package's own types, as the README's blocks do: the package's names an example uses
// are imported for it, the reader's own values (`request`, `url`, `render`…) are placeholders.
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT, compileSnippets, entryProgram, examplesOf, exportsOf, type Snippet } from './snippets';

/** The JSDoc comments of a declaration and of everything inside it (members, their members…). */
function commentsIn(node: ts.Node): ts.JSDoc[] {
  const found = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  ts.forEachChild(node, (child) => {
    found.push(...commentsIn(child));
  });
  return found;
}

const program = entryProgram();
const seen = new Set<string>();
const snippets: Snippet[] = [];
for (const { entry, name, symbol } of exportsOf(program)) {
  for (const declaration of symbol.declarations ?? []) {
    const source = declaration.getSourceFile();
    for (const comment of commentsIn(declaration)) {
      const at = `${source.fileName}:${comment.pos}`;
      if (seen.has(at)) continue;
      seen.add(at);
      const line = source.getLineAndCharacterOfPosition(comment.getStart()).line + 1;
      examplesOf(source.text.slice(comment.getStart(), comment.end)).forEach((code, i) =>
        snippets.push({ name: `${entry} ${name} (${relative(ROOT, source.fileName)}:${line}, example ${i + 1})`, code, entry }),
      );
    }
  }
}

describe('the API reference examples', () => {
  it('finds the fenced and the bare examples of a comment', () => {
    const comment = ['/**', ' * Gist.', ' * @example', ' * ```ts', ' * a();', ' * ```', ' * @example', ' * b();', ' * @param x y', ' */'];
    expect(examplesOf(comment.join('\n'))).toEqual(['a();\n', 'b();']);
  });

  it(`all ${snippets.length} @example blocks of the public exports compile`, () => {
    // Every export has one (test/docs/api-reference.test.ts), many of them several.
    expect(snippets.length).toBeGreaterThan(80);
    const report = compileSnippets(join(ROOT, 'test-results', 'jsdoc-examples'), snippets);
    expect(report).toEqual([]);
  }, 120_000);
});
