// The public types of rx-lro/registry.
import type { Observable } from 'rxjs';
import type { OperationRequest, OperationSnapshot, PollOptions, ResumeToken, StartInput } from 'rx-lro';

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
  /**
   * One poller for all tabs of the origin: the tabs elect a leader per `storageKey` (Web Locks), only
   * the leader tracks (and writes the storage), and the others show its entries (BroadcastChannel)
   * and send it their calls. When the leader's page closes or hides, a visible tab takes over from
   * the resume tokens, sending no initial request again. Every tab should create the registry with
   * the same options. Where the page has no `navigator.locks` or `BroadcastChannel` (SSR, Node, old
   * browsers) each tab tracks on its own, as without this option. Default: `false`.
   */
  shareAcrossTabs?: boolean;
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
  /**
   * Resolves once the saved entries have been read back (at once with a synchronous storage); shared
   * across tabs, once this tab has the entries, read back as the leader or received from it.
   */
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
