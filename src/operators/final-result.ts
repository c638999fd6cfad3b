import { Observable, type OperatorFunction } from 'rxjs';
import { IncompleteError, OperationFailedError } from '../errors';
import type { OperationSnapshot } from '../snapshot';

/**
 * The operation's result: emits the `result` of the terminal snapshot and completes; errors with an
 * `OperationFailedError` when the operation failed or was canceled, and with an `IncompleteError`
 * when the snapshot stream completed before the operation ended (cut short upstream by `take`,
 * `takeUntil` or the like; the operation may still be running). For one operation's stream: on a
 * merged stream it gives the first operation to end; give each tracker its own `finalResult()` instead.
 *
 * @example
 * const account = await lastValueFrom(trackOperation(request, { result: StorageAccount }).pipe(finalResult()));
 */
export function finalResult<T>(): OperatorFunction<OperationSnapshot<T>, T> {
  return (snapshots) =>
    new Observable<T>((subscriber) => {
      let last: OperationSnapshot<T> | undefined;
      return snapshots.subscribe({
        next: (snapshot) => {
          last = snapshot;
          if (snapshot.state === 'succeeded') {
            subscriber.next(snapshot.result);
            subscriber.complete();
          } else if (snapshot.done) {
            subscriber.error(new OperationFailedError(snapshot.state, snapshot.status, snapshot.error));
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () =>
          subscriber.error(new IncompleteError(last && { resumeToken: last.resumeToken, status: last.status, polls: last.polls })),
      });
    });
}
