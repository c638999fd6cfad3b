import { catchError, defer, of, tap, type OperatorFunction } from 'rxjs';
import { isLroError } from '../errors';
import type { OperationSnapshot } from '../snapshot';

/**
 * A tracker's fault as data: the last item of its stream, in place of the error that ended it.
 * @example
 * ```ts
 * const show = (fault: TrackerFault) => console.error(`${fault.key}: ${fault.error.name}: ${fault.error.message}`);
 * ```
 */
export interface TrackerFault {
  /** The operation's key, as its snapshots had it; empty when the start itself was malformed. */
  key: string;
  state: 'error';
  done: true;
  /** The error as plain data: an rx-lro error's `toJSON()` (no secret in it), else its name and message. */
  error: { name: string; message: string; code?: string; [field: string]: unknown };
}

/**
 * Turns the error that ends one tracker into a last item, a `TrackerFault`, and completes: merged
 * with others (`mergeMap`), a tracker's fault then ends that tracker only and reaches the subscriber
 * as data, while the others go on. Put it on each tracker, inside the merge.
 * @example
 * const start = (vm: string) => () => fetch(`${vm}/start?api-version=2024-07-01`, { method: 'POST' });
 * from(['https://management.azure.com/…/vm1', 'https://management.azure.com/…/vm2']).pipe(mergeMap((vm) => fromStart(start(vm), { method: 'POST' }).pipe(faultAsData()), 8))
 *   .subscribe((s) => (s.state === 'error' ? console.error(s.key, s.error.message) : console.log(s.key, s.status)));
 */
export function faultAsData<T>(): OperatorFunction<OperationSnapshot<T>, OperationSnapshot<T> | TrackerFault> {
  return (snapshots) =>
    defer(() => {
      let key: string | undefined;
      return snapshots.pipe(
        tap((snapshot) => (key = snapshot.key)),
        catchError((error: unknown) => of(toFault(error, key))),
      );
    });
}

function toFault(error: unknown, seenKey: string | undefined): TrackerFault {
  if (isLroError(error)) return { key: seenKey ?? error.key ?? '', state: 'error', done: true, error: error.toJSON() };
  const data = error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };
  return { key: seenKey ?? '', state: 'error', done: true, error: data };
}
