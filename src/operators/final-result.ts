import { Observable, type OperatorFunction } from 'rxjs';
import { OperationFailedError, ProtocolError } from '../errors';
import type { OperationSnapshot } from '../snapshot';

/**
 * The operation's result: emits the `result` of the terminal snapshot and completes; errors with an
 * `OperationFailedError` when the operation failed or was canceled.
 *
 * @example
 * const account = await lastValueFrom(trackOperation(request, { result: StorageAccount }).pipe(finalResult()));
 */
export function finalResult<T>(): OperatorFunction<OperationSnapshot<T>, T> {
  return (snapshots) =>
    new Observable<T>((subscriber) =>
      snapshots.subscribe({
        next: (snapshot) => {
          if (!snapshot.done) return;
          if (snapshot.state === 'succeeded') {
            subscriber.next(snapshot.result as T);
            subscriber.complete();
          } else {
            const state = snapshot.state === 'failed' ? 'failed' : 'canceled';
            subscriber.error(new OperationFailedError(state, snapshot.status, snapshot.error ?? { code: 'Unknown', message: '' }));
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.error(new ProtocolError('The snapshot stream ended before the operation did')),
      }),
    );
}
