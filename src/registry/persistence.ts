// The registry's storage: the saved record read once, and written on every change with the latest record winning.
import { isPromiseLike } from '../values';
import type { RegistryStorage } from './types';

/** Writes the latest record and reads back the saved one; storage failures go to `onError`, never thrown. */
export interface Persistence {
  /** Saves what `record()` gives: at once, or (with an asynchronous storage) after the write in flight, coalesced. */
  save(record: () => string): void;
  /** Reads the saved text and hands it to `apply`; resolves when applied (at once with a synchronous storage). */
  load(apply: (text: string | null | undefined) => void): Promise<void>;
}

export function persistence(storage: RegistryStorage, storageKey: string, onError: (error: unknown) => void): Persistence {
  // With an asynchronous storage, one write at a time; what changed meanwhile is one later write.
  let writing = false;
  let latest: (() => string) | undefined;
  const save = (record: () => string): void => {
    if (writing) {
      latest = record;
      return;
    }
    try {
      const written = storage.setItem(storageKey, record());
      if (!isPromiseLike<void>(written)) return;
      writing = true;
      written.then(
        () => {
          writing = false;
          const next = latest;
          latest = undefined;
          if (next) save(next);
        },
        (error: unknown) => {
          writing = false;
          onError(error);
        },
      );
    } catch (error) {
      onError(error);
    }
  };
  const load = (apply: (text: string | null | undefined) => void): Promise<void> => {
    try {
      const read = storage.getItem(storageKey);
      if (isPromiseLike<string | null | undefined>(read)) return Promise.resolve(read).then(apply, onError);
      apply(read);
    } catch (error) {
      onError(error);
    }
    return Promise.resolve();
  };
  return { save, load };
}
