// The registry's one table: every key's entry, the plan it (re)starts by, and its tracker; the queue and the places.
import { BehaviorSubject, type Observable, type Subscription } from 'rxjs';
import { isLroError, type OperationSnapshot } from 'rx-lro';
import { ACTIVE, type Plan } from './restore';
import type { RegistryEntry, RegistryFault, RegistryPhase, RegistryState } from './types';

/** One key's entry: what `state$` shows, the plan it (re)starts by while active, and its tracker once started. */
export interface Slot<T> {
  entry: RegistryEntry<T>;
  plan?: Plan;
  /** The tracker, built (and so validated) when the entry is queued; subscribed when it starts. */
  source?: Observable<OperationSnapshot<T>>;
  /** Where the entry stands in the queue (smaller starts first). */
  order?: number;
  /** Started and not yet finished: it holds one of the `maxConcurrent` places. */
  started?: boolean;
  subscription?: Subscription;
}

/** The plain data of an error that ended an entry's stream. */
export function faultOf(error: unknown): RegistryFault {
  if (isLroError(error)) return error.toJSON();
  // An error of the caller's own transport or hook: its name and message, nothing more.
  if (error instanceof Error) return { name: error.name, code: 'unknown', message: error.message };
  return { name: 'Error', code: 'unknown', message: String(error) };
}

export interface TableSettings<T> {
  /** The tracker a plan runs under a key. It may throw (a bad request or token). */
  trackerOf(key: string, plan: Plan): Observable<OperationSnapshot<T>>;
  maxConcurrent: number;
  /** Told after every change. */
  changed(): void;
  /** `false` while no tracker may start (a tab handing the lead over). Default: always `true`. */
  mayStart?(): boolean;
}

/** Entries by key, at most `maxConcurrent` of them tracked at once and the others queued in order. */
export class EntryTable<T> {
  readonly state = new BehaviorSubject<RegistryState<T>>({});
  readonly slots = new Map<string, Slot<T>>();
  private running = 0;
  private queued = 0;
  private nextOrder = 0;
  // Queued slots first to last; one that left the queue (canceled, removed, queued again) is skipped when reached.
  private readonly waiting: Array<{ key: string; order: number }> = [];
  private ended = false;
  private quiet = false;

  constructor(private readonly settings: TableSettings<T>) {}

  /** Whether `dispose()` was called: nothing changes after it. */
  get disposed(): boolean {
    return this.ended;
  }

  entry(key: string): RegistryEntry<T> | undefined {
    return this.slots.get(key)?.entry;
  }

  /** Shows `entry` under `key` (or forgets the key): a new record on `state`. */
  show(key: string, entry: RegistryEntry<T> | undefined): void {
    if (this.ended) return;
    const next = { ...this.state.value };
    if (entry) {
      const slot = this.slots.get(key);
      if (slot) slot.entry = entry;
      else this.slots.set(key, { entry });
      next[key] = entry;
    } else {
      this.slots.delete(key);
      delete next[key];
    }
    if (this.quiet) return;
    this.state.next(next);
    this.settings.changed();
  }

  /** Runs `change`, then shows the table as one new record (and one change), whatever was shown before. */
  batch(change: () => void): void {
    this.quiet = true;
    try {
      change();
    } finally {
      this.quiet = false;
    }
    if (this.ended) return;
    const next: Record<string, RegistryEntry<T>> = {};
    for (const [key, slot] of this.slots) next[key] = slot.entry;
    this.state.next(next);
    this.settings.changed();
  }

  /** Stops every tracker and forgets every slot; `state` stays as it was, for someone else to go on from. */
  stop(): void {
    for (const slot of this.slots.values()) this.release(slot);
    this.slots.clear();
  }

  /** Tracks `plan` under `key` once there is a place. A key still active is refused. */
  add(key: string, plan: Plan): void {
    if (this.ended) throw new Error('rx-lro/registry: the registry was disposed');
    const existing = this.entry(key);
    if (existing && ACTIVE.has(existing.phase)) {
      throw new TypeError(`rx-lro/registry: key ${JSON.stringify(key)} is still ${existing.phase}; cancel or remove it first`);
    }
    this.queue(key, plan, { key, phase: 'queued' }, plan.kind === 'track');
    this.startNext();
  }

