// rx-lro/registry: many trackers by key, for front-end state stores. Built on the public API (and the
// core's pure helpers), in parts: the entry table, the restore table, persistence and visibility.
import { Observable } from 'rxjs';
import { NetworkError, fromStart, pollOperation, resumeOperation, trackOperation, type OperationRequest, type PollOptions } from 'rx-lro';
import { persistence, type Persistence } from './persistence';
import { restoreEntry, savedRecord, type Saved } from './restore';
import type { TabCommand } from './shared';
import { applyCommand, shareTable, type SharedTable } from './sharing';
import { EntryTable, faultOf } from './table';
import { browserTabs } from './tabs';
import type { OperationRegistry, RegistryEntry, RegistryOptions } from './types';
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

function checkKey(key: unknown): string {
  if (typeof key !== 'string' || key === '')
    throw new TypeError(`rx-lro/registry: a key must be a non-empty string, got ${JSON.stringify(key)}`);
  return key;
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
  if (options.shareAcrossTabs !== undefined && typeof options.shareAcrossTabs !== 'boolean')
    throw new TypeError(`rx-lro/registry: shareAcrossTabs must be a boolean, got ${JSON.stringify(options.shareAcrossTabs)}`);
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
  const pollOptions: PollOptions<T> = { ...(options.poll ?? {}) };
  const visibility = options.visibility ?? documentVisibility();
  const gate = visibilityGate(visibility, pollOptions.limiter);
  const trackerOptions: PollOptions<T> = { ...pollOptions, limiter: gate.limiter, pollNow: gate.wake };
  const store: Persistence | undefined = options.storage && persistence(options.storage, storageKey, onStorageError);

  const table: EntryTable<T> = new EntryTable<T>({
    maxConcurrent: options.maxConcurrent ?? Infinity,
    // The registry's key is the snapshots' key too, so a store sees one identity.
    trackerOf: (key, plan) => {
      const keyed = { ...trackerOptions, key };
      if (plan.kind === 'track') return trackOperation<T>(plan.request, keyed);
      if (plan.kind === 'resume') return resumeOperation<T>(plan.token, keyed);
      return fromStart<T>(plan.start, keyed);
    },
    changed: () => {
      store?.save(record);
      shared?.link.changed();
    },
    mayStart: () => shared?.link.starting ?? true,
  });
  const record = (): string => savedRecord(table.slots, pollOptions.method);
  const load = (): Promise<void> =>
    store ? store.load((text) => restoreSaved(table, text, storageKey, onStorageError)) : Promise.resolve();

  // Shared across tabs where the page has Web Locks and BroadcastChannel; elsewhere this tab tracks alone.
  const environment = options.shareAcrossTabs ? browserTabs() : undefined;
  const shared: SharedTable | undefined =
    environment &&
    shareTable({
      table,
      environment,
      name: `rx-lro/registry:${storageKey}`,
      visibility,
      load,
      restore: (saved) => restoreRecord(table, saved),
      check: (request) => void trackOperation(request, trackerOptions),
      adoptMethod: pollOptions.method,
    });
  const ready = shared ? shared.ready : load();
  const call = (command: TabCommand): void => (shared ? shared.call(command) : applyCommand(table, command));

  return {
    state$: table.state.asObservable(),
    getState: () => table.state.value,
    ready,
    track: (key, request) => {
      checkKey(key);
      if (typeof request !== 'object' || request === null)
        throw new TypeError('rx-lro/registry: track needs a request { method, url, body? }');
      // Validated when queued (method, URL, headers), so a bad request is a TypeError here, not an error entry.
      const kept: OperationRequest = { method: request.method, url: request.url };
      if (request.body !== undefined) kept.body = request.body;
      if (request.headers !== undefined) kept.headers = request.headers;
      call({ op: 'track', key, request: kept });
    },
    adopt: (key, start) => call({ op: 'adopt', key: checkKey(key), start }),
    resume: (key, token) => call({ op: 'resume', key: checkKey(key), token }),
    cancel: (key) => call({ op: 'cancel', key: checkKey(key) }),
    remove: (key) => call({ op: 'remove', key: checkKey(key) }),
    dispose: () => {
      if (table.disposed) return;
      // A leader hands its last record to the other tabs first; the trackers stop either way.
      shared?.link.dispose();
      table.dispose();
      gate.dispose();
    },
  };
}

// Reading back what a previous page saved: finished entries as they were, the others started again.
function restoreSaved<T>(
  table: EntryTable<T>,
  text: string | null | undefined,
  storageKey: string,
  onStorageError: (error: unknown) => void,
): void {
  if (text === null || text === undefined || table.disposed) return;
  let saved: Saved;
  try {
    saved = JSON.parse(text) as Saved;
    if (saved?.v !== 1 || typeof saved.entries !== 'object' || saved.entries === null) throw new Error('unknown format');
  } catch (error) {
    const problem = `the saved state under ${JSON.stringify(storageKey)} is unreadable (${(error as Error).message}); it is ignored`;
    onStorageError(new TypeError(`rx-lro/registry: ${problem}`));
    return;
  }
  restoreRecord(table, saved);
}

// The same table for a saved record and for the record a tab takes the lead from.
function restoreRecord<T>(table: EntryTable<T>, saved: Saved): void {
  for (const [key, raw] of Object.entries(saved.entries)) {
    // Entries changed while an asynchronous storage was still loading win over the saved ones.
    const restored = table.slots.has(key) ? undefined : restoreEntry(key, raw);
    if (restored?.kind === 'restart') table.queue(key, restored.plan, restored.entry as RegistryEntry<T>, false);
    else if (restored?.kind === 'lost') table.show(key, { key, phase: 'error', fault: faultOf(lostRequest(restored.request)) });
    else if (restored) table.show(key, restored.entry as RegistryEntry<T>);
  }
  table.startNext();
}

/** The error of a request whose answer the closing page lost. */
function lostRequest({ method, url }: { method: string; url: string }): NetworkError {
  return new NetworkError(
    method,
    url,
    'the page closed before it was answered: the operation may or may not have started, so it is not sent again',
  );
}
