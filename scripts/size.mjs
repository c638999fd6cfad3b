// npm run size: each entry of dist/ bundled the same way every time — rollup, terser (two compress
// passes, mangled), the peers, cross-fetch and the core itself external — and gzipped (level 9).
// `npm test` holds every entry to its budget (test/build/size.test.ts).
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import terser from '@rollup/plugin-terser';

/** Bytes, minified and gzipped, that each entry may not exceed. */
export const BUDGETS = {
  'rx-lro': 12 * 1024,
  'rx-lro/registry': 3 * 1024,
  'rx-lro/limiter': 1024,
  'rx-lro/global-fetch': 128,
};

const FILES = {
  'rx-lro': 'dist/index.js',
  'rx-lro/registry': 'dist/registry.js',
  'rx-lro/limiter': 'dist/limiter.js',
  'rx-lro/global-fetch': 'dist/global-fetch.js',
};

/** The minified and gzipped size of every entry, and the modules each bundle holds. */
export async function measure(root = process.cwd()) {
  const sizes = {};
  for (const [name, file] of Object.entries(FILES)) {
    const bundle = await rollup({
      input: `${root}/${file}`,
      external: (id) => /^(rxjs|io-ts|fp-ts|cross-fetch|rx-lro)(\/|$)/.test(id),
      plugins: [terser({ compress: { passes: 2 }, mangle: true, format: { comments: false } })],
      onwarn: () => undefined,
    });
    const { output } = await bundle.generate({ format: 'es' });
    await bundle.close();
    const code = output[0].code;
    sizes[name] = {
      minified: code.length,
      gzipped: gzipSync(code, { level: 9 }).length,
      imports: output[0].imports,
      modules: Object.keys(output[0].modules).map((id) => id.slice(root.length + 1)),
    };
  }
  return sizes;
}

const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = await measure();
  let over = 0;
  for (const [name, size] of Object.entries(sizes)) {
    const budget = BUDGETS[name];
    const verdict = size.gzipped <= budget ? 'within' : 'OVER';
    if (size.gzipped > budget) over += 1;
    console.log(`${name}: ${kb(size.minified)} minified, ${kb(size.gzipped)} gzipped (${verdict} its budget of ${kb(budget)})`);
  }
  process.exitCode = over > 0 ? 1 : 0;
}
