// rx-lro/registry: many trackers by key, for front-end state stores. Built on the public API only.
import { BehaviorSubject, Observable, Subject, distinctUntilChanged, filter, of, switchMap, take, type Subscription } from 'rxjs';
import {
  isLroError,
  fromStart,
  pollOperation,
  resumeOperation,
  trackOperation,
  type LroMethod,
  type OperationRequest,
  type OperationSnapshot,
  type PollOptions,
  type RequestLimiter,
  type ResumeToken,
  type StartInput,
} from 'rx-lro';

/**
 * Where an entry is: waiting for a slot (`queued`), sending its initial request (`starting`), being
 * polled (`running`), finished with a terminal snapshot (`done`), ended by a stream error (`error`),
 * or stopped by `cancel()` (`canceled`: rx-lro stopped watching; the operation itself goes on).
 * @example
 * ```ts
 * const active = (phase: RegistryPhase) => phase === 'queued' || phase === 'starting' || phase === 'running';
 * ```
 */
export type RegistryPhase = 'queued' | 'starting' | 'running' | 'done' | 'error' | 'canceled';

/**
 * One entry of `state$`: the last snapshot's fields (absent until the first snapshot), plus the
 * entry's `key` and `phase`, and `fault` (the stream error's plain data) in phase `error`.
 * Plain JSON, ready for Redux, NgRx or Zustand.
 * @example
 * ```ts
 * const rows = (state: RegistryState) => Object.values(state).map((e: RegistryEntry) => `${e.key}: ${e.phase} ${e.percentComplete ?? ''}`);
 * ```
 */
export type RegistryEntry<T = unknown> = Partial<OperationSnapshot<T>> & {
  key: string;
  phase: RegistryPhase;
  fault?: RegistryFault;
};

/**
 * The plain data of the error that ended an entry's stream (`name`, `code`, `message`, and the error's own fields).
 * @example
 * ```ts
 * const fault = registry.getState()['deploy']?.fault; // { name: 'HttpError', code: 'http', status: 403, … }
 * ```
 */
export interface RegistryFault {
  name: string;
  code: string;
  message: string;
  [field: string]: unknown;
}

/**
 * The record `state$` emits: every key to its entry. A new object on every change.
 * @example
 * ```ts
 * registry.state$.subscribe((state: RegistryState) => store.dispatch(operationsChanged(state)));
 * ```
 */
export type RegistryState<T = unknown> = Readonly<Record<string, RegistryEntry<T>>>;

/**
 * `localStorage`, `sessionStorage`, an in-memory map, or an asynchronous store (values may be promises).
 * @example
 * ```ts
 * const memory = new Map<string, string>();
 * const storage: RegistryStorage = { getItem: (k) => memory.get(k) ?? null, setItem: (k, v) => void memory.set(k, v) };
 * ```
 */
export interface RegistryStorage {
  getItem(key: string): string | null | undefined | Promise<string | null | undefined>;
  setItem(key: string, value: string): void | Promise<void>;
}

/**
 * Options of `createOperationRegistry`.
 * @example
 * ```ts
 * createOperationRegistry({ storage: sessionStorage, maxConcurrent: 4, poll: { authorize } });
 * ```
 */
export interface RegistryOptions<T = unknown> {
  /** The options of every tracker (transport, credentials, result codec, delays…). Default: none. */
  poll?: PollOptions<T>;
  /** Saves the entries on every change and resumes running ones when the registry is created. Default: none. */
  storage?: RegistryStorage;
  /** The storage key. Default: `'rx-lro'`. */
  storageKey?: string;
  /** The most operations tracked at once; the others wait in phase `queued`, in order. Default: unlimited. */
  maxConcurrent?: number;
  /**
   * `true` while the page is visible. While it is not, no request is sent (polls and retries wait);
   * when it is again, waiting trackers poll at once. Default: `document.visibilityState` where there
   * is a `document` (a browser), always visible elsewhere (SSR, Node).
   */
  visibility?: Observable<boolean>;
  /** Told when the storage fails (quota, unavailable) or holds something unreadable. Default: ignored. */
  onStorageError?: (error: unknown) => void;
}

/**
 * Many trackers by key; see `createOperationRegistry`.
 * @example
 * ```ts
 * const registry: OperationRegistry = createOperationRegistry({ storage: localStorage });
 * registry.track('deploy', { method: 'PUT', url, body });
 * registry.cancel('deploy');
 * ```
 */
