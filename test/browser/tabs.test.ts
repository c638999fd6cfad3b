// shareAcrossTabs in real headless Chromium (Web Locks, BroadcastChannel, localStorage): three pages
// of one origin against the simulator. Every request of every page is counted (Playwright sees each
// one leave its page) and set against the simulator's own log: one poller, not one per tab; when
// the leader's page closes mid-flight, another page finishes every operation from the resume
// tokens, and no initial request is sent again; when the next leader's page hides, the third takes over.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { rollup, type Plugin } from 'rollup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryState } from '../../src/registry/index';
import { startSimulator, type RecordedRequest, type Simulator } from '../../src/testing/index';
import { launchChromium } from '../support/browser';
import { startSite, type Site } from '../support/site';

const root = join(__dirname, '..', '..');
let sim: Simulator;
let site: Site | undefined;
let siteUrl = '';
let browser: Browser;
let bundle = '';

beforeAll(async () => {
  // The page, bundled as an app would be: the package's names (here its sources), the platform's fetch.
  const sources: Record<string, string> = {
    'rx-lro': join(root, 'src', 'index.ts'),
    'rx-lro/registry': join(root, 'src', 'registry', 'index.ts'),
    'cross-fetch': join(root, 'src', 'global-fetch.ts'),
  };
  // The build's own TypeScript step (each module transpiled on its own, no type check).
  const { transpileTypeScript } = (await import(join(root, 'scripts', 'rollup-typescript.mjs'))) as {
    transpileTypeScript(options: { tsconfig: string }): Plugin;
  };
  const build = await rollup({
    input: join(__dirname, 'fixtures', 'tabs-page.mjs'),
    plugins: [
      { name: 'package-sources', resolveId: (id: string) => sources[id] ?? null },
      transpileTypeScript({ tsconfig: join(root, 'tsconfig.build.json') }),
      nodeResolve({ browser: true }),
    ],
    onwarn: () => undefined,
  });
  bundle = (await build.generate({ format: 'es' })).output[0].code;
  await build.close();
  sim = await startSimulator();
  site = await startSite((req, res) => {
    if (req.url?.startsWith('/tabs.js')) {
      res.writeHead(200, { 'Content-Type': 'text/javascript' });
      res.end(bundle);
    } else {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<!doctype html><title>tabs</title><script type="module" src="/tabs.js"></script>');
    }
  });
  siteUrl = site.url;
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await sim?.close();
  await site?.close();
});

interface Tab {
  page: Page;
  /** Every request this page sent to the simulator (preflights aside), in order. */
  sent: Array<{ method: string; url: string; at: number }>;
}

declare global {
  interface Window {
    tabs: { registry: import('../../src/registry/index').OperationRegistry; ready(): boolean; state(): RegistryState };
  }
}

let order = 0;
async function openTab(context: BrowserContext, errors: string[]): Promise<Tab> {
  const page = await context.newPage();
  const tab: Tab = { page, sent: [] };
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('request', (request) => {
    if (request.url().startsWith(sim.url) && request.method() !== 'OPTIONS')
      tab.sent.push({ method: request.method(), url: request.url(), at: (order += 1) });
  });
  await page.goto(`${siteUrl}/`);
  await page.waitForFunction(() => window.tabs?.ready() === true, undefined, { timeout: 0, polling: 20 });
  return tab;
}

/** Waits (no deadline of its own: the test's timeout is the limit) until the page's state passes `check`. */
async function until(tab: Tab, check: string, arg?: unknown): Promise<RegistryState> {
  const body = `const state = window.tabs.state(); return (${check})(state, arg);`;
  await tab.page.waitForFunction(new Function('arg', body) as (arg: unknown) => boolean, arg, { timeout: 0, polling: 20 });
  return tab.page.evaluate(() => window.tabs.state());
}

const ALL_DONE = '(state, keys) => keys.every((key) => state[key] && state[key].phase === "done")';

/** The simulator's log for the operations of subscription `uid` (preflights aside). */
const logged = (uid: string): RecordedRequest[] =>
  sim.requests.filter((r) => r.url.includes(`/subscriptions/${uid}/`) && r.method !== 'OPTIONS');

function url(uid: string, name: string, query: string): string {
  return `${sim.url}/subscriptions/${uid}/resourceGroups/rg/providers/Microsoft.Test/widgets/${name}?api-version=2024-01-01&${query}`;
}

