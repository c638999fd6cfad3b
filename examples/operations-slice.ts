// The Redux Toolkit slice both Redux recipes share: every snapshot under its key (the tracker's `key`
// option is the store's key), and a tracker's fault as plain data beside it.
import { createAction, createSlice, type PayloadAction } from '@reduxjs/toolkit';
import type { OperationRequest, OperationSnapshot } from 'rx-lro';

export interface OperationsState {
  byKey: Record<string, { snapshot?: OperationSnapshot; error?: { name: string; message: string } }>;
}

export const operationStarted = createAction<{ key: string; request: OperationRequest }>('operations/started');
export const operationCanceled = createAction<string>('operations/canceled');

const slice = createSlice({
  name: 'operations',
  initialState: { byKey: {} } as OperationsState,
  reducers: {
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
export const operationsReducer = slice.reducer;
