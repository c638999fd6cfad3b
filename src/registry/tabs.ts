// Tabs of one origin sharing one registry: a Web Lock elects the leader, the one tab that tracks; a
// BroadcastChannel carries its record to the other tabs and their commands to it. This file knows
// nothing of entries: the record and the commands are the registry's, carried as they are.
import { asapScheduler, type Observable, type SchedulerLike, type Subscription } from 'rxjs';

/** The part of `navigator.locks` (Web Locks) the tabs use: an exclusive lock held while the callback's promise is pending. */
export interface TabLocks {
  request(name: string, options: { signal?: AbortSignal }, callback: (lock: unknown) => Promise<void>): Promise<unknown>;
}

/** The part of a `BroadcastChannel` the tabs use: it delivers to every other channel of the same name, never to itself. */
export interface TabChannel {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((event: { data: unknown }) => void) | null;
}

/** What sharing needs from the platform. */
export interface TabEnvironment {
  locks: TabLocks;
  channel(name: string): TabChannel;
}

/** The page's Web Locks and BroadcastChannel, or `undefined` where either is missing (SSR, Node, old browsers). */
export function browserTabs(): TabEnvironment | undefined {
  const scope = globalThis as { navigator?: { locks?: TabLocks }; BroadcastChannel?: new (name: string) => TabChannel };
  const locks = scope.navigator?.locks;
  const Channel = scope.BroadcastChannel;
  if (typeof locks?.request !== 'function' || typeof Channel !== 'function') return undefined;
  return { locks, channel: (name) => new Channel(name) };
}

/** What the link asks of the registry it serves. */
export interface TabHooks<R, C> {
  /** This tab leads now: track from `record`, the last one heard from a leader (`undefined`: none heard). */
  lead(record: R | undefined): void;
  /** As leader: carry out a command (a follower's, or one of this tab's own still pending when it took the lead). */
  apply(command: C): void;
  /** As leader: the record to hand to the other tabs, with what a new leader needs to go on. */
  record(): R;
  /** As leader: stop every tracker; the record was taken just before. */
  stop(): void;
  /** As leader: `true` while handing over would lose something (an initial request not answered yet). */
  busy(): boolean;
  /** As leader: a hand-over was called off (the page is visible again); trackers may start again. */
  carryOn(): void;
  /** As follower: the leader's record (`undefined` until one is heard) and this tab's commands not in it yet. */
  mirror(record: R | undefined, pending: readonly C[]): void;
}

/** One tab's end of the link. */
export interface TabLink<C> {
  /** `true` while this tab holds the lock and tracks. */
  readonly leading: boolean;
  /** `true` while this tab leads and may start trackers (not while it is handing over). */
  readonly starting: boolean;
  /** As follower: sends `command` to the leader, kept (and sent again to a new leader) until the leader's record has it. */
  send(command: C): void;
  /** As leader: something changed; the other tabs get the record (once for all changes of one turn). */
  changed(): void;
  /** Leaves: a leader stops its trackers, hands its last record over and releases the lock. */
  dispose(): void;
}

type Message<R, C> =
  /** A tab that has no record yet asks for one; `visible` lets a hidden leader know that a visible tab waits. */
  | { t: 'hello'; from: string; visible: boolean }
  /** A follower became visible (or saw a hidden leader): a hidden leader hands over. */
  | { t: 'visible'; from: string }
  /** The leader's record; `applied`, the last command of each tab carried out; `hidden`, whether the leader's page is. */
  | { t: 'state'; from: string; hidden: boolean; record: R; applied: Record<string, number> }
  /** Every command of one follower not yet applied, in order. */
  | { t: 'commands'; from: string; commands: Array<{ seq: number; command: C }> };

/**
 * Links this tab to the other tabs of `name`: it asks for the lock while its page is visible, leads
 * while it holds it, and hands over when its page hides (once nothing would be lost, so an initial
 * request in flight is answered first). A tab that gets the lock while hidden keeps it until a
 * visible tab says it is there. Nothing here uses a timer: `scheduler` only batches the changes of
 * one turn into one message.
 */
