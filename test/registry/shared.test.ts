// shareAcrossTabs in Node: registries as tabs of one origin over the Web Locks and BroadcastChannel
// doubles (test/support/tabs-double.ts), tracking real operations of the simulator over real HTTP.
// Each tab has a fetch of its own, so every request is counted where it was sent.
import { BehaviorSubject, filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { FetchLike } from '../../src/index';
import { createOperationRegistry, type OperationRegistry, type RegistryOptions, type RegistryState } from '../../src/registry/index';
import type { RecordedRequest } from '../../src/testing/index';
import { target, useSimulator, type Target } from '../integration/helpers';
import { settle, tabsDouble, type TabsDouble } from '../support/tabs-double';

const simulator = useSimulator();

interface Tab {
  registry: OperationRegistry;
  visible: BehaviorSubject<boolean>;
  /** The requests this tab sent, by method. */
  sent: string[];
  /** Their URLs, in the same order. */
  sentUrls: string[];
}

let open: Tab[] = [];
afterEach(() => {
  for (const tab of open) tab.registry.dispose();
  open = [];
});

/** Tab `index` of the origin: a shared registry over the doubles, with its own counting fetch. */
function openTab(double: TabsDouble, index: number, options: RegistryOptions = {}): Tab {
  const sent: string[] = [];
  const sentUrls: string[] = [];
  const counting: FetchLike = (url, init) => {
    sent.push(init?.method ?? 'GET');
    sentUrls.push(String(url));
    return fetch(url, init);
  };
  const visible = new BehaviorSubject(true);
  const undo = double.install(index);
  try {
    const registry = createOperationRegistry({
      shareAcrossTabs: true,
      visibility: visible,
      ...options,
      poll: { delay: 20, fetch: counting },
    });
    const tab = { registry, visible, sent, sentUrls };
    open.push(tab);
    return tab;
  } finally {
    undo();
  }
}

const until = (tab: Tab, check: (state: RegistryState) => boolean): Promise<RegistryState> =>
  firstValueFrom(tab.registry.state$.pipe(filter(check)));

const allDone = (keys: string[]) => (state: RegistryState) => keys.every((key) => state[key]?.phase === 'done');

function widget(name: string, query = ''): Target & { requests: () => RecordedRequest[]; initial: () => number } {
  const sim = simulator();
  const t = target(sim, name);
  const requests = () => sim.requests.filter((r) => r.url.includes(`/subscriptions/${t.uid}/`));
  return { ...t, url: `${t.url}${query}`, requests, initial: () => requests().filter((r) => r.kind === 'initial').length };
}

describe('shareAcrossTabs: one poller for the tabs of an origin', () => {
  it('three tabs: only the leader sends; every tab shows every entry; a follower’s track, cancel and remove go through the leader', async () => {
    const double = tabsDouble();
    const tabs = [openTab(double, 0), openTab(double, 1), openTab(double, 2)];
    await Promise.all(tabs.map((tab) => tab.registry.ready));
    const [a, b, c] = tabs as [Tab, Tab, Tab];
    const w1 = widget('w1', '&sim-polls=4');
    const w2 = widget('w2', '&sim-polls=4');
    const w3 = widget('w3', '&sim-polls=200');
    a.registry.track('w1', { method: 'PUT', url: w1.url, body: {} });
    // A follower's call shows at once in its own state, queued until the leader's record has it.
    b.registry.track('w2', { method: 'PUT', url: w2.url, body: {} });
    expect(b.registry.getState()['w2']).toEqual({ key: 'w2', phase: 'queued' });
    c.registry.track('w3', { method: 'PUT', url: w3.url, body: {} });
    // The same key again from another follower, while it is active: refused as the leader would.
    await until(b, (s) => s['w3']?.phase === 'running');
    expect(() => b.registry.track('w3', { method: 'PUT', url: w3.url })).toThrow(/key "w3" is still running/);

    for (const tab of tabs) await until(tab, allDone(['w1', 'w2']));
    c.registry.cancel('w3');
    await until(a, (s) => s['w3']?.phase === 'canceled');
    b.registry.remove('w1');
    for (const tab of tabs) await until(tab, (s) => s['w1'] === undefined && s['w3']?.phase === 'canceled');

    // One poller: every request was the leader's, and the simulator saw each operation's requests once.
    expect([b.sent, c.sent]).toEqual([[], []]);
    const sentFor = (w: { uid: string }) => a.sentUrls.filter((url) => url.includes(`/subscriptions/${w.uid}/`)).length;
    expect(a.sent.length).toBe(sentFor(w1) + sentFor(w2) + sentFor(w3));
    expect([sentFor(w1), sentFor(w2)]).toEqual([w1.requests().length, w2.requests().length]);
    // w3 was canceled with a poll perhaps in flight: aborted, that one may never reach the simulator.
    expect(sentFor(w3) - w3.requests().length).toBeGreaterThanOrEqual(0);
    expect(sentFor(w3) - w3.requests().length).toBeLessThanOrEqual(1);
    expect([w1, w2, w3].map((w) => w.initial())).toEqual([1, 1, 1]);
    expect(b.registry.getState()).toEqual(a.registry.getState());
    expect(c.registry.getState()).toEqual(a.registry.getState());
    // The entries are the leader's, polls included: 4 polls and the final GET.
    expect(a.registry.getState()['w2']).toMatchObject({ phase: 'done', state: 'succeeded', polls: 5 });
  });

  it('the leader’s page closes mid-flight: the next tab resumes every operation from its token, sends no initial request again, and all finish', async () => {
    const double = tabsDouble();
    const tabs = [openTab(double, 0), openTab(double, 1), openTab(double, 2)];
    await Promise.all(tabs.map((tab) => tab.registry.ready));
    const [a, b, c] = tabs as [Tab, Tab, Tab];
    const widgets = [widget('w1', '&sim-polls=12'), widget('w2', '&sim-polls=12'), widget('w3', '&sim-pattern=location&sim-polls=12')];
    widgets.forEach((w, i) => tabs[i]!.registry.track(`w${i + 1}`, { method: 'PUT', url: w.url, body: {} }));
    const keys = ['w1', 'w2', 'w3'];
    await until(c, (s) => keys.every((key) => (s[key]?.polls ?? 0) >= 2));
    // The page is gone: no last words, the lock freed by the browser; its trackers die with it.
    double.close(0);
    a.registry.dispose();
    const sentByA = a.sent.length;
    for (const tab of [b, c]) await until(tab, allDone(keys));
    expect(a.sent.length).toBe(sentByA);
    expect(c.sent).toEqual([]);
    expect(b.sent.filter((method) => method !== 'GET')).toEqual([]);
    expect(widgets.map((w) => w.initial())).toEqual([1, 1, 1]);
    const logged = widgets.reduce((sum, w) => sum + w.requests().length, 0);
    expect(sentByA + b.sent.length).toBe(logged);
    expect(Object.values(c.registry.getState()).map((e) => [e.key, e.state])).toEqual([
      ['w1', 'succeeded'],
      ['w2', 'succeeded'],
      ['w3', 'succeeded'],
    ]);
  });

  it('the leader’s page hides: it waits for the initial request in flight, then a visible tab takes over; nothing is sent twice', async () => {
    const double = tabsDouble();
    const [a, b] = [openTab(double, 0), openTab(double, 1)];
    await Promise.all([a.registry.ready, b.registry.ready]);
    // The initial response takes 300 ms: the page hides while it is in flight.
    const slow = widget('slow', '&sim-fault=initial:1:slow:300&sim-polls=4');
    const post = widget('post', '&sim-pattern=azure-async-operation&sim-polls=4');
    a.registry.track('slow', { method: 'PUT', url: slow.url, body: {} });
    a.registry.track('post', { method: 'POST', url: post.url });
    await until(b, (s) => s['slow']?.phase === 'starting');
    a.visible.next(false);
    await until(b, allDone(['slow', 'post']));
    expect([slow.initial(), post.initial()]).toEqual([1, 1]);
    expect(a.sent.filter((m) => m !== 'GET').sort()).toEqual(['POST', 'PUT']);
    expect(b.sent.filter((m) => m !== 'GET')).toEqual([]);
    expect(b.sent.length).toBeGreaterThan(0);
    expect(a.sent.length + b.sent.length).toBe(slow.requests().length + post.requests().length);
  });

  it('the leader’s page closes while initial requests are unanswered: the next leader follows the reload table (a PUT sent again, a POST an error entry)', async () => {
    const double = tabsDouble();
    const [a, b] = [openTab(double, 0), openTab(double, 1)];
    await Promise.all([a.registry.ready, b.registry.ready]);
    // Both initial answers take 300 ms: the page closes while they are in flight.
    const put = widget('put', '&sim-fault=initial:1:slow:300&sim-polls=2');
    const post = widget('post', '&sim-pattern=azure-async-operation&sim-fault=initial:1:slow:300');
    a.registry.track('put', { method: 'PUT', url: put.url, body: {} });
    a.registry.track('post', { method: 'POST', url: post.url });
    await until(b, (s) => s['put']?.phase === 'starting' && s['post']?.phase === 'starting');
    // In flight: the simulator has both requests and has not answered them.
    while (put.requests().length + post.requests().length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    double.close(0);
    a.registry.dispose();
    const state = await until(b, (s) => s['put']?.phase === 'done' && s['post']?.phase === 'error');
    expect(state['post']!.fault).toMatchObject({ name: 'NetworkError', code: 'network', method: 'POST' });
    expect(b.sent).toEqual(['PUT', 'GET', 'GET', 'GET']);
    // The simulator saw the PUT twice (the first cut short when the page went) and the POST once.
    const sent = (w: typeof put, method: string) => w.requests().filter((r) => r.method === method).length;
    expect([sent(put, 'PUT'), sent(post, 'POST')]).toEqual([2, 1]);
  });

  it('with storage: only the leader writes it; a leader that heard no record reads it back', async () => {
    const double = tabsDouble();
    const saved = new Map<string, string>();
    const writes: number[] = [];
    const storage = (tab: number) => ({
      getItem: (key: string) => saved.get(key) ?? null,
      setItem: (key: string, value: string) => {
        writes.push(tab);
        saved.set(key, value);
      },
    });
    const w1 = widget('w1', '&sim-polls=30');
    const first = openTab(double, 0, { storage: storage(0) });
    first.registry.track('w1', { method: 'PUT', url: w1.url, body: {} });
    await until(first, (s) => (s['w1']?.polls ?? 0) >= 1);
    first.registry.dispose(); // the only tab closes: the storage keeps the entry
    await settle();

    const [a, b] = [openTab(double, 1, { storage: storage(1) }), openTab(double, 2, { storage: storage(2) })];
    await until(b, (s) => s['w1']?.phase === 'running');
    b.registry.cancel('w1');
    await until(a, (s) => s['w1']?.phase === 'canceled');
    expect(new Set(writes)).toEqual(new Set([0, 1]));
    expect(JSON.parse(saved.get('rx-lro')!).entries.w1).toMatchObject({ phase: 'canceled' });
    expect(w1.initial()).toBe(1);
    expect(b.sent).toEqual([]);
  });

  it('dispose of every tab: the lock is free, every channel closed', async () => {
    const double = tabsDouble();
    const tabs = [openTab(double, 0), openTab(double, 1)];
    await Promise.all(tabs.map((tab) => tab.registry.ready));
    for (const tab of tabs) tab.registry.dispose();
    await settle();
    expect(double.holder('rx-lro/registry:rx-lro')).toBeUndefined();
    expect(double.openChannels()).toBe(0);
  });
});

describe('shareAcrossTabs: options and fallbacks', () => {
  it('is a boolean (a TypeError otherwise); without Web Locks (Node 20) each registry tracks on its own', async () => {
    expect(() => createOperationRegistry({ shareAcrossTabs: 'yes' as never })).toThrow(
      new TypeError('rx-lro/registry: shareAcrossTabs must be a boolean, got "yes"'),
    );
    expect(() => createOperationRegistry({ shareAcrossTabs: 1 as never })).toThrow(/shareAcrossTabs must be a boolean, got 1/);
    expect((globalThis as { navigator?: { locks?: unknown } }).navigator?.locks).toBeUndefined();
    const w1 = widget('w1', '&sim-polls=2');
    const registries = [0, 1].map(() => createOperationRegistry({ shareAcrossTabs: true, poll: { delay: 20 } }));
    try {
      registries.forEach((registry, i) => registry.track(`k${i}`, { method: 'PUT', url: w1.url.replace('/w1', `/w1-${i}`), body: {} }));
      for (const [i, registry] of registries.entries()) {
        await firstValueFrom(registry.state$.pipe(filter((s) => s[`k${i}`]?.phase === 'done')));
        expect(Object.keys(registry.getState())).toEqual([`k${i}`]);
      }
    } finally {
      for (const registry of registries) registry.dispose();
    }
  });
});
