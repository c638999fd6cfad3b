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
  return new Tab(environment, name, visibility, hooks, scheduler);
}

class Tab<R, C> implements TabLink<C> {
  private readonly id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  private readonly channel: TabChannel;
  private readonly watching: Subscription;
  private disposed = false;
  private visible = true;
  private leads = false;
  private handingOver = false;
  private release: (() => void) | undefined;
  private asking: AbortController | undefined;
  private publishing: Subscription | undefined;
  // What was last heard from (or, as leader, is kept for) the leader.
  private record: R | undefined;
  private applied: Record<string, number> = {};
  private leader: string | undefined;
  private leaderHidden = false;
  // This tab's commands that the leader's record does not have yet.
  private pending: Array<{ seq: number; command: C }> = [];
  private seq = 0;

  constructor(
    private readonly environment: TabEnvironment,
    private readonly name: string,
    visibility: Observable<boolean>,
    private readonly hooks: TabHooks<R, C>,
    private readonly scheduler: SchedulerLike,
  ) {
    this.channel = environment.channel(name);
    this.channel.onmessage = (event) => this.receive(event.data);
    let started = false;
    this.watching = visibility.subscribe((visible) => {
      this.visible = visible === true;
      if (started) this.visibilityChanged();
    });
    started = true;
    this.post({ t: 'hello', from: this.id, visible: this.visible });
    this.ask();
  }

  get leading(): boolean {
    return this.leads;
  }

  get starting(): boolean {
    return this.leads && !this.handingOver;
  }

  send(command: C): void {
    this.seq += 1;
    this.pending.push({ seq: this.seq, command });
    // The whole list, in order: a leader that missed an earlier one (it took over meanwhile) applies it first.
    this.post({ t: 'commands', from: this.id, commands: this.pending });
    this.mirror();
  }

  changed(): void {
    if (!this.leads) return;
    if (this.handingOver && !this.hooks.busy()) {
      this.stepDown();
      this.mirror();
      return;
    }
    this.publishing ??= this.scheduler.schedule(() => this.publish());
  }

  dispose(): void {
    if (this.disposed) return;
    this.watching.unsubscribe();
    this.withdraw();
    if (this.leads) this.stepDown();
    this.disposed = true;
    this.channel.onmessage = null;
    this.channel.close();
  }

  private post(message: Message<R, C>): void {
    if (!this.disposed) this.channel.postMessage(message);
  }

  private publish(): void {
    this.publishing?.unsubscribe();
    this.publishing = undefined;
    if (this.leads) this.post({ t: 'state', from: this.id, hidden: !this.visible, record: this.hooks.record(), applied: this.applied });
  }

  private mirror(): void {
    this.hooks.mirror(
      this.record,
      this.pending.map((p) => p.command),
    );
  }

  private visibilityChanged(): void {
    if (!this.visible) {
      this.withdraw();
      this.handOver();
      return;
    }
    if (this.handingOver) {
      // Back before the hand-over could happen: this tab goes on leading.
      this.handingOver = false;
      this.hooks.carryOn();
      this.changed();
    }
    if (!this.leads) this.post({ t: 'visible', from: this.id });
    this.ask();
  }

  private ask(): void {
    if (this.disposed || this.leads || this.asking || !this.visible) return;
    const request = new AbortController();
    this.asking = request;
    this.environment.locks
      .request(this.name, { signal: request.signal }, () => {
        if (this.asking === request) this.asking = undefined;
        if (this.disposed) return Promise.resolve();
        return new Promise<void>((resolve) => {
          this.release = resolve;
          this.takeOver();
        });
      })
      // Withdrawn while waiting (the page hid, or the registry was disposed).
      .catch(() => undefined);
  }

  private withdraw(): void {
    this.asking?.abort();
    this.asking = undefined;
  }

  private takeOver(): void {
    this.leads = true;
    this.leader = this.id;
    this.hooks.lead(this.record);
    // This tab's own commands, sent while it followed and not applied by the last leader: carried out here.
    const own = this.pending.filter((p) => p.seq > (this.applied[this.id] ?? 0));
    this.pending = [];
    for (const p of own) {
      this.applied = { ...this.applied, [this.id]: p.seq };
      this.hooks.apply(p.command);
    }
    this.publish();
  }

  private stepDown(): void {
    const last = this.hooks.record();
    this.hooks.stop();
    this.record = last;
    // The last record goes out before the lock does, so the next leader starts from it.
    this.post({ t: 'state', from: this.id, hidden: !this.visible, record: last, applied: this.applied });
    this.leads = false;
    this.handingOver = false;
    this.leader = undefined;
    this.publishing?.unsubscribe();
    this.publishing = undefined;
    const held = this.release;
    this.release = undefined;
    held?.();
  }

  private handOver(): void {
    if (!this.leads || this.disposed) return;
    this.handingOver = true;
    if (!this.hooks.busy()) {
      this.stepDown();
      this.mirror();
    }
  }

  private receive(data: unknown): void {
    if (this.disposed || typeof data !== 'object' || data === null) return;
    const message = data as Message<R, C>;
    if (typeof message.from !== 'string' || message.from === this.id) return;
    if (message.t === 'hello' || message.t === 'visible') this.heard(message.t === 'visible' || message.visible);
    else if (message.t === 'commands') this.carryOut(message.from, message.commands);
    else if (message.t === 'state') this.follow(message);
  }

  // Another tab is there (visible or not): a leader answers with its record, a hidden leader hands over to a visible tab.
  private heard(visible: boolean): void {
    if (!this.leads) return;
    if (visible && !this.visible) this.handOver();
    else this.publish();
  }

  private carryOut(from: string, commands: Array<{ seq: number; command: C }>): void {
    if (!this.leads || !Array.isArray(commands)) return;
    let last = this.applied[from] ?? 0;
    for (const { seq, command } of commands) {
      if (typeof seq !== 'number' || seq <= last) continue;
      last = seq;
      this.applied = { ...this.applied, [from]: seq };
      // A command the leader refuses (its key became active meanwhile) is dropped, as a TypeError would have been.
      try {
        this.hooks.apply(command);
      } catch {
        /* refused */
      }
    }
    this.changed();
  }

  private follow(message: Extract<Message<R, C>, { t: 'state' }>): void {
    // Only the lock's holder sends these, and its last one goes out before the lock does: a leader
    // hears at most the last words of the one before it, which it already has.
    if (this.leads) return;
    const newLeader = message.from !== this.leader;
    this.leader = message.from;
    this.record = message.record;
    this.applied = message.applied ?? {};
    this.pending = this.pending.filter((p) => p.seq > (this.applied[this.id] ?? 0));
    if (newLeader && this.pending.length > 0) this.post({ t: 'commands', from: this.id, commands: this.pending });
    if (this.visible && message.hidden && (newLeader || !this.leaderHidden)) this.post({ t: 'visible', from: this.id });
    this.leaderHidden = message.hidden === true;
    this.mirror();
  }
}
