// Redux Toolkit with redux-observable 3.0.0-rc.3 (the `latest` tag, 2.0.0, is built for redux 4 and
// does not type-check in RTK's `concat`): one epic, one tracker per `operationStarted`, every
// snapshot dispatched into the store; `operationCanceled(key)` unsubscribes it.
import { configureStore } from '@reduxjs/toolkit';
import { combineEpics, createEpicMiddleware, type Epic } from 'redux-observable';
import { filter, map, mergeMap, takeUntil } from 'rxjs';
import { faultAsData, trackOperation, type PollOptions } from 'rx-lro';
import { operationCanceled, operationStarted, operationsReducer, snapshotReceived, trackingFailed } from './operations-slice';

export function operationsEpic(options: PollOptions = {}): Epic {
  return (action$) =>
    action$.pipe(
      filter(operationStarted.match),
      mergeMap(({ payload: { key, request } }) =>
        trackOperation(request, { ...options, key }).pipe(
          // A transport or protocol fault ends this tracker only, as data; a failed operation is a snapshot.
          faultAsData(),
          map((item) =>
            item.state === 'error'
              ? trackingFailed({ key, error: { name: item.error.name, message: item.error.message } })
              : snapshotReceived(item),
          ),
          takeUntil(action$.pipe(filter((action) => operationCanceled.match(action) && action.payload === key))),
        ),
      ),
    );
}

export function createOperationsStore(options: PollOptions = {}) {
  const epics = createEpicMiddleware();
  const store = configureStore({
    reducer: { operations: operationsReducer },
    middleware: (getDefault) => getDefault().concat(epics),
  });
  epics.run(combineEpics(operationsEpic(options)));
  return store;
}

export type OperationsStore = ReturnType<typeof createOperationsStore>;
