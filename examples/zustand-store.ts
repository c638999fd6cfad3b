// A Zustand store over an operation registry. The registry saves and restores the operations itself
// (its `storage` option): after a reload, running operations resume from their resume tokens, queued
// ones start, and an initial request left unanswered is sent again only if it is idempotent. The store
// mirrors `state$` whole, so an entry the registry removes is gone from the store too.
import { createStore } from 'zustand/vanilla';
import type { OperationRequest } from 'rx-lro';
import { createOperationRegistry, type RegistryOptions, type RegistryState, type RegistryStorage } from 'rx-lro/registry';

export interface OperationsState {
  operations: RegistryState;
  start(key: string, request: OperationRequest): void;
  cancel(key: string): void;
  remove(key: string): void;
  dispose(): void;
}

/** `storage` keeps the operations across reloads: `localStorage` in a browser. */
export function createOperationsStore(storage: RegistryStorage, options: Omit<RegistryOptions, 'storage'> = {}) {
  const registry = createOperationRegistry({ ...options, storage });
  const store = createStore<OperationsState>()(() => ({
    operations: registry.getState(),
    start: (key, request) => registry.track(key, request),
    cancel: (key) => registry.cancel(key),
    remove: (key) => registry.remove(key),
    dispose: () => {
      subscription.unsubscribe();
      registry.dispose();
    },
  }));
  const subscription = registry.state$.subscribe((operations) => store.setState({ operations }));
  return store;
}
