import { defer, from, switchMap, type Observable } from 'rxjs';
import { driveOperation } from '../driver';
import { isPromiseLike } from '../values';
import { resolveOptions, type PollOptions, type ResolvedOptions } from '../options';
import type { OperationSnapshot } from '../snapshot';
import { beginFromStart, type LazyStart, type StartInput } from '../start-input';

/** The tracker of one start, cold: a lazy start is called, and a fetch `Response` read, on subscribe. */
export function trackStart<T>(start: StartInput | LazyStart, options: ResolvedOptions<T>): Observable<OperationSnapshot<T>> {
  return defer(() => {
    if (typeof start === 'function') {
      const made = start();
      return isPromiseLike<StartInput>(made)
        ? from(made).pipe(switchMap((start) => trackStart(start, options)))
        : trackStart(made, options);
    }
    const begin = beginFromStart(start, options.method);
    return begin instanceof Promise ? from(begin).pipe(switchMap((b) => driveOperation(b, options))) : driveOperation(begin, options);
  });
}

/**
 * One tracker for one start, cold: nothing happens before subscribe, and a lazy start (a function
 * that sends the request) is called only then, so `mergeMap(…, concurrency)` sends each request when
 * its slot is free. The building block for many operations: merge trackers through `faultAsData()`
 * so that one tracker's fault ends only that tracker.
 *
 * @param start an initial response (`{ request, response }`, an `AjaxResponse`, a fetch `Response`), or a
 *   function returning one or a promise of one
 * @param options validated now; a bad option throws a `TypeError` at once
 * @example
 * from(vms).pipe(
 *   mergeMap((vm) => fromStart(() => fetch(`${vm}/start?api-version=2024-07-01`, { method: 'POST' }), { method: 'POST' }).pipe(faultAsData()), 8),
 * ).subscribe((s) => (s.state === 'error' ? showFault(s.key, s.error) : render(s)));
 */
export function fromStart<T = unknown>(start: StartInput | LazyStart, options?: PollOptions<T>): Observable<OperationSnapshot<T>> {
  return trackStart(start, resolveOptions(options));
}
