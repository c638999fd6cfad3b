// Redux Toolkit with its own listener middleware (no extra package): each `operationStarted` runs one
// tracker, every snapshot is dispatched into the store, and `operationCanceled(key)` unsubscribes it
// (the request in flight is aborted; nothing more is sent).
import { configureStore, createListenerMiddleware } from '@reduxjs/toolkit';
import { from, map, takeUntil, tap } from 'rxjs';
import { faultAsData, trackOperation, type PollOptions } from 'rx-lro';
import { operationCanceled, operationStarted, operationsReducer, snapshotReceived, trackingFailed } from './operations-slice';

export function createOperationsStore(options: PollOptions = {}) {
  const listener = createListenerMiddleware();
  listener.startListening({
    actionCreator: operationStarted,
    effect: async ({ payload: { key, request } }, api) => {
      const canceled = api.condition((action) => operationCanceled.match(action) && action.payload === key);
      await new Promise<void>((done) =>
        trackOperation(request, { ...options, key })
          .pipe(
            // A transport or protocol fault ends this tracker only, as data; a failed operation is a snapshot.
            faultAsData(),
            map((item) =>
              item.state === 'error'
                ? trackingFailed({ key, error: { name: item.error.name, message: item.error.message } })
                : snapshotReceived(item),
            ),
            tap((action) => api.dispatch(action)),
            takeUntil(from(canceled)),
          )
          .subscribe({ complete: done }),
      );
    },
  });
  return configureStore({
    reducer: { operations: operationsReducer },
    middleware: (getDefault) => getDefault().prepend(listener.middleware),
  });
}

export type OperationsStore = ReturnType<typeof createOperationsStore>;
