// A React hook over an operation registry: the component renders the registry's record and renders
// again on every change of `state$`, through React's own useSyncExternalStore (no extra package).
import { useCallback, useSyncExternalStore } from 'react';
import type { OperationRegistry, RegistryState } from 'rx-lro/registry';

export function useOperations<T = unknown>(registry: OperationRegistry<T>): RegistryState<T> {
  const subscribe = useCallback(
    (onChange: () => void) => {
      const subscription = registry.state$.subscribe(onChange);
      return () => subscription.unsubscribe();
    },
    [registry],
  );
  // getState() returns the same object until something changes, as useSyncExternalStore requires.
  return useSyncExternalStore(subscribe, registry.getState, registry.getState);
}
