import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { SEED_BODIES, SEED_PATHS, startSeedServer } from '../support/seed-server';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const run = promisify(execFile);
let server: Awaited<ReturnType<typeof startSeedServer>> | undefined;

afterEach(() => server?.close());

describe('the built package', () => {
  it('writes every file its exports map names', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    // Every condition's file, however deep the conditions nest (import/require, then types/default).
    const conditions = (entry: unknown): string[] =>
      typeof entry === 'string' ? [entry] : Object.values(entry as object).flatMap(conditions);
    const files = [...conditions(pkg.exports), pkg.main, pkg.module, pkg.types];
    expect(files.filter((file) => file.endsWith('.d.cts')).length).toBe(6);
    for (const file of files) expect(existsSync(join(root, file)), file).toBe(true);
    expect(pkg.sideEffects).toBe(false);
  });

  // The default transport is the platform's fetch; cross-fetch is loaded only where there is none
  // (Node without its fetch stands for such a runtime), from the ESM build and the CommonJS one alike.
  const cases = ['consumer-esm.mjs', 'consumer-cjs.cjs'].flatMap((fixture) => [
    { fixture, flags: [] as string[], globalFetch: 'function', crossFetchLoaded: false },
    { fixture, flags: ['--no-experimental-fetch'], globalFetch: 'undefined', crossFetchLoaded: true },
  ]);
  for (const { fixture, flags, globalFetch, crossFetchLoaded } of cases) {
    const how = crossFetchLoaded ? 'without a global fetch, over cross-fetch' : 'over the global fetch, cross-fetch never loaded';
    it(`${fixture} imports rx-lro by name in a separate Node process and tracks E1–E3 over real HTTP ${how}`, async () => {
      server = await startSeedServer();
      const { stdout } = await run(
        process.execPath,
        [...flags, join(root, 'test', 'fixtures', fixture), server.url, JSON.stringify(SEED_PATHS)],
        { cwd: root, timeout: 15_000 },
      );
      const out = JSON.parse(stdout);
      expect(out.guard).toBe('function');
      expect(out.globalFetch).toBe(globalFetch);
      expect(out.crossFetchLoaded).toBe(crossFetchLoaded);
      expect(out.e1.map((s: { state: string; status: string }) => [s.state, s.status])).toEqual([
        ['running', 'Accepted'],
        ['running', 'InProgress'],
        ['succeeded', 'Succeeded'],
      ]);
      expect(out.e1[1].operation).toEqual({ name: SEED_BODIES.e1InProgress.name, startTime: SEED_BODIES.e1InProgress.startTime });
      expect(out.e2.map((s: { status: string }) => s.status)).toEqual(['Accepted', 'Running', 'Succeeded']);
      expect(out.e2.at(-1).result).toEqual(SEED_BODIES.e2Deployment);
      expect(out.e3.map((s: { httpStatus: number; nextPollInMs?: number }) => [s.httpStatus, s.nextPollInMs])).toEqual([
        [202, 17],
        [202, 17],
        [200, undefined],
      ]);
      expect(out.e3.at(-1)).toMatchObject({ state: 'succeeded', done: true, result: SEED_BODIES.e3Account });
    });
  }
});
