// npm run size: each entry of dist/ bundled the same way every time — rollup, terser (two compress
// passes, mangled), the peers, cross-fetch and the core itself external — and gzipped (level 9).
// `npm test` holds every entry to its budget (test/build/size.test.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import terser from '@rollup/plugin-terser';

/** Bytes, minified and gzipped, that each entry may not exceed. */
export const BUDGETS = {
  'rx-lro': 12.5 * 1024,
  'rx-lro/registry': 5 * 1024,
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
  // An add-on imports the core's files (dist/index.js and the chunks it shares): those are the core's
  // size, an app that uses the add-on has them already, so they count as external here.
  const core = coreFiles(root);
  for (const [name, file] of Object.entries(FILES)) {
    const bundle = await rollup({
      input: `${root}/${file}`,
      external: (id, importer) =>
        /^(rxjs|io-ts|fp-ts|cross-fetch|rx-lro)(\/|$)/.test(id) ||
        (name !== 'rx-lro' && importer !== undefined && core.has(path.resolve(path.dirname(importer), id))),
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

/** dist/index.js and every file of dist/ it imports, as absolute paths. */
function coreFiles(root) {
  const files = new Set();
  const visit = (file) => {
    if (files.has(file)) return;
    files.add(file);
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*['"](\.[^'"]+)['"]/g))
      visit(path.resolve(path.dirname(file), spec));
  };
  visit(path.resolve(root, 'dist/index.js'));
  return files;
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
