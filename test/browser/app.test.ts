// The browser example in real headless Chromium (test/support/browser.ts: Debian's /usr/bin/chromium or
// the npm package's, driven by playwright-core):
// start three operations against the simulator, see progress move, reload mid-flight, see all three
// resume (never re-sent) and finish with the right results, then cancel a fourth.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/testing/index';
import { launchChromium } from '../support/browser';
import { startSite, type Site } from '../support/site';

const root = join(__dirname, '..', '..');
const appDir = join(root, 'examples', 'browser');
const run = promisify(execFile);

let sim: Simulator;
let site: Site | undefined;
let siteUrl = '';
let browser: Browser;

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };

beforeAll(async () => {
  // The app is bundled as a user would: rollup, the package's entries, no cross-fetch.
  await run(
    process.execPath,
    [join(root, 'node_modules', 'rollup', 'dist', 'bin', 'rollup'), '-c', join(appDir, 'rollup.config.js'), '--silent'],
    {
      cwd: root,
      timeout: 120_000,
    },
  );
  sim = await startSimulator();
  site = await startSite((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(appDir, path === '/' ? 'index.html' : path);
    if (!file.startsWith(appDir) || !existsSync(file)) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  siteUrl = site.url;
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await sim?.close();
  await site?.close();
});

interface Row {
  key: string;
  phase: string;
  state: string;
  detail: string;
  progress: number | null;
}

async function rows(page: Page): Promise<Row[]> {
  return page.$$eval('#operations tr', (trs) =>
    trs.map((tr) => {
      const bar = tr.querySelector('progress')!;
      return {
        key: (tr as HTMLElement).dataset['key']!,
        phase: (tr as HTMLElement).dataset['phase']!,
        state: tr.querySelector('.state')!.textContent!,
        detail: tr.querySelector('.detail')!.textContent!,
        progress: bar.hasAttribute('value') ? bar.value : null,
      };
    }),
  );
}

async function until(page: Page, check: (rows: Row[]) => boolean, limitMs = 15_000): Promise<Row[]> {
  const started = Date.now();
  for (;;) {
    const current = await rows(page);
    if (check(current)) return current;
    if (Date.now() - started > limitMs) throw new Error(`timed out; rows: ${JSON.stringify(current)}`);
    await page.waitForTimeout(100);
  }
}

describe('the browser example in headless Chromium', () => {
  it('starts three operations, survives a reload mid-flight (resumed, never re-sent), finishes them, and cancels a fourth', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${siteUrl}/index.html?service=${encodeURIComponent(sim.url)}`);

    for (const op of ['vm', 'deploy', 'storage']) await page.click(`button[data-op="${op}"]`);
    // Progress moves: a percentComplete above zero shows before anything is done.
    const moving = await until(
      page,
      (r) => r.length === 3 && r.some((row) => (row.progress ?? 0) > 0) && r.every((row) => row.phase === 'running'),
    );
    expect(moving.map((r) => r.key)).toEqual(['vm-1', 'deploy-2', 'storage-3']);

    // The reload: the page is gone, localStorage is not.
    await page.reload();
    // The registry is shared across tabs: the reloaded page shows the entries once it holds the lock.
    const restored = await until(page, (r) => r.length === 3);
    expect(restored.map((r) => r.key)).toEqual(['vm-1', 'deploy-2', 'storage-3']);
    expect(restored.every((r) => r.phase !== 'done')).toBe(true);

    const done = await until(page, (r) => r.length === 3 && r.every((row) => row.phase === 'done'));
    expect(done.map((r) => [r.key, r.state, r.detail])).toEqual([
      ['vm-1', 'succeeded', 'done'],
      ['deploy-2', 'succeeded', 'web-stack'],
      ['storage-3', 'succeeded', 'webdata01'],
    ]);
    expect(done.every((r) => r.progress === 100)).toBe(true);
    // Each operation's initial request was sent once: the reload resumed, it did not start again.
    const initial = sim.requests.filter((r) => r.kind === 'initial');
    expect(initial.map((r) => r.method).sort()).toEqual(['POST', 'PUT', 'PUT']);

    // A fourth, canceled midway: its row says so and nothing more is sent for it.
    await page.click('button[data-op="delete"]');
    await until(page, (r) => r.find((row) => row.key === 'delete-4')?.phase === 'running');
    await page.click('tr[data-key="delete-4"] button.cancel');
    const canceled = await until(page, (r) => r.find((row) => row.key === 'delete-4')?.phase === 'canceled');
    expect(canceled.find((r) => r.key === 'delete-4')!.state).toBe('canceled');
    const sentForDelete = () => sim.requests.filter((r) => r.url.includes('/resourceGroups/rg-old')).length;
    const afterCancel = sentForDelete();
    await page.waitForTimeout(800);
    expect(sentForDelete()).toBe(afterCancel);

    // And it all survives one more reload, finished operations keeping their last snapshot.
    await page.reload();
    const final = await until(page, (r) => r.length === 4);
    expect(final.map((r) => [r.key, r.phase])).toEqual([
      ['vm-1', 'done'],
      ['deploy-2', 'done'],
      ['storage-3', 'done'],
      ['delete-4', 'canceled'],
    ]);
    mkdirSync(join(root, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(root, 'test-results', 'browser-app.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);
});
