// npm run size: each browser entry of dist/ bundled as an app would bundle it for a browser — rollup
// with node-resolve (the browser condition) and commonjs, every dependency bundled but rxjs, and the
// core's own files left out of the add-ons' (an app that uses an add-on holds the core once) —
// minified by terser and gzipped (level 9). What a budget holds is the entry chunk, which loads with the page;
// a lazy chunk (cross-fetch, imported only where there is no global fetch) is measured on its own.
// `npm test` holds every entry to its budget (test/build/size.test.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

/** Bytes, minified and gzipped, that each entry chunk may not exceed. */
export const BUDGETS = {
  'rx-lro': 12.25 * 1024,
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

/**
 * Other packages measured the same way, for comparison (no budget): @azure/core-lro's poller alone,
 * and with the pipeline of @azure/core-rest-pipeline that would send its requests.
 */
export const REFERENCES = {
  '@azure/core-lro': "export { createHttpPoller } from '@azure/core-lro';",
  '@azure/core-lro + @azure/core-rest-pipeline': `export { createHttpPoller } from '@azure/core-lro';
export { createPipelineFromOptions, createDefaultHttpClient, createPipelineRequest } from '@azure/core-rest-pipeline';`,
};

/**
 * Parts of the core as an app's bundler leaves them after tree-shaking (no budget): what an app that
 * imports only these holds, rxjs external as for the entries.
 */
export const PARTS = {
  'rx-lro, trackOperation only': "export { trackOperation } from 'rx-lro';",
  'rx-lro, pollOperation + fromStart + finalResult': "export { pollOperation, fromStart, finalResult } from 'rx-lro';",
};

/** The terser options of every measure: an ES module (top-level names mangled), two compress passes. */
export const TERSER = { module: true, ecma: 2020, compress: { passes: 2 }, mangle: true, format: { comments: false } };

const sizeOf = (code) => ({ minified: code.length, gzipped: gzipSync(code, { level: 9 }).length });

/**
 * The minified and gzipped size of every entry chunk, the modules it holds and what it imports,
 * and the same for the lazy chunks it may load.
 */
export async function measure(root = process.cwd()) {
  const relative = (id) => (id.startsWith(root) ? id.slice(root.length + 1) : id).replace(/^.*node_modules\//, 'node_modules/');
  const sizes = {};
  // An add-on imports the core's files (dist/index.js and the chunks it shares): those are the core's
  // size, an app that uses the add-on has them already, so they count as external here.
  const core = coreFiles(root);
  for (const [name, file] of Object.entries(FILES)) {
    const bundle = await rollup({
      input: `${root}/${file}`,
      external: (id, importer) =>
        /^(rxjs|rx-lro)(\/|$)/.test(id) ||
        (name !== 'rx-lro' && importer !== undefined && core.has(path.resolve(path.dirname(importer), id))),
      plugins: [nodeResolve({ browser: true, rootDir: root }), commonjs(), terser(TERSER)],
      onwarn: () => undefined,
    });
    const { output } = await bundle.generate({ format: 'es' });
    await bundle.close();
    const chunks = output.filter((item) => item.type === 'chunk');
    const entry = chunks.find((chunk) => chunk.isEntry);
    sizes[name] = {
      ...sizeOf(entry.code),
      imports: entry.imports,
      modules: entry.moduleIds.map(relative),
      lazy: chunks.filter((chunk) => !chunk.isEntry).map((chunk) => ({ ...sizeOf(chunk.code), modules: chunk.moduleIds.map(relative) })),
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

/** The sizes of the REFERENCES, bundled as the entries are (nothing external). */
export const measureReferences = (root = process.cwd()) => measureSnippets(REFERENCES, root, () => false, true);

/** The sizes of the PARTS of the core, bundled from dist/ with rxjs external: their entry chunks, as for the entries. */
export const measureParts = (root = process.cwd()) => measureSnippets(PARTS, root, (id) => /^rxjs(\/|$)/.test(id));

async function measureSnippets(snippets, root, external, inline = false) {
  const sizes = {};
  for (const [name, code] of Object.entries(snippets)) {
    const entry = '\0snippet-entry';
    const bundle = await rollup({
      input: entry,
      external,
      plugins: [
        {
          name: 'snippet-entry',
          resolveId: (id) => (id === entry ? id : id === 'rx-lro' ? path.resolve(root, 'dist/index.js') : null),
          load: (id) => (id === entry ? code : null),
        },
        nodeResolve({ browser: true, rootDir: root }),
        commonjs(),
        terser(TERSER),
      ],
      onwarn: () => undefined,
    });
    const { output } = await bundle.generate({ format: 'es', inlineDynamicImports: inline });
    await bundle.close();
    sizes[name] = sizeOf(output.find((item) => item.type === 'chunk' && item.isEntry).code);
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
    for (const chunk of size.lazy) {
      const packages = [...new Set(chunk.modules.flatMap((id) => /node_modules\/((@[^/]+\/)?[^/]+)/.exec(id)?.[1] ?? []))];
      console.log(
        `  + lazy chunk (${packages.length > 0 ? packages.join(', ') : 'rx-lro'}): ${kb(chunk.minified)} minified, ${kb(chunk.gzipped)} gzipped`,
      );
    }
  }
  for (const [name, size] of Object.entries(await measureParts())) {
    console.log(`part of the core, ${name}: ${kb(size.minified)} minified, ${kb(size.gzipped)} gzipped`);
  }
  for (const [name, size] of Object.entries(await measureReferences())) {
    console.log(`for comparison, ${name}: ${kb(size.minified)} minified, ${kb(size.gzipped)} gzipped`);
  }
  process.exitCode = over > 0 ? 1 : 0;
}
