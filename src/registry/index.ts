// rx-lro/registry: many trackers by key, for front-end state stores. Built on the public API only.
import { BehaviorSubject, Observable, type Subscription } from 'rxjs';
import {
  NetworkError,
  isLroError,
  fromStart,
  pollOperation,
  resumeOperation,
  trackOperation,
  type OperationRequest,
  type OperationSnapshot,
  type PollOptions,
} from 'rx-lro';
import { persistence, type Persistence } from './persistence';
import { ACTIVE, restoreEntry, savedEntry, type Plan, type Saved } from './restore';
import type { OperationRegistry, RegistryEntry, RegistryFault, RegistryOptions, RegistryPhase, RegistryState } from './types';
import { documentVisibility, visibilityGate } from './visibility';

export type {
  OperationRegistry,
  RegistryEntry,
  RegistryFault,
  RegistryOptions,
  RegistryPhase,
  RegistryState,
  RegistryStorage,
} from './types';
export { documentVisibility } from './visibility';

/** One key's entry: what `state$` shows, the plan it (re)starts by while active, and its tracker once started. */
interface Slot<T> {
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

function checkKey(key: unknown): string {
  if (typeof key !== 'string' || key === '')
    throw new TypeError(`rx-lro/registry: a key must be a non-empty string, got ${JSON.stringify(key)}`);
  return key;
}

function faultOf(error: unknown): RegistryFault {
  if (isLroError(error)) return error.toJSON();
  // An error of the caller's own transport or hook: its name and message, nothing more.
  if (error instanceof Error) return { name: error.name, code: 'unknown', message: error.message };
  return { name: 'Error', code: 'unknown', message: String(error) };
}

function checkOptions<T>(options: RegistryOptions<T>): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('rx-lro/registry: options must be an object');
  const { storage, storageKey, maxConcurrent, visibility } = options;
  if (storageKey !== undefined && (typeof storageKey !== 'string' || storageKey === ''))
    throw new TypeError('rx-lro/registry: storageKey must be a non-empty string');
  if (
    storage !== undefined &&
    (typeof storage !== 'object' || storage === null || typeof storage.getItem !== 'function' || typeof storage.setItem !== 'function')
  ) {
    throw new TypeError('rx-lro/registry: storage must have getItem and setItem (localStorage, sessionStorage or the like)');
  }
  if (maxConcurrent !== undefined && (typeof maxConcurrent !== 'number' || !(maxConcurrent >= 1))) {
    throw new TypeError(`rx-lro/registry: maxConcurrent must be a number >= 1, got ${String(maxConcurrent)}`);
  }
  if (visibility !== undefined && !(visibility instanceof Observable))
    throw new TypeError('rx-lro/registry: visibility must be an Observable of booleans');
  // The tracker options are checked now (a TypeError), not at the first track().
  pollOperation(options.poll ?? {});
}

/**
 * Creates a registry: many operations tracked by key, their last snapshots as one plain record
 * (`state$`) for any state store, saved to a Storage so that a reload resumes what was running.
 *
 * @example
 * const registry = createOperationRegistry({ storage: localStorage, maxConcurrent: 4, poll: { authorize } });
 * registry.state$.subscribe((state) => store.dispatch(operationsChanged(state)));
 * registry.track('deploy-web', { method: 'PUT', url: deploymentUrl, body: template });
 */
