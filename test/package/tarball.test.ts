// The packed tarball, installed into scratch projects as users meet it: Node ESM and CJS, TypeScript
// with moduleResolution node16 and bundler, and a rollup browser bundle of the core run in headless
// Chromium. Every export path is used; rx-lro/testing never enters the browser bundle. The README's
// store recipes (whole files of examples/) are compiled against it and run: Zustand, Redux Toolkit
// with its listener middleware and with redux-observable, and the React hook in Chromium.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/testing/index';
import { RECIPES } from '../docs/snippets';
import { findChromium, launchChromium } from '../support/browser';
import { startSite, type Site } from '../support/site';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');
const fixtures = join(__dirname, 'fixtures');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const version = (name: string): string => JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;

let scratch = '';
let project = '';

/** A strict tsconfig that type-checks `files` (the package's own .d.ts included) and emits nothing. */
function writeStrictConfig(config: string, module: string, moduleResolution: string, files: string[]): void {
  const compilerOptions = {
    module,
    moduleResolution,
    target: 'es2022',
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    lib: ['es2022', 'dom'],
    types: [],
  };
  writeFileSync(config, JSON.stringify({ compilerOptions, files }));
}

/** Runs tsc on the project `config` describes; what it printed and its exit code. */
function typecheck(config: string): Promise<{ code: number; out: string }> {
  return run(process.execPath, [tsc, '-p', config], { cwd: dirname(config), timeout: 120_000 }).then(
    () => ({ code: 0, out: '' }),
    (error: { code: number; stdout: string }) => ({ code: error.code, out: error.stdout }),
  );
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'rx-lro-package-'));
  // The tarball exactly as `npm publish` would upload it (dist/ is built by `npm test` first).
  const { stdout } = await run(npm, ['pack', '--json', '--pack-destination', scratch], { cwd: root, timeout: 120_000 });
  const tarball = join(scratch, JSON.parse(stdout)[0].filename as string);
  project = join(scratch, 'app');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch-app', private: true, type: 'module' }));
  await run(
    npm,
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      tarball,
      `rxjs@${version('rxjs')}`,
      `io-ts@${version('io-ts')}`,
      `fp-ts@${version('fp-ts')}`,
      // What the store recipes use, at the versions the project tests them with.
      ...['@reduxjs/toolkit', 'redux-observable', 'zustand', 'react', 'react-dom', '@types/react'].map(
        (name) => `${name}@${version(name)}`,
      ),
    ],
    {
      cwd: project,
      timeout: 300_000,
    },
  );
  for (const file of ['consumer.mjs', 'consumer.cjs', 'typed.ts', 'browser-entry.mjs', 'recipes.mjs', 'react-entry.mjs'])
    copyFileSync(join(fixtures, file), join(project, file));
  // The recipes side by side, as a front-end app holds them.
  mkdirSync(join(project, 'recipes'));
  for (const file of RECIPES) copyFileSync(join(root, file), join(project, 'recipes', file.split('/').at(-1)!));
}, 420_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('ships dist, bin, docs/conformance.md and the README only, with every file its exports map names', () => {
    const installed = join(project, 'node_modules', 'rx-lro');
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    // Every condition's file, however deep the conditions nest (import/require, then types/default).
    const files = (entry: unknown): string[] => (typeof entry === 'string' ? [entry] : Object.values(entry as object).flatMap(files));
    expect(files(pkg.exports).filter((file) => file.endsWith('.d.cts')).length).toBe(6);
    for (const file of files(pkg.exports)) expect(existsSync(join(installed, file)), file).toBe(true);
    expect(existsSync(join(installed, 'src'))).toBe(false);
    expect(existsSync(join(installed, 'test'))).toBe(false);
  });

  it('shipped text points only at what ships: docs/conformance.md is there, and lists every rule id the code cites', () => {
    const installed = join(project, 'node_modules', 'rx-lro');
    const table = readFileSync(join(installed, 'docs', 'conformance.md'), 'utf8');
    const shipped = ['index.js', 'index.cjs', 'index.d.ts', 'node.d.ts', 'registry.d.ts', 'cli.js'].map((file) =>
      readFileSync(join(installed, 'dist', file), 'utf8'),
    );
    const cited = new Set<string>();
    for (const text of shipped) {
      expect(text).not.toContain('PROTOCOL.md');
      for (const match of text.matchAll(/\brules? ([RTXFSE]\d{1,2})\b/g)) cited.add(match[1]!);
    }
    expect(cited.size).toBeGreaterThan(10);
    for (const rule of cited) expect(table, rule).toMatch(new RegExp(`^\\| ${rule} \\|`, 'm'));
  });

  it('Node ESM: import of every export path tracks an operation', async () => {
    const { stdout } = await run(process.execPath, ['consumer.mjs'], { cwd: project, timeout: 30_000 });
    expect(JSON.parse(stdout)).toEqual({
      format: 'esm',
      state: 'succeeded',
      name: 'w1',
      registry: 'succeeded',
      guard: 'function',
      limiter: 0,
    });
  });

  it('Node CJS: require of every export path tracks an operation', async () => {
    const { stdout } = await run(process.execPath, ['consumer.cjs'], { cwd: project, timeout: 30_000 });
    expect(JSON.parse(stdout)).toEqual({ format: 'cjs', state: 'succeeded', registry: 'function', fetch: 'function' });
  });

  for (const [module, moduleResolution] of [
    ['node16', 'node16'],
    ['esnext', 'bundler'],
  ] as const) {
    it(`TypeScript (module ${module}, moduleResolution ${moduleResolution}, strict): the result type is inferred from the codec`, async () => {
      const config = join(project, `tsconfig.${moduleResolution}.json`);
      writeStrictConfig(config, module, moduleResolution, ['typed.ts']);
      const result = await typecheck(config);
      expect(result.out).toBe('');
      expect(result.code).toBe(0);
    });
  }

  it(`the README's store recipes compile against it (strict, moduleResolution bundler): ${RECIPES.map((f) => f.split('/').at(-1)).join(', ')}`, async () => {
    const config = join(project, 'tsconfig.recipes.json');
    writeFileSync(
      config,
      JSON.stringify({
        compilerOptions: {
          module: 'esnext',
          moduleResolution: 'bundler',
          target: 'es2022',
          strict: true,
          skipLibCheck: true,
          lib: ['es2022', 'dom'],
          types: [],
          outDir: 'recipes-js',
          rootDir: 'recipes',
        },
        include: ['recipes/*.ts'],
      }),
    );
    const result = await typecheck(config);
    expect(result.out).toBe('');
    expect(result.code).toBe(0);
    // A bundler finds `./operations-slice`; Node's ESM loader needs the file's extension.
    for (const file of readdirSync(join(project, 'recipes-js'))) {
      const path = join(project, 'recipes-js', file);
      writeFileSync(path, readFileSync(path, 'utf8').replace(/from '(\.\/[\w-]+)'/g, "from '$1.js'"));
    }
  }, 120_000);

  it('the Zustand and Redux recipes, run from it against the simulator: a reload finishes what was running, starting and queued; a cancel stops', async () => {
    const { stdout } = await run(process.execPath, ['recipes.mjs'], { cwd: project, timeout: 60_000 });
    expect(JSON.parse(stdout)).toEqual({
      zustand: {
        before: ['running', 'starting', 'queued'],
        after: ['running:succeeded', 'starting:succeeded'],
        // Resumed, not sent again; in flight at the reload and idempotent (PUT), sent again; queued, sent once.
        initial: [1, 2, 1],
      },
      listener: { done: 'succeeded', stoppedAt: true },
      epic: { done: 'succeeded', stoppedAt: true },
    });
  });

  it('TypeScript in a CommonJS project (module node16): the require condition has CommonJS declarations, so importing compiles', async () => {
    const dir = join(project, 'commonjs-ts');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'commonjs-ts', private: true, type: 'commonjs' }));
    writeFileSync(
      join(dir, 'index.ts'),
      [
        "import { trackOperation, isLroError, type OperationSnapshot } from 'rx-lro';",
        "import { createOperationRegistry } from 'rx-lro/registry';",
        "import { createRequestLimiter } from 'rx-lro/limiter';",
        'const limiter = createRequestLimiter({ maxConcurrent: 2 });',
        "trackOperation({ method: 'PUT', url: 'https://example.com/r' }, { limiter }).subscribe((s: OperationSnapshot) => console.log(s.state, isLroError(s)));",
        'createOperationRegistry({ maxConcurrent: 2 }).dispose();',
        '',
      ].join('\n'),
    );
    writeStrictConfig(join(dir, 'tsconfig.json'), 'node16', 'node16', ['index.ts']);
    const result = await typecheck(join(dir, 'tsconfig.json'));
    expect(result.out).toBe('');
    expect(result.code).toBe(0);
  });

  describe('a browser bundle of the core', () => {
    let sim: Simulator;
    let site: Site | undefined;
    let bundle = '';
    let modules: string[] = [];
    let lazy: Array<{ fileName: string; modules: string[] }> = [];
    beforeAll(async () => {
      sim = await startSimulator();
      const { stdout } = await run(
        process.execPath,
        [join(fixtures, 'bundle.mjs'), join(project, 'browser-entry.mjs'), join(project, 'app.js')],
        { cwd: project, timeout: 120_000 },
      );
      ({ modules, lazy } = JSON.parse(stdout) as { modules: string[]; lazy: typeof lazy });
      bundle = readFileSync(join(project, 'app.js'), 'utf8');
      site = await startSite((req, res) => {
        const chunk = lazy.find(({ fileName }) => req.url === `/${fileName}`);
        if (req.url?.startsWith('/app.js') || chunk) {
          res.writeHead(200, { 'Content-Type': 'text/javascript' });
          res.end(chunk ? readFileSync(join(project, chunk.fileName)) : bundle);
        } else {
          res.writeHead(200, { 'Content-Type': 'text/html' });
          res.end('<!doctype html><title>rx-lro</title><script type="module" src="/app.js"></script>');
        }
      });
      // Unpacks the npm package's Chromium here, on a first run, rather than within the test's time.
      await findChromium();
    }, 180_000);
    afterAll(async () => {
      await sim?.close();
      await site?.close();
    });

    it('never pulls in rx-lro/testing, the registry or Node built-ins', () => {
      const ours = modules.filter((id) => id.includes(`${join('node_modules', 'rx-lro')}`));
      const files = ours.map((id) => id.split(join('node_modules', 'rx-lro'))[1]);
      // The core entry and the chunks it shares with the other entries: nothing else of the package.
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) expect(file).toMatch(/^\/dist\/(index|chunks\/shared-[\w-]+)\.js$/);
      expect(bundle).not.toMatch(/node:http|startSimulator|createOperationRegistry/);
    });

    it('holds no cross-fetch: the fallback for runtimes without fetch is a lazy chunk of its own', () => {
      const crossFetch = (ids: string[]) => ids.filter((id) => id.includes(join('node_modules', 'cross-fetch')));
      expect(crossFetch(modules)).toEqual([]);
      expect(bundle).not.toMatch(/whatwg-fetch|XMLHttpRequest/);
      expect(lazy.flatMap((chunk) => crossFetch(chunk.modules))).not.toEqual([]);
    });

    it('runs in headless Chromium and tracks an operation against the simulator', async () => {
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        await page.goto(`${site!.url}/?service=${encodeURIComponent(sim.url)}`);
        await page.waitForFunction(() => document.body.dataset['result'] !== undefined, undefined, { timeout: 15_000 });
        expect(await page.evaluate(() => document.body.dataset['result'])).toBe('succeeded:3');
      } finally {
        await browser.close();
      }
    });

    it("the README's React hook, from it: the component renders again as the operation moves on, to done", async () => {
      await run(process.execPath, [join(fixtures, 'bundle.mjs'), join(project, 'react-entry.mjs'), join(project, 'react.js')], {
        cwd: project,
        timeout: 120_000,
      });
      const react = readFileSync(join(project, 'react.js'), 'utf8');
      const server = await startSite((req, res) => {
        res.writeHead(200, { 'Content-Type': req.url?.startsWith('/react.js') ? 'text/javascript' : 'text/html' });
        res.end(
          req.url?.startsWith('/react.js')
            ? react
            : '<!doctype html><title>rx-lro</title><div id="root"></div><script type="module" src="/react.js"></script>',
        );
      });
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(error.message));
        await page.goto(`${server.url}/?service=${encodeURIComponent(sim.url)}`);
        await page.waitForFunction(() => document.body.dataset['result'] !== undefined, undefined, { timeout: 0, polling: 20 });
        const commits = (await page.evaluate(() => document.body.dataset['result']))!.split(' | ');
        expect(commits.at(-1)).toBe('w:done');
        expect(commits).toContain('w:running');
        expect(await page.textContent('output')).toBe('w:done');
        expect(errors).toEqual([]);
      } finally {
        await browser.close();
        await server.close();
      }
    }, 120_000);
  });
});
