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
}

/**
 * One observation of an operation. Plain JSON: no Date, no Error, no class instance, so it passes
 * the serializability checks of Redux and NgRx and survives `JSON.parse(JSON.stringify(snapshot))`.
 * @example
 * ```ts
 * trackOperation(request).subscribe((s: OperationSnapshot) => console.log(s.state, s.status, s.percentComplete));
 * ```
 */
export interface OperationSnapshot<T = unknown> {
  state: OperationState;
  /** `state !== 'running'`; the last snapshot of a stream is the only one with `done: true`. */
  done: boolean;
  /** The status exactly as the service wrote it (`Accepted`, `InProgress`, `Cancelled`, …). */
  status: string;
  percentComplete?: number;
  /** The decoded final resource, on `succeeded`. */
  result?: T;
  /** On `failed` and `canceled`. */
  error?: OperationError;
  operation?: OperationInfo;
  /** The HTTP status of the response this snapshot came from. */
  httpStatus: number;
  /** Requests sent so far after the initial one (polls and final GETs). */
  polls: number;
  /** While running: how long the tracker waits before its next poll. */
  nextPollInMs?: number;
  resumeToken: ResumeToken;
}
