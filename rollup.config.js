import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';

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

export default [
  {
    input: entries,
    external,
    plugins: [typescript({ tsconfig: './tsconfig.build.json' })],
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
    plugins: [typescript({ tsconfig: './tsconfig.build.json' })],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].js', sourcemap: true },
      { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', sourcemap: true, exports: 'named' },
    ],
  },
  // The command-line tools use the package through its public entry points, like any user.
  {
    input: { cli: 'src/cli/main.ts' },
    external,
    plugins: [typescript({ tsconfig: './tsconfig.build.json' })],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].js', sourcemap: true },
  },
  {
    input: { ...entries, ...addOns },
    external,
    plugins: [dts({ tsconfig: './tsconfig.build.json' })],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].d.ts', chunkFileNames: 'chunks/[name]-[hash].d.ts' },
  },
];
