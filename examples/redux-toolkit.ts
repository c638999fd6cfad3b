// A Redux Toolkit store fed by a redux-observable epic: dispatch `operationStarted`, and every
// snapshot lands in the store (plain JSON, so Redux's serializability checks pass).
import { configureStore, createAction, createSlice, type PayloadAction } from '@reduxjs/toolkit';
import { combineEpics, createEpicMiddleware, ofType, type Epic } from 'redux-observable';
import { filter, map, mergeMap, takeUntil } from 'rxjs';
import { faultAsData, trackOperation, type OperationRequest, type OperationSnapshot, type PollOptions } from 'rx-lro';

export interface OperationsState {
  byKey: Record<string, { snapshot?: OperationSnapshot; error?: { name: string; message: string } }>;
}

export const operationStarted = createAction<{ key: string; request: OperationRequest }>('operations/started');
export const operationCanceled = createAction<string>('operations/canceled');

const slice = createSlice({
  name: 'operations',
  initialState: { byKey: {} } as OperationsState,
  reducers: {
    // Every snapshot says whose it is: the store's key, given to the tracker as its `key`.
    snapshotReceived(state, action: PayloadAction<OperationSnapshot>) {
      state.byKey[action.payload.key] = { snapshot: action.payload };
    },
    trackingFailed(state, action: PayloadAction<{ key: string; error: { name: string; message: string } }>) {
      const entry = state.byKey[action.payload.key] ?? {};
      state.byKey[action.payload.key] = { ...entry, error: action.payload.error };
    },
  },
});

export const { snapshotReceived, trackingFailed } = slice.actions;

/** One tracker per `operationStarted`; `operationCanceled(key)` unsubscribes it (no request after). */
export function operationsEpic(options: PollOptions = {}): Epic {
  return (action$) =>
    action$.pipe(
      ofType(operationStarted.type),
      filter(operationStarted.match),
      mergeMap(({ payload: { key, request } }) =>
        trackOperation(request, { ...options, key }).pipe(
          // A transport or protocol error ends this tracker only, as data; a failed operation is just a snapshot.
          faultAsData(),
          map((item) =>
            item.state === 'error'
              ? trackingFailed({ key: item.key, error: { name: item.error.name, message: item.error.message } })
              : snapshotReceived(item),
          ),
          takeUntil(
            action$.pipe(
              filter(operationCanceled.match),
              filter((a) => a.payload === key),
            ),
          ),
        ),
      ),
    );
}

export function createOperationsStore(options: PollOptions = {}) {
  const epics = createEpicMiddleware();
  const store = configureStore({
    reducer: { operations: slice.reducer },
    middleware: (getDefault) => getDefault().concat(epics),
  });
  epics.run(combineEpics(operationsEpic(options)));
  return store;
}

export type OperationsStore = ReturnType<typeof createOperationsStore>;
