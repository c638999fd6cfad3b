import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const dist = path.resolve('dist');

/** Each built JavaScript file of the package (the CLI aside, a program of its own) with the sources its map names. */
function sourcesByFile(extension: '.js' | '.cjs'): Map<string, string[]> {
  const files = [
    ...readdirSync(dist).filter((f) => f.endsWith(extension) && f !== 'cli.js'),
    ...readdirSync(path.join(dist, 'chunks'))
      .filter((f) => f.endsWith(extension))
      .map((f) => `chunks/${f}`),
  ];
  const result = new Map<string, string[]>();
  for (const file of files) {
    const map = JSON.parse(readFileSync(path.join(dist, `${file}.map`), 'utf8')) as { sources: string[] };
    result.set(
      file,
      map.sources.map((s) => path.relative(process.cwd(), path.resolve(path.dirname(path.join(dist, file)), s))),
    );
  }
  return result;
}

describe('the entries share the core (npm run build)', () => {
  for (const extension of ['.js', '.cjs'] as const) {
    it(`no source module is in two ${extension} files: an add-on imports the core's modules, it does not copy them`, () => {
      const owners = new Map<string, string[]>();
      for (const [file, sources] of sourcesByFile(extension)) {
        for (const source of sources) owners.set(source, [...(owners.get(source) ?? []), file]);
      }
      const copied = [...owners].filter(([, files]) => files.length > 1);
      expect(copied).toEqual([]);
      // The modules the add-ons use from the core are there, each once.
      expect(owners.get('src/protocol/json.ts')).toHaveLength(1);
      expect(owners.get('src/errors.ts')).toHaveLength(1);
    });
  }

  it('an add-on loads the core through relative imports of its files, never by a second copy', () => {
    const node = readFileSync(path.join(dist, 'node.js'), 'utf8');
    const registry = readFileSync(path.join(dist, 'registry.js'), 'utf8');
    for (const code of [node, registry]) {
      expect(code).toMatch(/from '\.\/(chunks\/shared-[\w-]+|index)\.js'/);
      expect(code).not.toMatch(/function readBodyText/);
    }
  });
});
