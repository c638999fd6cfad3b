// Bundles the browser example: rx-lro from its sources (as an app would from the package), rxjs,
// io-ts, fp-ts and React, with the global fetch in place of the cross-fetch polyfill.
import { fileURLToPath } from 'node:url';
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import typescript from '@rollup/plugin-typescript';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const sources = {
  'rx-lro': here('../../src/index.ts'),
  'rx-lro/registry': here('../../src/registry/index.ts'),
  'rx-lro/global-fetch': here('../../src/global-fetch.ts'),
};

/** Maps the package's names onto its sources, and cross-fetch onto the browser's own fetch. */
const packageSources = {
  name: 'package-sources',
  resolveId(id) {
    if (id === 'cross-fetch') return sources['rx-lro/global-fetch'];
    return sources[id] ?? null;
  },
};

/** React's CommonJS entries choose their build by process.env.NODE_ENV, which a browser lacks. */
const production = {
  name: 'node-env',
  transform: (code) =>
    code.includes('process.env.NODE_ENV') ? { code: code.replaceAll('process.env.NODE_ENV', '"production"'), map: null } : null,
};

export default {
  input: here('./app.ts'),
  plugins: [packageSources, production, nodeResolve({ browser: true }), commonjs(), typescript({ tsconfig: here('./tsconfig.json') })],
  // One file: the reader of node-fetch's bodies, a lazy chunk elsewhere, is a few hundred bytes here.
  output: { file: here('./dist/app.js'), format: 'es', sourcemap: true, inlineDynamicImports: true },
};
