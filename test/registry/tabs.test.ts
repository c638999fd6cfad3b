// The tab link alone (src/registry/tabs.ts) over Web Locks and BroadcastChannel doubles: who leads,
// what followers see, where their commands go, and the hand-overs (a page closing, a page hiding).
import { BehaviorSubject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { browserTabs, linkTabs, type TabHooks, type TabLink } from '../../src/registry/tabs';
import { settle, tabsDouble, type TabsDouble } from '../support/tabs-double';

type Command = { op: string; key: string };
interface Record_ {
  by: number;
  applied: string[];
}

/** One tab: a link over the double, with hooks that keep what they were told. */
interface Tab {
  link: TabLink<Command>;
  visible: BehaviorSubject<boolean>;
  /** What this tab carried out as leader, in order. */
  applied: string[];
  /** The records it led from. */
  ledFrom: Array<Record_ | undefined>;
  /** The last record and pending commands it mirrored as follower. */
  mirrored?: { record: Record_ | undefined; pending: readonly Command[] };
  stops: number;
  busy: boolean;
}

const NAME = 'rx-lro';
let links: Tab[] = [];

function openTab(double: TabsDouble, index: number, visible = true): Tab {
  const tab = { visible: new BehaviorSubject(visible), applied: [], ledFrom: [], stops: 0, busy: false } as unknown as Tab;
  const hooks: TabHooks<Record_, Command> = {
    lead: (record) => {
      tab.ledFrom.push(record);
      tab.applied = [...(record?.applied ?? [])];
    },
    apply: (command) => {
      if (command.op === 'refuse') throw new TypeError('refused');
      tab.applied.push(`${command.op} ${command.key}`);
    },
    record: () => ({ by: index, applied: [...tab.applied] }),
    stop: () => {
      tab.stops += 1;
    },
    busy: () => tab.busy,
    carryOn: () => tab.applied.push('carry on'),
    mirror: (record, pending) => {
      tab.mirrored = { record, pending };
    },
  };
  tab.link = linkTabs(double.environment(index), NAME, tab.visible, hooks);
  links.push(tab);
  return tab;
}

afterEach(() => {
  for (const tab of links) tab.link.dispose();
  links = [];
});

describe('tabs: one leader per registry name', () => {
  it('the first tab leads; the others follow and mirror its record; only the leader is told to lead', async () => {
    const double = tabsDouble();
    const [a, b, c] = [openTab(double, 0), openTab(double, 1), openTab(double, 2)];
    await settle();
    expect([a, b, c].map((t) => t.link.leading)).toEqual([true, false, false]);
    expect(double.holder(NAME)).toBe(0);
    expect(double.waiting(NAME)).toEqual([1, 2]);
    expect(a.ledFrom).toEqual([undefined]);
    expect(b.ledFrom).toEqual([]);
    const states = () => double.sent.filter((m) => m.data['t'] === 'state' && m.from === 0);
    const before = states().length;
    a.applied.push('track x');
    a.link.changed();
    a.applied.push('track y');
    a.link.changed();
    await settle();
    expect(b.mirrored).toEqual({ record: { by: 0, applied: ['track x', 'track y'] }, pending: [] });
    expect(c.mirrored).toEqual(b.mirrored);
    // The changes of one turn go out as one message.
    expect(
      states()
        .slice(before)
        .map((m) => (m.data['record'] as Record_).applied),
    ).toEqual([['track x', 'track y']]);
  });

  it("a follower's command is carried out once by the leader, and stays pending in the follower until the leader's record has it", async () => {
    const double = tabsDouble();
    const [a, b] = [openTab(double, 0), openTab(double, 1)];
    await settle();
    b.link.send({ op: 'track', key: 'k1' });
    expect(b.mirrored!.pending).toEqual([{ op: 'track', key: 'k1' }]);
    b.link.send({ op: 'cancel', key: 'k1' });
    await settle();
    // The second message carried both commands: the first is not carried out twice.
    expect(a.applied).toEqual(['track k1', 'cancel k1']);
    expect(b.mirrored).toEqual({ record: { by: 0, applied: ['track k1', 'cancel k1'] }, pending: [] });
  });

  it("a leader that closes before it saw a follower's command: the next leader carries it out, from the last record heard", async () => {
    const double = tabsDouble();
    const [a, b, c] = [openTab(double, 0), openTab(double, 1), openTab(double, 2)];
    await settle();
    a.applied.push('track a1');
    a.link.changed();
    await settle();
    // The page of the leader is gone (no last words), then tab 2 sends a command nobody hears yet.
    double.close(0);
    c.link.send({ op: 'track', key: 'c1' });
    await settle();
    expect(b.link.leading).toBe(true);
    expect(b.ledFrom).toEqual([{ by: 0, applied: ['track a1'] }]);
    expect(b.applied).toEqual(['track a1', 'track c1']);
    expect(c.mirrored).toEqual({ record: { by: 1, applied: ['track a1', 'track c1'] }, pending: [] });
  });

  it('a command a follower sent while nobody led is carried out by that follower itself when it takes the lead', async () => {
    const double = tabsDouble();
    const [, b] = [openTab(double, 0), openTab(double, 1)];
    await settle();
    double.close(0);
    b.link.send({ op: 'remove', key: 'k' });
    expect(b.link.leading).toBe(false);
    await settle();
    expect(b.link.leading).toBe(true);
    expect(b.applied).toEqual(['remove k']);
  });

  it('a command the leader refuses is dropped, and the ones after it still go through', async () => {
    const double = tabsDouble();
    const [a, b] = [openTab(double, 0), openTab(double, 1)];
    await settle();
    b.link.send({ op: 'refuse', key: 'k' });
    b.link.send({ op: 'track', key: 'k2' });
    await settle();
    expect(a.applied).toEqual(['track k2']);
    expect(b.mirrored!.pending).toEqual([]);
  });

  it('dispose: a leader hands its last record over and frees the lock; a follower leaves the line; every channel is closed', async () => {
    const double = tabsDouble();
    const [a, b, c] = [openTab(double, 0), openTab(double, 1), openTab(double, 2)];
    await settle();
    a.applied.push('track last');
    a.link.dispose();
    expect(a.stops).toBe(1);
    c.link.dispose();
    await settle();
    expect(b.link.leading).toBe(true);
    expect(b.ledFrom).toEqual([{ by: 0, applied: ['track last'] }]);
    expect(double.waiting(NAME)).toEqual([]);
    b.link.dispose();
    await settle();
    expect(double.holder(NAME)).toBeUndefined();
    expect(double.openChannels()).toBe(0);
  });
});

describe('tabs: hidden pages', () => {
  it('a leader whose page hides hands over to a visible tab (its trackers stopped first), and leads again only when visible', async () => {
    const double = tabsDouble();
    const [a, b, c] = [openTab(double, 0), openTab(double, 1), openTab(double, 2)];
    await settle();
    // A hidden follower leaves the line.
    expect(double.waiting(NAME)).toEqual([1, 2]);
    c.visible.next(false);
    expect(double.waiting(NAME)).toEqual([1]);
    a.applied.push('track x');
    a.visible.next(false);
    expect(a.stops).toBe(1);
    expect(a.link.leading).toBe(false);
    await settle();
    expect(b.link.leading).toBe(true);
    expect(b.ledFrom).toEqual([{ by: 0, applied: ['track x'] }]);
    // A hidden tab is not in line for the lock.
    expect(double.waiting(NAME)).toEqual([]);
    a.visible.next(true);
    await settle();
    expect(double.waiting(NAME)).toEqual([0]);
    expect(a.link.leading).toBe(false);
  });

  it('while an initial request is unanswered (busy) a hiding leader waits, starting nothing new; then it hands over', async () => {
    const double = tabsDouble();
    const [a, b] = [openTab(double, 0), openTab(double, 1)];
    await settle();
    a.busy = true;
    a.visible.next(false);
    expect([a.link.leading, a.link.starting]).toEqual([true, false]);
    await settle();
    expect(b.link.leading).toBe(false);
    a.busy = false;
    a.link.changed();
    await settle();
    expect([a.link.leading, b.link.leading]).toEqual([false, true]);
  });

  it('a leader hidden and visible again before it could hand over goes on leading', async () => {
    const double = tabsDouble();
    const [a] = [openTab(double, 0), openTab(double, 1)];
    await settle();
    a.busy = true;
    a.visible.next(false);
    a.visible.next(true);
    a.busy = false;
    a.link.changed();
    await settle();
    expect([a.link.leading, a.link.starting, a.stops]).toEqual([true, true, 0]);
    expect(a.applied).toEqual(['carry on']);
  });

  it('a tab alone and hidden steps down; a tab that gets the lock while hidden keeps it until a visible tab says it is there', async () => {
    const double = tabsDouble();
    const a = openTab(double, 0);
    await settle();
    a.visible.next(false);
    await settle();
    expect(double.holder(NAME)).toBeUndefined();
    // Tab 1 asks while visible and hides before the lock comes: it keeps it (no hand-over loop).
    const b = openTab(double, 1);
    b.visible.next(false);
    await settle();
    expect(b.link.leading).toBe(true);
    expect(b.stops).toBe(0);
    const c = openTab(double, 2);
    await settle();
    // Tab 2 is visible: the hidden leader hands over to it.
    expect([b.link.leading, c.link.leading]).toEqual([false, true]);
    expect(c.ledFrom).toEqual([{ by: 1, applied: [] }]);
  });
});

describe('tabs: where the APIs are missing', () => {
  it('browserTabs() is undefined without navigator.locks or without BroadcastChannel (Node 20, SSR, old browsers)', () => {
    const double = tabsDouble();
    // Node 20 has a BroadcastChannel, but no Web Locks.
    expect(typeof globalThis.BroadcastChannel).toBe('function');
    expect(browserTabs()).toBeUndefined();
    const undo = double.install(0);
    try {
      expect(browserTabs()).toBeDefined();
      const scope = globalThis as { BroadcastChannel?: unknown };
      const channel = scope.BroadcastChannel;
      scope.BroadcastChannel = undefined;
      expect(browserTabs()).toBeUndefined();
      scope.BroadcastChannel = channel;
    } finally {
      undo();
    }
    expect(browserTabs()).toBeUndefined();
  });
});
