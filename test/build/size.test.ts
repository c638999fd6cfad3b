// The size budget: every browser entry, bundled as an app would bundle it with every dependency but
// rxjs, minified and gzipped, stays within the budget scripts/size.mjs sets (npm run size prints the
// figures). The core's budget holds what loads with the page; cross-fetch is a lazy chunk.
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ES module script without types
import { BUDGETS, measure } from '../../scripts/size.mjs';

interface Chunk {
  minified: number;
  gzipped: number;
  modules: string[];
}
interface Size extends Chunk {
  imports: string[];
  lazy: Chunk[];
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let sizes: Record<string, Size> = {};

beforeAll(async () => {
  sizes = (await measure(root)) as Record<string, Size>;
}, 60_000);

describe('bundle size', () => {
  for (const [entry, budget] of Object.entries(BUDGETS as Record<string, number>)) {
    it(`${entry} is at most ${(budget / 1024).toFixed(2)} KB minified and gzipped, every dependency but rxjs bundled`, () => {
      const size = sizes[entry]!;
      expect(size.minified).toBeGreaterThan(0);
      expect(size.gzipped, `${entry}: ${size.gzipped} bytes`).toBeLessThanOrEqual(budget);
    });
  }

  it('the core entry is its file and the chunks it shares, importing only rxjs: no cross-fetch, io-ts, simulator, registry or limiter', () => {
    const core = sizes['rx-lro']!;
    expect(core.modules).toContain('dist/index.js');
    for (const file of core.modules) expect(file).toMatch(/^dist\/(index|chunks\/shared-[\w-]+)\.js$/);
    const sources = core.modules.flatMap((file) => {
      const map = JSON.parse(readFileSync(join(root, `${file}.map`), 'utf8')) as { sources: string[] };
      return map.sources.map((source) => relative(root, resolve(dirname(join(root, file)), source)));
    });
    expect(sources).toContain('src/driver.ts');
    expect(sources.filter((source) => /^src\/(testing|registry|limiter|node|cli)\//.test(source))).toEqual([]);
    // io-ts is a peer for the caller's result codecs only: the core itself never loads it.
    expect(core.imports).toEqual(['rxjs']);
  });

  it('cross-fetch, the fallback where there is no global fetch, is a lazy chunk of its own', () => {
    const lazy = sizes['rx-lro']!.lazy.filter((chunk) => chunk.modules.some((id) => id.startsWith('node_modules/cross-fetch/')));
    expect(lazy).toHaveLength(1);
    expect(lazy[0]!.modules.filter((id) => id.startsWith('dist/'))).toEqual([]);
  });

  it("the reader of node-fetch's stream bodies is a lazy chunk too: a browser never loads it", () => {
    const lazy = sizes['rx-lro']!.lazy.flatMap((chunk) => chunk.modules);
    expect(lazy.filter((id) => id.startsWith('dist/'))).toEqual([expect.stringMatching(/^dist\/chunks\/node-stream-[\w-]+\.js$/)]);
  });

  it('the add-on entries reach the core through its files, so that an app holds one copy of it', () => {
    for (const entry of ['rx-lro/registry', 'rx-lro/limiter']) {
      expect(sizes[entry]!.modules, entry).toHaveLength(1);
    }
    expect(sizes['rx-lro/registry']!.imports.some((file) => /chunks\/shared-[\w-]+\.js$/.test(file))).toBe(true);
  });
});