export function createOperationRegistry<T = unknown>(options: RegistryOptions<T> = {}): OperationRegistry<T> {
  checkOptions(options);
  const { onStorageError = () => undefined } = options;
  const storageKey = options.storageKey ?? 'rx-lro';
  const maxConcurrent = options.maxConcurrent ?? Infinity;
  const pollOptions: PollOptions<T> = { ...(options.poll ?? {}) };
  const gate = visibilityGate(options.visibility ?? documentVisibility(), pollOptions.limiter);
  const trackerOptions: PollOptions<T> = { ...pollOptions, limiter: gate.limiter, pollNow: gate.wake };
  const store: Persistence | undefined = options.storage && persistence(options.storage, storageKey, onStorageError);

  const slots = new Map<string, Slot<T>>();
  const state = new BehaviorSubject<RegistryState<T>>({});
  let running = 0;
  let queued = 0;
  let nextOrder = 0;
  let disposed = false;

  const record = (): string => {
    const saved: Saved = { v: 1, entries: {} };
    for (const [key, slot] of slots) saved.entries[key] = savedEntry(slot.entry, slot.plan, pollOptions.method);
    return JSON.stringify(saved);
  };

  // Every change: the slot's new entry (or none), published as a new record and saved.
  const show = (key: string, entry: RegistryEntry<T> | undefined): void => {
    if (disposed) return;
    const next = { ...state.value };
    if (entry) {
      const slot = slots.get(key);
      if (slot) slot.entry = entry;
      else slots.set(key, { entry });
      next[key] = entry;
    } else {
      slots.delete(key);
      delete next[key];
    }
    state.next(next);
    store?.save(record);
  };

  // The entry in `phase`, with `snapshot`'s fields (or the ones it had).
  const entryOf = (key: string, phase: RegistryPhase, snapshot?: OperationSnapshot<T>): RegistryEntry<T> => {
    if (snapshot) return { ...snapshot, key, phase };
    const { fault: _fault, ...previous } = slots.get(key)?.entry ?? { key };
    return { ...previous, key, phase };
  };

  // The tracker a plan runs; the registry's key is the snapshots' key too, so a store sees one identity.
  const sourceOf = (key: string, plan: Plan): Observable<OperationSnapshot<T>> => {
    const keyed = { ...trackerOptions, key };
    if (plan.kind === 'track') return trackOperation<T>(plan.request, keyed);
    if (plan.kind === 'resume') return resumeOperation<T>(plan.token, keyed);
    return fromStart<T>(plan.start, keyed);
  };

  // Takes `slot` out of the queue, or stops its tracker.
  const release = (slot: Slot<T> | undefined): void => {
    if (!slot) return;
    const { order, started, subscription } = slot;
    if (order !== undefined) queued -= 1;
    if (started) running -= 1;
    slot.plan = slot.source = slot.order = slot.subscription = undefined;
    slot.started = false;
    subscription?.unsubscribe();
  };

  const finish = (key: string, entry: RegistryEntry<T>): void => {
    release(slots.get(key));
    show(key, entry);
    startNext();
  };

  const start = (key: string, slot: Slot<T>): void => {
    const source = slot.source!;
    queued -= 1;
    slot.order = undefined;
    slot.started = true;
    running += 1;
    show(key, entryOf(key, slot.plan?.kind === 'track' ? 'starting' : 'running'));
    let last: OperationSnapshot<T> | undefined;
    const subscription = source.subscribe({
      next: (snapshot) => {
        last = snapshot;
        show(key, entryOf(key, snapshot.done ? 'done' : 'running', snapshot));
      },
      error: (error: unknown) => finish(key, { ...entryOf(key, 'error', last), fault: faultOf(error) }),
      complete: () => finish(key, entryOf(key, 'done', last)),
    });
    // A tracker that ended while subscribing has been released already.
    if (slot.started) slot.subscription = subscription;
  };

  const startNext = (): void => {
    while (!disposed && queued > 0 && running < maxConcurrent) {
      let first: [string, Slot<T>] | undefined;
      for (const pair of slots) if (pair[1].order !== undefined && (!first || pair[1].order < first[1].order!)) first = pair;
      if (!first) return;
      start(...first);
    }
  };

  // Queues `source` (the tracker of `plan`) under `key`, shown as `entry` until it starts.
  const enqueue = (key: string, plan: Plan, source: Observable<OperationSnapshot<T>>, entry: RegistryEntry<T>): void => {
    const slot = slots.get(key) ?? { entry };
    slots.set(key, Object.assign(slot, { plan, source, order: nextOrder++ }));
    queued += 1;
    show(key, entry);
  };

  // The tracker is built when its plan is queued, so a bad one is known at once: a plan the caller gives
  // (`strict`) throws its TypeError, a saved one, or a token, becomes an entry in phase error.
  const queue = (key: string, plan: Plan, entry: RegistryEntry<T>, strict: boolean): void => {
    let source: Observable<OperationSnapshot<T>>;
    try {
      source = sourceOf(key, plan);
    } catch (error) {
      if (strict) throw error;
      show(key, { key, phase: 'error', fault: faultOf(error) });
      return;
    }
    enqueue(key, plan, source, entry);
  };

  const add = (key: string, plan: Plan): void => {
    if (disposed) throw new Error('rx-lro/registry: the registry was disposed');
    const existing = slots.get(key)?.entry;
    if (existing && ACTIVE.has(existing.phase)) {
      throw new TypeError(`rx-lro/registry: key ${JSON.stringify(key)} is still ${existing.phase}; cancel or remove it first`);
    }
    queue(key, plan, { key, phase: 'queued' }, plan.kind === 'track');
    startNext();
  };

  // Reading back what a previous page saved: finished entries as they were, the others started again.
  const restore = (text: string | null | undefined): void => {
    if (text === null || text === undefined || disposed) return;
    let saved: Saved;
    try {
      saved = JSON.parse(text) as Saved;
      if (saved?.v !== 1 || typeof saved.entries !== 'object' || saved.entries === null) throw new Error('unknown format');
    } catch (error) {
      onStorageError(
        new TypeError(
          `rx-lro/registry: the saved state under ${JSON.stringify(storageKey)} is unreadable (${(error as Error).message}); it is ignored`,
        ),
      );
      return;
    }
    for (const [key, raw] of Object.entries(saved.entries)) {
      // Entries changed while an asynchronous storage was still loading win over the saved ones.
      const restored = slots.has(key) ? undefined : restoreEntry(key, raw);
      if (!restored) continue;
      if (restored.kind === 'restart') queue(key, restored.plan, restored.entry as RegistryEntry<T>, false);
      else if (restored.kind === 'lost') {
        const { method, url } = restored.request;
        const reason = 'the page closed before it was answered: the operation may or may not have started, so it is not sent again';
        show(key, { key, phase: 'error', fault: faultOf(new NetworkError(method, url, reason)) });
      } else show(key, restored.entry as RegistryEntry<T>);
    }
    startNext();
  };

  const ready = store ? store.load(restore) : Promise.resolve();

  return {
    state$: state.asObservable(),
    getState: () => state.value,
    ready,
    track: (key, request) => {
      checkKey(key);
      if (typeof request !== 'object' || request === null)
        throw new TypeError('rx-lro/registry: track needs a request { method, url, body? }');
      // Validated when queued (method, URL, headers), so a bad request is a TypeError here, not an error entry.
      const kept: OperationRequest = { method: request.method, url: request.url };
      if (request.body !== undefined) kept.body = request.body;
      if (request.headers !== undefined) kept.headers = request.headers;
      add(key, { kind: 'track', request: kept });
    },
    adopt: (key, start) => add(checkKey(key), { kind: 'adopt', start }),
    resume: (key, token) => add(checkKey(key), { kind: 'resume', token }),
    cancel: (key) => {
      checkKey(key);
      const slot = slots.get(key);
      if (!slot || !ACTIVE.has(slot.entry.phase)) return;
      release(slot);
      show(key, entryOf(key, 'canceled'));
      startNext();
    },
    remove: (key) => {
      checkKey(key);
      release(slots.get(key));
      if (slots.has(key)) show(key, undefined);
      startNext();
    },
    dispose: () => {
      if (disposed) return;
      for (const slot of slots.values()) release(slot);
      disposed = true;
      gate.dispose();
      state.complete();
    },
  };
}
