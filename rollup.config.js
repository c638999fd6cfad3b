import { rmSync } from 'node:fs';
import path from 'node:path';
import { dts } from 'rollup-plugin-dts';
import { emitDeclarations, transpileTypeScript } from './scripts/rollup-typescript.mjs';

// Every entry point of the package; each becomes dist/<name>.js (ESM), .cjs and .d.ts.
const entries = {
  index: 'src/index.ts',
  testing: 'src/testing/index.ts',
  // The add-ons are built on the public API: they import 'rx-lro' by name. In the one graph below
  // that name is the core entry itself, so an add-on loads dist/index.js (one copy of the core for an
  // app that uses both), and what an add-on shares with the core beyond the public API (the JSON
  // reader, the body cap…) is one chunk that both import, not a copy in each.
  registry: 'src/registry/index.ts',
  'global-fetch': 'src/global-fetch.ts',
  node: 'src/node/index.ts',
  limiter: 'src/limiter/index.ts',
};

// Chunks are named by their content's hash: the ones of an earlier build would linger and be packed.
rmSync('dist/chunks', { recursive: true, force: true });

// Peers, the runtime dependency and Node built-ins stay outside the bundle.
const external = (id) => /^(rxjs|io-ts|fp-ts|cross-fetch)(\/|$)/.test(id) || id.startsWith('node:');

// The package's own name, inside the package: the core entry.
const self = {
  name: 'rx-lro-self',
  resolveId: (id) => (id === 'rx-lro' ? path.resolve('src/index.ts') : null),
};

// A chunk some entries share is named for that; one loaded by a dynamic import, for its module.
const chunkName = (extension) => (chunk) =>
  chunk.isDynamicEntry ? `chunks/[name]-[hash].${extension}` : `chunks/shared-[hash].${extension}`;

// The package is "type": "module", so TypeScript reads a .d.ts as an ES module, and a CommonJS
// project (module node16) could not `require` it (TS1479). The `require` condition's types are the
// same declarations as .d.cts, which TypeScript reads as CommonJS.
const commonJsDeclarations = {
  name: 'rx-lro-d-cts',
  generateBundle(_options, bundle) {
    for (const file of Object.values(bundle)) {
      if (file.type !== 'chunk' || !file.fileName.endsWith('.d.ts')) continue;
      const code = file.code.replace(/(from\s+['"]\.{1,2}\/[^'"]+)\.js(['"])/g, '$1.cjs$2');
      this.emitFile({ type: 'asset', fileName: file.fileName.replace(/\.d\.ts$/, '.d.cts'), source: code });
    }
  },
};

// The JavaScript is transpiled file by file (types are checked by `npm run typecheck`); one plugin
// instance serves the JavaScript builds.
const typescript = transpileTypeScript({ tsconfig: './tsconfig.build.json' });

export default [
  {
    input: entries,
    external,
    plugins: [self, typescript],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: chunkName('js'), sourcemap: true },
      {
        dir: 'dist',
        format: 'cjs',
        entryFileNames: '[name].cjs',
        chunkFileNames: chunkName('cjs'),
        sourcemap: true,
        exports: 'named',
        // cross-fetch, the fallback where there is no global fetch, is loaded with require() in CommonJS.
        dynamicImportInCjs: false,
      },
    ],
  },
  // The command-line tools use the package through its public entry points, like any user.
  {
    input: { cli: 'src/cli/main.ts' },
    external: (id) => external(id) || /^rx-lro(\/|$)/.test(id),
    plugins: [typescript],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].js', sourcemap: true },
  },
  {
    // Named by their .d.ts, which emitDeclarations makes in one program for rollup-plugin-dts to bundle.
    input: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, file.replace(/\.ts$/, '.d.ts')])),
    external: (id) => external(id) || /^rx-lro(\/|$)/.test(id),
    plugins: [emitDeclarations({ tsconfig: './tsconfig.build.json' }), dts({ tsconfig: './tsconfig.build.json' }), commonJsDeclarations],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].d.ts', chunkFileNames: 'chunks/[name]-[hash].d.ts' },
  },
];
