// A Zustand store that mirrors an operation registry and persists it: after a reload, the persisted
// operations that were still running are resumed from their resume tokens.
import { createStore } from 'zustand/vanilla';
import { createJSONStorage, persist, type StateStorage } from 'zustand/middleware';
import type { OperationRequest, PollOptions } from 'rx-lro';
import { createOperationRegistry, type RegistryState } from 'rx-lro/registry';

export interface OperationsStore {
  operations: RegistryState;
  start(key: string, request: OperationRequest): void;
  cancel(key: string): void;
  dispose(): void;
}

export function createOperationsStore(storage: StateStorage, poll: PollOptions = {}) {
  // The registry does the tracking; Zustand's persist middleware does the saving.
  const registry = createOperationRegistry({ poll });
  const store = createStore<OperationsStore>()(
    persist(
      () => ({
        operations: {},
        start: (key, request) => registry.track(key, request),
        cancel: (key) => registry.cancel(key),
        dispose: () => {
          subscription.unsubscribe();
          registry.dispose();
        },
      }),
      {
        name: 'operations',
        storage: createJSONStorage(() => storage),
        partialize: (state) => ({ operations: state.operations }),
        // Back from storage: resume what was running, keep what had finished.
        onRehydrateStorage: () => (state) => {
          const operations: RegistryState = state?.operations ?? {};
          for (const [key, entry] of Object.entries(operations)) {
            if (entry.phase === 'running' && entry.resumeToken) registry.resume(key, entry.resumeToken);
          }
        },
      },
    ),
  );
  const subscription = registry.state$.subscribe((operations) => {
    // Entries the registry knows win; finished entries restored from storage stay as they were.
    store.setState((state) => ({ operations: { ...state.operations, ...operations } }));
  });
  return store;
}
