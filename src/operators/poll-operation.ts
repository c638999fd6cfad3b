import { mergeMap, type OperatorFunction } from 'rxjs';
import { resolveOptions, type PollOptions } from '../options';
import type { OperationSnapshot } from '../snapshot';
import { trackStart } from './from-start';
import type { LazyStart, StartInput } from '../start-input';

/**
 * Turns initial responses into snapshot streams: one independent tracker per start, merged.
 * Each tracker emits a snapshot for the initial response and one per poll, the terminal one last.
 * A failed or canceled operation is a snapshot; a fault of one tracker (transport, protocol, decode,
 * timeout, security, a malformed start) errors the merged stream and ends the others, as an error
 * does in any RxJS merge. To keep trackers apart, merge `fromStart` trackers through `faultAsData()`.
 *
 * @param options validated now; a bad option throws a `TypeError` at once
 * @example
 * ajax({ method: 'POST', url: `${vm}/start?api-version=2024-07-01` })
 *   .pipe(pollOperation({ headers: { authorization: `Bearer ${token}` } }))
 *   .subscribe((s) => console.log(s.status, s.percentComplete));
 */
export function pollOperation<T = unknown>(options?: PollOptions<T>): OperatorFunction<StartInput | LazyStart, OperationSnapshot<T>> {
  const resolved = resolveOptions(options);
  if (resolved.settings.key !== undefined) {
    throw new TypeError(
      'rx-lro: options.key names one operation, and pollOperation tracks many: give each start its key with fromStart(start, { key })',
    );
  }
  return (starts) => starts.pipe(mergeMap((start) => trackStart(start, resolved)));
}