export function linkTabs<R, C>(
  environment: TabEnvironment,
  name: string,
  visibility: Observable<boolean>,
  hooks: TabHooks<R, C>,
  scheduler: SchedulerLike = asapScheduler,
): TabLink<C> {
  const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  const channel = environment.channel(name);
  let disposed = false;
  let visible = true;
  let leading = false;
  let handingOver = false;
  let release: (() => void) | undefined;
  let asking: AbortController | undefined;
  let publishing: Subscription | undefined;
  // What was last heard from (or, as leader, is kept for) the leader.
  let record: R | undefined;
  let applied: Record<string, number> = {};
  let leader: string | undefined;
  let leaderHidden = false;
  // This tab's commands that the leader's record does not have yet.
  let pending: Array<{ seq: number; command: C }> = [];
  let seq = 0;

  const post = (message: Message<R, C>): void => {
    if (!disposed) channel.postMessage(message);
  };

  const publish = (): void => {
    publishing?.unsubscribe();
    publishing = undefined;
    if (leading) post({ t: 'state', from: id, hidden: !visible, record: hooks.record(), applied });
  };

  const mirror = (): void =>
    hooks.mirror(
      record,
      pending.map((p) => p.command),
    );

  const ask = (): void => {
    if (disposed || leading || asking || !visible) return;
    const request = new AbortController();
    asking = request;
    environment.locks
      .request(name, { signal: request.signal }, () => {
        if (asking === request) asking = undefined;
        if (disposed) return Promise.resolve();
        return new Promise<void>((resolve) => {
          release = resolve;
          takeOver();
        });
      })
      // Withdrawn while waiting (the page hid, or the registry was disposed).
      .catch(() => undefined);
  };

  const withdraw = (): void => {
    asking?.abort();
    asking = undefined;
  };

  const takeOver = (): void => {
    leading = true;
    leader = id;
    hooks.lead(record);
    // This tab's own commands, sent while it followed and not applied by the last leader: carried out here.
    const own = pending.filter((p) => p.seq > (applied[id] ?? 0));
    pending = [];
    for (const p of own) {
      applied = { ...applied, [id]: p.seq };
      hooks.apply(p.command);
    }
    publish();
  };

  const stepDown = (): void => {
    const last = hooks.record();
    hooks.stop();
    record = last;
    // The last record goes out before the lock does, so the next leader starts from it.
    post({ t: 'state', from: id, hidden: !visible, record: last, applied });
    leading = false;
    handingOver = false;
    leader = undefined;
    publishing?.unsubscribe();
    publishing = undefined;
    const held = release;
    release = undefined;
    held?.();
  };

  const handOver = (): void => {
    if (!leading || disposed) return;
    handingOver = true;
    if (!hooks.busy()) {
      stepDown();
      mirror();
    }
  };

  const receive = (data: unknown): void => {
    if (disposed || typeof data !== 'object' || data === null) return;
    const message = data as Message<R, C>;
    if (typeof message.from !== 'string' || message.from === id) return;
    switch (message.t) {
      case 'hello':
        if (!leading) return;
        if (message.visible && !visible) handOver();
        else publish();
        return;
      case 'visible':
        if (leading && !visible) handOver();
        return;
      case 'commands': {
        if (!leading || !Array.isArray(message.commands)) return;
        let last = applied[message.from] ?? 0;
        for (const { seq: n, command } of message.commands) {
          if (typeof n !== 'number' || n <= last) continue;
          last = n;
          applied = { ...applied, [message.from]: n };
          // A command the leader refuses (its key became active meanwhile) is dropped, as a TypeError would have been.
          try {
            hooks.apply(command);
          } catch {
            /* refused */
          }
        }
        changed();
        return;
      }
      case 'state': {
        // Only the lock's holder sends these, and its last one goes out before the lock does: a leader
        // hears at most the last words of the one before it, which it already has.
        if (leading) return;
        const newLeader = message.from !== leader;
        leader = message.from;
        record = message.record;
        applied = message.applied ?? {};
        pending = pending.filter((p) => p.seq > (applied[id] ?? 0));
        if (newLeader && pending.length > 0) post({ t: 'commands', from: id, commands: pending });
        if (visible && message.hidden && (newLeader || !leaderHidden)) post({ t: 'visible', from: id });
        leaderHidden = message.hidden === true;
        mirror();
        return;
      }
    }
  };

  const changed = (): void => {
    if (!leading) return;
    if (handingOver && !hooks.busy()) {
      stepDown();
      mirror();
      return;
    }
    publishing ??= scheduler.schedule(publish);
  };

  channel.onmessage = (event) => receive(event.data);

  let started = false;
  const watching = visibility.subscribe((isVisible) => {
    visible = isVisible === true;
    if (!started) return;
    if (visible) {
      if (handingOver) {
        // Back before the hand-over could happen: this tab goes on leading.
        handingOver = false;
        hooks.carryOn();
        changed();
      }
      if (!leading) post({ t: 'visible', from: id });
      ask();
    } else {
      withdraw();
      handOver();
    }
  });

  started = true;
  post({ t: 'hello', from: id, visible });
  ask();

  return {
    get leading() {
      return leading;
    },
    get starting() {
      return leading && !handingOver;
    },
    send: (command) => {
      seq += 1;
      pending.push({ seq, command });
      // The whole list, in order: a leader that missed an earlier one (it took over meanwhile) applies it first.
      post({ t: 'commands', from: id, commands: pending });
      mirror();
    },
    changed,
    dispose: () => {
      if (disposed) return;
      watching.unsubscribe();
      withdraw();
      if (leading) stepDown();
      disposed = true;
      channel.onmessage = null;
      channel.close();
    },
  };
}