export interface OperationRegistry<T = unknown> {
  /** Every key to its entry: emits the current record at once, then on every change. */
  readonly state$: Observable<RegistryState<T>>;
  /** The current record. */
  getState(): RegistryState<T>;
  /** Resolves once the saved entries have been read back (at once with a synchronous storage). */
  readonly ready: Promise<void>;
  /** Sends `request` and tracks it under `key` (a key whose entry is still active is refused). */
  track(key: string, request: OperationRequest): void;
  /** Tracks an operation already started (an initial response in hand), like `pollOperation`. */
  adopt(key: string, start: StartInput): void;
  /** Continues from a resume token, without repeating the initial request. */
  resume(key: string, token: ResumeToken): void;
  /** Stops tracking `key` (aborting its request in flight); its entry stays, in phase `canceled`. */
  cancel(key: string): void;
  /** Cancels `key` and forgets its entry. */
  remove(key: string): void;
  /** Stops every tracker and `state$`; the storage keeps what it has, so a new registry resumes it. */
  dispose(): void;
}

const ACTIVE: ReadonlySet<RegistryPhase> = new Set(['queued', 'starting', 'running']);
const PHASES: ReadonlySet<string> = new Set(['queued', 'starting', 'running', 'done', 'error', 'canceled']);

// What a queued or starting entry needs to start again after a reload.
type Plan = { kind: 'track'; request: OperationRequest } | { kind: 'adopt'; start: StartInput } | { kind: 'resume'; token: ResumeToken };

interface Saved {
  v: 1;
  entries: Record<string, RegistryEntry & { request?: { method: LroMethod; url: string; body?: unknown } }>;
}

/**
 * The default visibility: the document's, or always visible where there is no document.
 * @example
 * ```ts
 * createOperationRegistry({ visibility: documentVisibility() }); // the default in a browser
 * ```
 */