  /**
   * Queues `plan` under `key`, shown as `entry` until it starts. Its tracker is built now, so a bad
   * plan is known at once: with `strict` (a request the caller gives) its TypeError is thrown, otherwise
   * (a token, a saved entry) it is an entry in phase error.
   */
  queue(key: string, plan: Plan, entry: RegistryEntry<T>, strict: boolean): void {
    let source: Observable<OperationSnapshot<T>>;
    try {
      source = this.settings.trackerOf(key, plan);
    } catch (error) {
      if (strict) throw error;
      this.show(key, { key, phase: 'error', fault: faultOf(error) });
      return;
    }
    const slot = this.slots.get(key) ?? { entry };
    const order = this.nextOrder++;
    this.slots.set(key, Object.assign(slot, { plan, source, order }));
    this.waiting.push({ key, order });
    this.queued += 1;
    this.show(key, entry);
  }

  /** Stops tracking `key`; its entry stays, in phase `canceled`. */
  cancel(key: string): void {
    const slot = this.slots.get(key);
    if (!slot || !ACTIVE.has(slot.entry.phase)) return;
    this.release(slot);
    this.show(key, this.entryOf(key, 'canceled'));
    this.startNext();
  }

  /** Stops tracking `key` and forgets its entry. */
  remove(key: string): void {
    this.release(this.slots.get(key));
    if (this.slots.has(key)) this.show(key, undefined);
    this.startNext();
  }

  dispose(): void {
    for (const slot of this.slots.values()) this.release(slot);
    this.ended = true;
    this.state.complete();
  }

  /** Starts queued entries, first queued first, while there are places. */
  startNext(): void {
    while (!this.ended && this.queued > 0 && this.running < this.settings.maxConcurrent && this.settings.mayStart?.() !== false) {
      const next = this.waiting.shift();
      if (!next) return;
      const slot = this.slots.get(next.key);
      if (slot?.order === next.order) this.start(next.key, slot);
    }
  }

  private start(key: string, slot: Slot<T>): void {
    this.queued -= 1;
    this.running += 1;
    slot.order = undefined;
    slot.started = true;
    this.show(key, this.entryOf(key, slot.plan?.kind === 'track' ? 'starting' : 'running'));
    let last: OperationSnapshot<T> | undefined;
    const subscription = slot.source!.subscribe({
      next: (snapshot) => {
        last = snapshot;
        this.show(key, this.entryOf(key, snapshot.done ? 'done' : 'running', snapshot));
      },
      error: (error: unknown) => this.finish(key, { ...this.entryOf(key, 'error', last), fault: faultOf(error) }),
      complete: () => this.finish(key, this.entryOf(key, 'done', last)),
    });
    // A tracker that ended while subscribing has been released already.
    if (slot.started) slot.subscription = subscription;
  }

  private finish(key: string, entry: RegistryEntry<T>): void {
    this.release(this.slots.get(key));
    this.show(key, entry);
    this.startNext();
  }

  // Takes `slot` out of the queue, or stops its tracker.
  private release(slot: Slot<T> | undefined): void {
    if (!slot) return;
    const { order, started, subscription } = slot;
    if (order !== undefined) this.queued -= 1;
    // Nothing queued: what is left in the queue is all stale.
    if (this.queued === 0) this.waiting.length = 0;
    if (started) this.running -= 1;
    slot.plan = slot.source = slot.order = slot.subscription = undefined;
    slot.started = false;
    subscription?.unsubscribe();
  }

  // The entry in `phase`, with `snapshot`'s fields (or the ones it had).
  private entryOf(key: string, phase: RegistryPhase, snapshot?: OperationSnapshot<T>): RegistryEntry<T> {
    if (snapshot) return { ...snapshot, key, phase };
    const { fault: _fault, ...previous } = this.entry(key) ?? { key };
    return { ...previous, key, phase };
  }
}
