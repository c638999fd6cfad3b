// Every TypeScript block of the README compiles against the package's own types (test/docs/snippets.ts).
// Names a snippet leaves to its reader (`url`, `store`, `authorize`…) are declared for it; anything it
// imports from rx-lro, rxjs or io-ts must exist and be used correctly, and it imports what it uses.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RECIPES, ROOT, compileSnippets } from './snippets';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('README code blocks', () => {
  it(`all ${blocks.length} TypeScript blocks compile`, () => {
    expect(blocks.length).toBeGreaterThan(5);
    const report = compileSnippets(
      join(ROOT, 'test-results', 'readme-snippets'),
      blocks.map((code, i) => ({ name: `snippet-${i + 1}`, code })),
      {
        // Modules the README shows that the project does not install: their real signatures, as used there.
        'stubs.d.ts': [
          "declare module '@azure/identity' {",
          '  export class DefaultAzureCredential {',
          '    getToken(scopes: string | string[]): Promise<{ token: string; expiresOnTimestamp: number }>;',
          '  }',
          '}',
        ].join('\n'),
        // The slice the Redux recipes import: the example's own.
        'operations-slice.ts': readFileSync(join(ROOT, 'examples', 'operations-slice.ts'), 'utf8'),
      },
    );
    expect(report).toEqual([]);
  }, 60_000);

  it('every store recipe is a whole file of examples/, word for word (the examples test and the tarball test run those files)', () => {
    const recipes = [...readme.matchAll(/<!-- recipe: (\S+) -->\n```ts\n([\s\S]*?)```/g)].map((m) => ({ file: m[1]!, code: m[2]! }));
    expect(recipes.map((r) => r.file)).toEqual(RECIPES);
    for (const { file, code } of recipes) expect(code, file).toBe(readFileSync(join(ROOT, file), 'utf8'));
  });
});
