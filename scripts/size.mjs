// npm run size: the core entry (dist/index.js) bundled the same way every time — rollup, terser
// (two compress passes, mangled), peers and cross-fetch external — and gzipped (level 9).
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import terser from '@rollup/plugin-terser';

const entries = { 'rx-lro': 'dist/index.js', 'rx-lro/registry': 'dist/registry.js', 'rx-lro/limiter': 'dist/limiter.js' };
for (const [name, input] of Object.entries(entries)) {
  const bundle = await rollup({
    input,
    external: (id) => /^(rxjs|io-ts|fp-ts|cross-fetch|rx-lro)(\/|$)/.test(id),
    plugins: [terser({ compress: { passes: 2 }, mangle: true, format: { comments: false } })],
    onwarn: () => undefined,
  });
  const { output } = await bundle.generate({ format: 'es' });
  const code = output[0].code;
  const gzipped = gzipSync(code, { level: 9 }).length;
  console.log(`${name}: ${(code.length / 1024).toFixed(1)} KB minified, ${(gzipped / 1024).toFixed(1)} KB gzipped`);
}
