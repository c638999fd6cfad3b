/**
 * The four states an operation can be in; every state but `running` is terminal.
 * @example
 * ```ts
 * const finished = (state: OperationState) => state !== 'running';
 * ```
 */
export type OperationState = 'running' | 'succeeded' | 'failed' | 'canceled';

/**
 * The HTTP methods that start a long-running operation (some data-plane APIs answer a `GET` with `202`).
 * @example
 * ```ts
 * const method: LroMethod = 'DELETE';
 * ```
 */
export type LroMethod = 'PUT' | 'PATCH' | 'POST' | 'DELETE' | 'GET';

/**
 * Where the final result is read from, as `x-ms-long-running-operation-options` names it (rule X5).
 * @example
 * ```ts
 * trackOperation(request, { finalStateVia: 'location' });
 * ```
 */
export type FinalStateVia = 'azure-async-operation' | 'operation-location' | 'location' | 'original-uri';

/**
 * The error of a failed or canceled operation, as Azure's error format gives it (rule R11).
 * When the service sent none (or a malformed one), `code` is `"Unknown"` and `raw` keeps the body.
 * @example
 * ```ts
 * if (snapshot.state === 'failed') console.error(snapshot.error?.code, snapshot.error?.details);
 * ```
 */
export interface OperationError {
  code: string;
  message: string;
  target?: string;
  details?: OperationError[];
  additionalInfo?: unknown[];
  /** The service's deeper cause, nested as it sent it (`{ code?, innererror?, … }`). */
  innererror?: Record<string, unknown>;
  /** The response body, kept when the service's `error` was missing or malformed. */
  raw?: unknown;
  /** Any other field the service put in its error, kept as it was. */
  [field: string]: unknown;
}

/**
 * Optional facts a status monitor reports about the operation (rule R10).
 * @example
 * ```ts
 * const started = snapshot.operation?.startTime;
 * ```
 */
export interface OperationInfo {
  id?: string;
  name?: string;
  startTime?: string;
  endTime?: string;
}

/**
 * How a tracker polls: a status monitor, a `Location` URL, the resource itself, or not at all.
 * @example
 * ```ts
 * if (snapshot.resumeToken.mode === 'location') console.log('polling the Location header');
 * ```
 */
export type PollMode = 'status' | 'location' | 'body' | 'none';

/**
 * Everything needed to continue tracking an operation without repeating its initial request.
 * Versioned plain JSON: store it anywhere (localStorage, a Redux store) and pass it to `resumeOperation`.
 * @example
 * ```ts
 * localStorage.setItem('op', JSON.stringify(snapshot.resumeToken));
 * resumeOperation(JSON.parse(localStorage.getItem('op')!)).subscribe(render);
 * ```
 */
export interface ResumeToken {
  v: 1;
  method: LroMethod;
  /** The URL of the initial request (the resource for PUT/PATCH). */
  url: string;
  mode: PollMode;
  /** The URL the next poll goes to. */
  pollUrl?: string;
  /** The `Location` of the initial response, kept for the final GET of a POST (rule X2). */
  locationUrl?: string;
  /** The initial request's `api-version`, added to polling URLs that lack one (rule R15). */
  apiVersion?: string;
  /** Set when the caller gave `options.apiVersion`: it replaces the service's own (rule R15). */
  replaceApiVersion?: boolean;
  finalStateVia?: FinalStateVia;
  /** The snapshots' `key`, kept so that a resumed tracker reports the same identity. */
  key?: string;
}

/**
 * What every snapshot carries, whatever the state.
 * @example
 * ```ts
 * const line = (s: SnapshotFields) => `${s.key}: ${s.status} after ${s.polls} polls`;
 * ```
 */
export interface SnapshotFields {
  /**
   * The operation's identity, the same in every snapshot and after resume: the caller's `key` option,
   * else the status monitor's or `Location` URL without its query, else the method and initial URL
   * (without its query). Two starts of one VM have two keys.
   */
  key: string;
  /** The status exactly as the service wrote it (`Accepted`, `InProgress`, `Cancelled`, …). */
  status: string;
  percentComplete?: number;
  operation?: OperationInfo;
  /** The HTTP status of the response this snapshot came from. */
  httpStatus: number;
  /** Requests sent so far after the initial one: polls, their retries and redirects, and the final GET. */
  polls: number;
  resumeToken: ResumeToken;
}

/**
 * A snapshot of an operation still running.
 * @example
 * ```ts
 * const waiting = (s: RunningSnapshot) => `next poll in ${s.nextPollInMs} ms`;
 * ```
 */
export interface RunningSnapshot extends SnapshotFields {
  state: 'running';
  done: false;
  /** How long the tracker waits before its next poll. */
  nextPollInMs?: number;
  result?: undefined;
  error?: undefined;
}

/**
 * The last snapshot of an operation that succeeded (rule X8): `result` is the decoded final resource,
 * absent only where the operation has none (a DELETE).
 * @example
 * ```ts
 * const name = (s: SucceededSnapshot<{ name: string }>) => s.result.name;
 * ```
 */
export interface SucceededSnapshot<T = unknown> extends SnapshotFields {
  state: 'succeeded';
  done: true;
  result: T;
  error?: undefined;
  nextPollInMs?: undefined;
}

/**
 * What the last snapshot of an operation that failed or was canceled carries (rule X8): `error` says why.
 * @example
 * ```ts
 * const why = (s: UnsuccessfulSnapshot) => `${s.state}: ${s.error.code}: ${s.error.message}`;
 * ```
 */
export interface UnsuccessfulSnapshot extends SnapshotFields {
  state: 'failed' | 'canceled';
  done: true;
  error: OperationError;
  result?: undefined;
  nextPollInMs?: undefined;
}

/**
 * The last snapshot of an operation that failed.
 * @example
 * ```ts
 * const code = (s: FailedSnapshot) => s.error.code;
 * ```
 */
export interface FailedSnapshot extends UnsuccessfulSnapshot {
  state: 'failed';
}

/**
 * The last snapshot of an operation that was canceled (`Canceled` or `Cancelled`).
 * @example
 * ```ts
 * const spelling = (s: CanceledSnapshot) => s.status;
 * ```
 */
export interface CanceledSnapshot extends UnsuccessfulSnapshot {
  state: 'canceled';
}

/**
 * One observation of an operation. Plain JSON: no Date, no Error, no class instance, so it passes
 * the serializability checks of Redux and NgRx and survives `JSON.parse(JSON.stringify(snapshot))`.
 * A union on `state` (rule X8): narrowing gives `result` on `succeeded` and `error` on `failed` and
 * `canceled`; the last snapshot of a stream is the only one with `done: true`.
 * @example
 * ```ts
 * trackOperation(request).subscribe((s: OperationSnapshot) => {
 *   if (s.state === 'succeeded') console.log(s.result);
 *   else if (s.done) console.error(s.error.code);
 * });
 * ```
 */
export type OperationSnapshot<T = unknown> = RunningSnapshot | SucceededSnapshot<T> | FailedSnapshot | CanceledSnapshot;
