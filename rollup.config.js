import { dts } from 'rollup-plugin-dts';
import { emitDeclarations, transpileTypeScript } from './scripts/rollup-typescript.mjs';

// Every entry point of the package; each becomes dist/<name>.js (ESM), .cjs and .d.ts.
const entries = {
  index: 'src/index.ts',
  testing: 'src/testing/index.ts',
};

// Entries built on the public API: they import 'rx-lro' by name (external), so an app that uses both
// gets one copy of the core, and the core entry never pulls them in.
const addOns = {
  registry: 'src/registry/index.ts',
  'global-fetch': 'src/global-fetch.ts',
  node: 'src/node/index.ts',
  limiter: 'src/limiter/index.ts',
};

// Peers, the runtime dependency and Node built-ins stay outside the bundle.
const external = (id) => /^(rxjs|io-ts|fp-ts|cross-fetch|rx-lro)(\/|$)/.test(id) || id.startsWith('node:');

// The JavaScript is transpiled file by file (types are checked by `npm run typecheck`); one plugin
// instance serves the three JavaScript builds.
const typescript = transpileTypeScript({ tsconfig: './tsconfig.build.json' });

export default [
  {
    input: entries,
    external,
    plugins: [typescript],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', sourcemap: true },
      {
        dir: 'dist',
        format: 'cjs',
        entryFileNames: '[name].cjs',
        chunkFileNames: 'chunks/[name]-[hash].cjs',
        sourcemap: true,
        exports: 'named',
      },
    ],
  },
  {
    input: addOns,
    external,
    plugins: [typescript],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].js', sourcemap: true },
      { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', sourcemap: true, exports: 'named' },
    ],
  },
  // The command-line tools use the package through its public entry points, like any user.
  {
    input: { cli: 'src/cli/main.ts' },
    external,
    plugins: [typescript],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].js', sourcemap: true },
  },
  {
    // Named by their .d.ts, which emitDeclarations makes in one program for rollup-plugin-dts to bundle.
    input: Object.fromEntries(Object.entries({ ...entries, ...addOns }).map(([name, file]) => [name, file.replace(/\.ts$/, '.d.ts')])),
    external,
    plugins: [emitDeclarations({ tsconfig: './tsconfig.build.json' }), dts({ tsconfig: './tsconfig.build.json' })],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].d.ts', chunkFileNames: 'chunks/[name]-[hash].d.ts' },
  },
];