describe('shareAcrossTabs in headless Chromium, three pages of one origin', () => {
  it('one poller for all pages; the leader closes mid-flight and another page finishes every operation, no initial request sent again; the next leader hides and the third takes over', async () => {
    const context = await browser.newContext();
    const errors: string[] = [];
    const uid = `tabs-${Math.random().toString(36).slice(2, 8)}`;
    try {
      // The first page alone: it takes the lock. Then two more follow it.
      const a = await openTab(context, errors);
      const b = await openTab(context, errors);
      const c = await openTab(context, errors);

      // Three operations, each started from a different page: one from the leader, two through it.
      const first = [
        ['deploy', 'PUT', url(uid, 'deploy', 'sim-polls=16&sim-percent=true')],
        ['vm', 'POST', url(uid, 'vm', 'sim-pattern=azure-async-operation&sim-polls=16')],
        ['storage', 'PUT', url(uid, 'storage', 'sim-pattern=location&sim-polls=16')],
      ] as const;
      for (const [[key, method, target], tab] of first.map((op, i) => [op, [a, b, c][i]!] as const)) {
        await tab.page.evaluate(([k, m, u]) => window.tabs.registry.track(k, { method: m, url: u, body: {} }), [
          key,
          method,
          target,
        ] as const);
      }
      const keys = first.map(([key]) => key);
      // Every page shows every operation under way.
      for (const tab of [a, b, c])
        await until(tab, '(s, keys) => keys.every((k) => s[k] && s[k].phase === "running" && s[k].polls >= 3)', keys);
      const beforeClose = { a: a.sent.length, b: b.sent.length, c: c.sent.length };
      expect(beforeClose.b + beforeClose.c).toBe(0);

      // The leader's page closes mid-flight: no dispose, no last words; the browser frees its lock.
      const closedAt = (order += 1);
      await a.page.close();
      const [stateB, stateC] = [await until(b, ALL_DONE, keys), await until(c, ALL_DONE, keys)];
      expect(stateC).toEqual(stateB);
      expect(keys.map((k) => [k, stateB[k]!.state])).toEqual([
        ['deploy', 'succeeded'],
        ['vm', 'succeeded'],
        ['storage', 'succeeded'],
      ]);
      // The second page took over: from the resume tokens (polls only), after the first was gone.
      expect(b.sent.length).toBeGreaterThan(0);
      expect(b.sent.every((r) => r.method === 'GET' && r.at > closedAt)).toBe(true);
      expect(c.sent).toEqual([]);
      const initial = logged(uid).filter((r) => r.kind === 'initial');
      expect(initial.map((r) => r.method).sort()).toEqual(['POST', 'PUT', 'PUT']);

      // Two more, from the third page (a follower); the leader's page hides mid-flight: the third takes over.
      const more = [
        ['rg', 'DELETE', url(uid, 'rg', 'sim-pattern=location&sim-polls=16')],
        ['app', 'PUT', url(uid, 'app', 'sim-polls=16')],
      ] as const;
      for (const [key, method, target] of more)
        await c.page.evaluate(([k, m, u]) => window.tabs.registry.track(k, { method: m, url: u }), [key, method, target] as const);
      const moreKeys = more.map(([key]) => key);
      await until(c, '(s, keys) => keys.every((k) => s[k] && s[k].phase === "running" && s[k].polls >= 2)', moreKeys);
      const sentByBBeforeHide = b.sent.length;
      const hiddenAt = (order += 1);
      await b.page.evaluate(() => {
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
        document.dispatchEvent(new Event('visibilitychange'));
      });
      const stateAfterHide = await until(c, ALL_DONE, [...keys, ...moreKeys]);
      await until(b, ALL_DONE, [...keys, ...moreKeys]);
      expect(moreKeys.map((k) => stateAfterHide[k]!.state)).toEqual(['succeeded', 'succeeded']);
      // A hidden page sends nothing: what the second page sent after the hide was in flight at it.
      expect(b.sent.filter((r) => r.at > hiddenAt).length).toBeLessThanOrEqual(moreKeys.length + keys.length);
      expect(c.sent.length).toBeGreaterThan(0);
      expect(c.sent.every((r) => r.method === 'GET' && r.at > hiddenAt)).toBe(true);

      // The simulator saw one poller: what the pages sent, each request once, and each initial request once.
      const log = logged(uid);
      expect(log.length).toBe(a.sent.length + b.sent.length + c.sent.length);
      expect(
        log
          .filter((r) => r.kind === 'initial')
          .map((r) => r.method)
          .sort(),
      ).toEqual(['DELETE', 'POST', 'PUT', 'PUT', 'PUT']);
      const counts = {
        pages: { first: a.sent.length, second: b.sent.length, third: c.sent.length },
        secondBeforeHide: sentByBBeforeHide,
        simulator: log.length,
        initial: log.filter((r) => r.kind === 'initial').length,
        polls: log.filter((r) => r.kind !== 'initial').length,
        operations: [...keys, ...moreKeys].length,
      };
      mkdirSync(join(root, 'test-results'), { recursive: true });
      writeFileSync(join(root, 'test-results', 'tabs-requests.json'), `${JSON.stringify(counts, null, 2)}\n`);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
