import { defer, from, mergeMap, switchMap, type Observable, type OperatorFunction } from 'rxjs';
import { driveOperation } from '../driver';
import { resolveOptions, type PollOptions, type ResolvedOptions } from '../options';
import type { OperationSnapshot } from '../snapshot';
import { beginFromStart, type StartInput } from './start';

export function trackStart<T>(start: StartInput, options: ResolvedOptions<T>): Observable<OperationSnapshot<T>> {
  return defer(() => {
    const begin = beginFromStart(start, options.method);
    return begin instanceof Promise ? from(begin).pipe(switchMap((b) => driveOperation(b, options))) : driveOperation(begin, options);
  });
}

/**
 * Turns initial responses into snapshot streams: one independent tracker per start, merged.
 * Each tracker emits a snapshot for the initial response and one per poll, the terminal one last.
 * A failed or canceled operation is a snapshot; the stream errors only on transport, protocol,
 * decode, timeout and security faults.
 *
 * @param options validated now; a bad option throws a `TypeError` at once
 * @example
 * ajax({ method: 'POST', url: `${vm}/start?api-version=2024-07-01` })
 *   .pipe(pollOperation({ headers: { authorization: `Bearer ${token}` } }))
 *   .subscribe((s) => console.log(s.status, s.percentComplete));
 */
export function pollOperation<T = unknown>(options?: PollOptions<T>): OperatorFunction<StartInput, OperationSnapshot<T>> {
  const resolved = resolveOptions(options);
  return (starts) => starts.pipe(mergeMap((start) => trackStart(start, resolved)));
}