export function documentVisibility(): Observable<boolean> {
  type Listen = (type: 'visibilitychange', listener: () => void) => void;
  const doc = (globalThis as { document?: { visibilityState?: string; addEventListener?: Listen; removeEventListener?: Listen } }).document;
  if (!doc || typeof doc.addEventListener !== 'function') return of(true);
  return new Observable<boolean>((subscriber) => {
    const emit = (): void => subscriber.next(doc.visibilityState !== 'hidden');
    emit();
    doc.addEventListener!('visibilitychange', emit);
    return () => doc.removeEventListener!('visibilitychange', emit);
  });
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
  if (typeof options !== 'object' || options === null) throw new TypeError('rx-lro/registry: options must be an object');
  const { storage, onStorageError = () => undefined } = options;
  const storageKey = options.storageKey ?? 'rx-lro';
  if (typeof storageKey !== 'string' || storageKey === '') throw new TypeError('rx-lro/registry: storageKey must be a non-empty string');
  if (
    storage !== undefined &&
    (typeof storage !== 'object' || storage === null || typeof storage.getItem !== 'function' || typeof storage.setItem !== 'function')
  ) {
    throw new TypeError('rx-lro/registry: storage must have getItem and setItem (localStorage, sessionStorage or the like)');
  }
  const maxConcurrent = options.maxConcurrent ?? Infinity;
  if (typeof maxConcurrent !== 'number' || !(maxConcurrent >= 1)) {
    throw new TypeError(`rx-lro/registry: maxConcurrent must be a number >= 1, got ${String(options.maxConcurrent)}`);
  }
  const visibilitySource = options.visibility ?? documentVisibility();
  if (!(visibilitySource instanceof Observable)) throw new TypeError('rx-lro/registry: visibility must be an Observable of booleans');
  const pollOptions: PollOptions<T> = { ...(options.poll ?? {}) };
  // The tracker options are checked now (a TypeError), not at the first track().
  pollOperation(pollOptions);

  // Visibility gates every request (retries included) and wakes waiting trackers when it returns.
  const visible = new BehaviorSubject<boolean>(true);
  const wake = new Subject<void>();
  const visibility$ = visibilitySource.pipe(distinctUntilChanged()).subscribe((isVisible) => {
    visible.next(isVisible === true);
    if (isVisible) wake.next();
  });
  const userLimiter = pollOptions.limiter;
  const gate: RequestLimiter = {
    run: (origin, request$) =>
      visible.pipe(
        filter(Boolean),
        take(1),
        switchMap(() => (userLimiter ? userLimiter.run(origin, request$) : request$)),
      ),
    pause: (origin, forMs) => userLimiter?.pause(origin, forMs),
    state: (origin) => userLimiter?.state(origin) ?? { active: 0, queued: 0 },
  };
  const trackerOptions: PollOptions<T> = { ...pollOptions, limiter: gate, pollNow: wake };

  const state = new BehaviorSubject<RegistryState<T>>({});
  const plans = new Map<string, Plan>();
  const running = new Map<string, Subscription>();
  const queue: string[] = [];
  let disposed = false;

  // Saving: the latest record wins; with an asynchronous storage, one write at a time.
  let writing = false;
  let pendingWrite = false;
  const save = (): void => {
    if (!storage || disposed) return;
    if (writing) {
      pendingWrite = true;
      return;
    }
    const saved: Saved = { v: 1, entries: {} };
    for (const [key, entry] of Object.entries(state.value)) {
      const plan = plans.get(key);
      // A request is kept only until the operation is under way (it may hold a request body).
      // Headers are never saved: they may carry credentials.
      saved.entries[key] =
        plan?.kind === 'track' && (entry.phase === 'queued' || entry.phase === 'starting')
          ? { ...entry, request: requestToSave(plan.request) }
          : entry;
    }
    try {
      const written = storage.setItem(storageKey, JSON.stringify(saved));
      if (written && typeof (written as Promise<void>).then === 'function') {
        writing = true;
        (written as Promise<void>).then(
          () => {
            writing = false;
            if (pendingWrite) {
              pendingWrite = false;
              save();
            }
          },
          (error: unknown) => {
            writing = false;
            onStorageError(error);
          },
        );
      }
    } catch (error) {
      onStorageError(error);
    }
  };

  const set = (key: string, entry: RegistryEntry<T> | undefined): void => {
    if (disposed) return;
    const next = { ...state.value };
    if (entry) next[key] = entry;
    else delete next[key];
    state.next(next);
    save();
  };

  const entryFrom = (key: string, phase: RegistryPhase, snapshot?: OperationSnapshot<T>): RegistryEntry<T> => {
    const previous = state.value[key];
    const base: Partial<OperationSnapshot<T>> = snapshot ?? (previous ? stripEntry(previous) : {});
    return { ...base, key, phase };
  };

  const startNext = (): void => {
    while (!disposed && running.size < maxConcurrent && queue.length > 0) {
      const key = queue.shift()!;
      const plan = plans.get(key);
      if (!plan) continue;
      start(key, plan);
    }
  };

  const finish = (key: string, entry: RegistryEntry<T>): void => {
    running.delete(key);
    plans.delete(key);
    set(key, entry);
    startNext();
  };

  const start = (key: string, plan: Plan): void => {
    let source: Observable<OperationSnapshot<T>>;
    try {
      // The registry's key is the snapshots' key too, so a store sees one identity everywhere.
      const keyed = { ...trackerOptions, key };
      source =
        plan.kind === 'track'
          ? trackOperation<T>(plan.request, keyed)
          : plan.kind === 'resume'
            ? resumeOperation<T>(plan.token, keyed)
            : fromStart<T>(plan.start, keyed);
    } catch (error) {
      finish(key, { ...entryFrom(key, 'error'), fault: faultOf(error) });
      return;
    }
    set(key, entryFrom(key, plan.kind === 'track' ? 'starting' : 'running'));
    let last: OperationSnapshot<T> | undefined;
    const subscription = source.subscribe({
      next: (snapshot) => {
        last = snapshot;
        set(key, entryFrom(key, snapshot.done ? 'done' : 'running', snapshot));
      },
      error: (error: unknown) => finish(key, { ...entryFrom(key, 'error', last), fault: faultOf(error) }),
      complete: () => finish(key, entryFrom(key, 'done', last)),
    });
    if (!subscription.closed) running.set(key, subscription);
  };

  const enqueue = (key: string, plan: Plan): void => {
    if (disposed) throw new Error('rx-lro/registry: the registry was disposed');
    const existing = state.value[key];
    if (existing && ACTIVE.has(existing.phase)) {
      throw new TypeError(`rx-lro/registry: key ${JSON.stringify(key)} is still ${existing.phase}; cancel or remove it first`);
    }
    plans.set(key, plan);
    set(key, { key, phase: 'queued' });
    queue.push(key);
    startNext();
  };

  const stop = (key: string): boolean => {
    const at = queue.indexOf(key);
    if (at >= 0) queue.splice(at, 1);
    plans.delete(key);
    const subscription = running.get(key);
    running.delete(key);
    subscription?.unsubscribe();
    return subscription !== undefined || at >= 0;
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
      if (state.value[key] || key === '' || typeof raw !== 'object' || raw === null || !PHASES.has(raw.phase)) continue;
      const { request, ...entry } = raw;
      const token = entry.resumeToken;
      if (!ACTIVE.has(entry.phase)) {
        set(key, { ...(entry as RegistryEntry<T>), key });
      } else if (entry.phase === 'running' && token) {
        plans.set(key, { kind: 'resume', token });
        set(key, { ...(entry as RegistryEntry<T>), key, phase: 'queued' });
        queue.push(key);
      } else if (
        request &&
        (entry.phase === 'queued' || request.method === 'PUT' || request.method === 'DELETE' || request.method === 'GET')
      ) {
        // Not sent yet, or sent but idempotent: (re)sending is safe.
        plans.set(key, { kind: 'track', request });
        set(key, { key, phase: 'queued' });
        queue.push(key);
      } else {
        const method = request?.method ?? 'the initial request';
        set(key, {
          key,
          phase: 'error',
          fault: {
            name: 'NetworkError',
            code: 'network',
            message: `The page closed before ${method} was answered: the operation may or may not have started, so it is not sent again`,
          },
        });
      }
    }
    startNext();
  };

  let ready: Promise<void> = Promise.resolve();
  if (storage) {
    try {
      const read = storage.getItem(storageKey);
      if (read && typeof (read as Promise<string | null>).then === 'function') {
        ready = (read as Promise<string | null | undefined>).then(restore, (error: unknown) => onStorageError(error));
      } else {
        restore(read as string | null | undefined);
      }
    } catch (error) {
      onStorageError(error);
    }
  }

  return {
    state$: state.asObservable(),
    getState: () => state.value,
    ready,
    track: (key, request) => {
      checkKey(key);
      if (typeof request !== 'object' || request === null)
        throw new TypeError('rx-lro/registry: track needs a request { method, url, body? }');
      // Validated now (method, URL, headers), so a bad request is a TypeError here, not an error entry.
      trackOperation(request, pollOptions);
      const kept: { method: LroMethod; url: string; body?: unknown; headers?: Record<string, string> } = {
        method: request.method,
        url: request.url,
      };
      if (request.body !== undefined) kept.body = request.body;
      if (request.headers !== undefined) kept.headers = request.headers;
      enqueue(key, { kind: 'track', request: kept });
    },
    adopt: (key, start) => enqueue(checkKey(key), { kind: 'adopt', start }),
    resume: (key, token) => enqueue(checkKey(key), { kind: 'resume', token }),
    cancel: (key) => {
      checkKey(key);
      const entry = state.value[key];
      if (!entry || !ACTIVE.has(entry.phase)) return;
      stop(key);
      set(key, entryFrom(key, 'canceled'));
      startNext();
    },
    remove: (key) => {
      checkKey(key);
      stop(key);
      if (state.value[key]) set(key, undefined);
      startNext();
    },
    dispose: () => {
      if (disposed) return;
      for (const key of [...running.keys()]) stop(key);
      queue.length = 0;
      disposed = true;
      visibility$.unsubscribe();
      wake.complete();
      visible.complete();
      state.complete();
    },
  };
}

function requestToSave(request: { method: LroMethod; url: string; body?: unknown }): { method: LroMethod; url: string; body?: unknown } {
  const saved: { method: LroMethod; url: string; body?: unknown } = { method: request.method, url: request.url };
  if (request.body !== undefined) saved.body = request.body;
  return saved;
}

function stripEntry<T>(entry: RegistryEntry<T>): Partial<OperationSnapshot<T>> {
  const { key: _key, phase: _phase, fault: _fault, ...snapshot } = entry;
  return snapshot;
}
