// Public types of `rx-lro/testing`. Kept apart from the implementation so the .d.ts reads as a reference.

/**
 * The methods that start a long-running operation. A `GET` starts one only on a path defined as
 * `'GET /path'`; every other GET is a read.
 * @example
 * ```ts
 * sim.define('DELETE /subscriptions/s/resourceGroups/rg', { pattern: 'location' });
 * ```
 */
export type LroMethod = 'PUT' | 'PATCH' | 'POST' | 'DELETE' | 'GET';

/**
 * How the simulator tells the client to poll.
 * - `azure-async-operation`: `Azure-AsyncOperation` header → status monitor (ARM).
 * - `operation-location`: `Operation-Location` header → status monitor (data plane).
 * - `location`: `202` + `Location`; the Location URL answers `202` until done, then the result.
 * - `provisioning-state`: PUT/PATCH only; no header, GET the original URL until `provisioningState` is terminal.
 * - `sync`: the answer is final at once (`200`/`201`/`204`).
 * @example
 * ```ts
 * const pattern: LroPattern = 'operation-location';
 * ```
 */
export type LroPattern = 'azure-async-operation' | 'operation-location' | 'location' | 'provisioning-state' | 'sync';

/**
 * One entry of an ARM error's `additionalInfo`.
 * @example
 * ```ts
 * const error: ArmError = { code: 'Denied', message: 'No.', additionalInfo: [{ type: 'PolicyViolation', info: { policy: 'p1' } }] };
 * ```
 */
export interface ArmErrorAdditionalInfo {
  type: string;
  info?: unknown;
}

/**
 * The ARM error shape: `{ error: ArmError }` in error responses, `error` in a failed status monitor.
 * @example
 * ```ts
 * sim.define('/subscriptions/s/…/widgets/w1', { outcome: 'Failed', error: { code: 'QuotaExceeded', message: 'Too many widgets.' } });
 * ```
 */
export interface ArmError {
  code: string;
  message: string;
  target?: string;
  details?: ArmError[];
  additionalInfo?: ArmErrorAdditionalInfo[];
  /** The deeper cause, nested as a service sends it (`{ code?, innererror?, … }`). */
  innererror?: Record<string, unknown>;
}

/**
 * How a "wait before the next request" hint is written.
 * - `seconds`: `Retry-After: 2` (a decimal such as `1.5` is written as is).
 * - `http-date`: `Retry-After: <IMF-fixdate>`, `value` seconds from the moment of the response (may be negative).
 * - `ms`: `retry-after-ms: <value>`.
 * - `x-ms`: `x-ms-retry-after-ms: <value>`.
 * - `raw`: `Retry-After: <value>` verbatim, to test how a client copes with nonsense (`soon`, `-3`).
 * - `none`: no header.
 * A bare number means `{ form: 'seconds', value }`.
 * @example
 * ```ts
 * sim.define(path, { retryAfter: { form: 'http-date', value: 5 } });
 * ```
 */
export type RetryAfter =
  | { form: 'seconds'; value: number }
  | { form: 'http-date'; value: number }
  | { form: 'ms'; value: number }
  | { form: 'x-ms'; value: number }
  | { form: 'raw'; value: string }
  | { form: 'none' };

/**
 * Which requests of an operation a fault may target. `poll` counts every GET of a monitor, a Location URL, or (provisioning-state) the original URL.
 * @example
 * ```ts
 * const on: FaultTarget = 'final';
 * ```
 */
export type FaultTarget = 'initial' | 'poll' | 'final';

/**
 * What goes wrong.
 * - a number (400–599): that HTTP status with an ARM `{ error }` body; `429` also carries `Retry-After`
 *   (default 1 s). On the initial request, no operation is created.
 * - `reset`: the socket is destroyed before any byte is answered (on the initial request: no operation is created).
 * - `reset-mid-body`: the status line, headers and half the body are sent, then the socket is destroyed
 *   (on the initial request the operation *is* created: the server acted, the client never heard).
 * - `slow`: the normal answer, `delayMs` later.
 * - `malformed-json`: the normal status, `content-type: application/json`, and a truncated JSON text.
 * - `oversized-json`: the normal body padded to about `bytes` bytes (valid JSON).
 * - `missing-status` / `numeric-status` / `null-status`: a monitor body without `status`, with `status: 1`, with `status: null`.
 * - `empty-body`: the normal status and headers, no body at all.
 * - `other-origin`: the polling URLs of this response point at `otherOriginUrl` (on `initial`: the polling
 *   headers; on `poll`: a fresh polling header is added and `resourceLocation` is rewritten).
 * - `gone`: `404 ResourceNotFound`, and from then on every poll and final GET of the operation answers 404
 *   and the resource no longer exists (what some services do after a DELETE). The only sticky fault.
 * @example
 * ```ts
 * const kinds: FaultKind[] = [429, 'reset-mid-body', 'malformed-json'];
 * ```
 */
export type FaultKind =
  | number
  | 'reset'
  | 'reset-mid-body'
  | 'slow'
  | 'malformed-json'
  | 'oversized-json'
  | 'missing-status'
  | 'numeric-status'
  | 'null-status'
  | 'empty-body'
  | 'other-origin'
  | 'gone';

/**
 * A fault applied to the `nth` … `nth + count - 1` request of one kind (`on`) of an operation.
 * @example
 * ```ts
 * sim.define(path, { faults: [{ on: 'poll', nth: 2, count: 3, kind: 503 }, { on: 'final', kind: 'reset' }] });
 * ```
 */
export interface Fault {
  /** Which requests: the initial one (counted per method and path, so client retries are requests 2, 3, …), polls, or final GETs. */
  on: FaultTarget;
  /** 1-based index among the requests of that kind. Default `1`. */
  nth?: number;
  /** How many consecutive requests, from `nth`, get the fault. Default `1`. */
  count?: number;
  kind: FaultKind;
  /** `slow`: the delay in ms. Default `500`. */
  delayMs?: number;
  /** `oversized-json`: the approximate body size in bytes. Default 5 MiB. */
  bytes?: number;
  /** HTTP status faults: the wait hint. Default `1` second for `429`, none otherwise. */
  retryAfter?: RetryAfter | number;
  /** HTTP status faults: the `error` of the body. Default: a code named after the status. */
  error?: ArmError;
}

/**
 * Optional fields of a status monitor body.
 * @example
 * ```ts
 * sim.define(path, { monitorFields: ['id', 'startTime'] as MonitorField[] });
 * ```
 */
export type MonitorField = 'id' | 'name' | 'startTime' | 'endTime';

/**
 * What one operation does. Every field is optional; defaults are in brackets.
 * Durations are real time, or, with `polls`, counted in polls (deterministic, for CI).
 * @example
 * ```ts
 * sim.define(path, { pattern: 'location', durationMs: 3_000, retryAfter: 1, outcome: 'Succeeded' });
 * ```
 */
export interface OperationScript {
  /** [`'azure-async-operation'`] How the client is told to poll. */
  pattern?: LroPattern;
  /**
   * Status of the initial response. [status monitors: `201` for PUT/PATCH, `202` for POST/DELETE;
   * `location`: `202`; `provisioning-state`: `201`; `sync`: `200`, or `204` for DELETE and a POST without `resource`]
   */
  initialStatus?: 200 | 201 | 202 | 204;
  /** [`false`] Status monitors: also send a `Location` header (202 until done, then the result; POST's final result lives there). */
  location?: boolean;
  /** [`false`] Status monitors: put `resourceLocation` in the succeeded monitor body. `true` = a URL the simulator serves; a string = that URL (a path is resolved against the simulator). */
  resourceLocation?: boolean | string;
  /** [`1000`] Real milliseconds from the initial request to the terminal state. */
  durationMs?: number;
  /** [unset] If set, the operation is terminal from this poll on (1-based), whatever the time. */
  polls?: number;
  /** [`['InProgress']`] Running statuses shown in turn over the duration. */
  runningStatuses?: readonly string[];
  /** [`false`] `percentComplete` in monitor bodies: `true` = linear 0–100, or a function of the elapsed fraction (0–1). */
  percentComplete?: boolean | ((fraction: number) => number);
  /** [all four] Which of `id`, `name`, `startTime`, `endTime` the monitor body carries (`endTime` only when terminal). */
  monitorFields?: readonly MonitorField[];
  /** [none] Merged last into every monitor body, e.g. `{ percentComplete: 'half' }` to test tolerance of bad optional fields. */
  monitorExtra?: Record<string, unknown>;
  /**
   * [`'result'` for an `operation-location` POST or GET, `'properties'` for an `azure-async-operation` one, else `'none'`]
   * Where a succeeded monitor body carries `resource`: under `properties` or `result`, or `'inline'`, its fields
   * (but `id` and `name`) merged into the monitor body, as some services do: a monitor that looks like the resource.
   */
  monitorResult?: 'properties' | 'result' | 'inline' | 'none';
  /** [`{ form: 'none' }`] Wait hint on the initial response and on every running poll response. */
  retryAfter?: RetryAfter | number;
  /** [`'Succeeded'`] The terminal status: `Succeeded`, `Failed`, `Canceled`, `Cancelled` or any custom string (e.g. `Completed`). */
  outcome?: string;
  /**
   * [a generated error for Failed/Canceled/Cancelled] The monitor's `error`. `null` leaves it out; a string is sent
   * verbatim (a malformed error). Also sent with a custom outcome if given explicitly.
   */
  error?: ArmError | string | null;
  /** [`400`] `location` pattern: how a failed/canceled outcome is answered: an HTTP status with `{ error }`, or `'provisioning-state'` = `200` with `provisioningState: <outcome>`. */
  locationFailure?: number | 'provisioning-state';
  /** [`{ id, name, type?, properties: {} }` for PUT/PATCH (or the request body), none for POST] The final resource / POST result. */
  resource?: Record<string, unknown>;
  /** [`'properties'`] Where `provisioningState` sits in resource bodies: `properties.provisioningState` or top-level. */
  provisioningStateAt?: 'properties' | 'root';
  /** [`true`] Copy the initial request's `api-version` into the polling URLs. */
  keepApiVersion?: boolean;
  /** [`false`] Write polling URLs as paths (`/subscriptions/…`) instead of absolute URLs. */
  relativeUrls?: boolean;
  /**
   * [unset] Write this URL verbatim in every polling header of the initial response instead of the
   * operation's own, e.g. a wrong relative path such as `'/foo'`, which answers `404` like any unknown path.
   */
  pollingUrl?: string;
  /**
   * [`false`] Serve the status monitor and `Location` URLs under the resource's own path
   * (`…/widgets/w1/operationStatuses/{id}`); once a DELETE has succeeded they vanish with the resource
   * and answer `404`, as some resource providers' do.
   */
  resourceScopedUrls?: boolean;
  /** [`true`] Serve GET on the original URL; `false` answers `404` there, like a service with no GET route for it. */
  resourceRoute?: boolean;
  /** [`[]`] Faults, each on chosen requests of the operation. */
  faults?: readonly Fault[];
}

/**
 * Options of {@link startSimulator}.
 * @example
 * ```ts
 * await startSimulator({ port: 8080, defaults: { durationMs: 2_000, percentComplete: true } });
 * ```
 */
export interface SimulatorOptions {
  /** [`0` = any free port] Port of the main listener. */
  port?: number;
  /** [`0`] Port of the second listener (another origin). */
  otherOriginPort?: number;
  /** [`'127.0.0.1'`] Loopback only: `127.0.0.1`, `::1` or `localhost`; anything else is refused. */
  host?: string;
  /** Scripts by path (`/subscriptions/…`) or by method and path (`'DELETE /subscriptions/…'`), as with `define`. */
  scenarios?: Record<string, OperationScript>;
  /** [`{}`] Script for paths with no script; `sim-*` query parameters of the initial request override it. */
  defaults?: OperationScript;
  /** [`10000`] The request log keeps this many most recent entries (a CLI may run for days). */
  maxRecordedRequests?: number;
}

/**
 * What a recorded request was, as far as the simulator knows.
 * @example
 * ```ts
 * const polls = sim.requests.filter((r) => r.kind === ('poll' as RequestKind)).length;
 * ```
 */
export type RequestKind = 'initial' | 'poll' | 'final' | 'other';

/**
 * One request as the simulator saw it. Header *names* only: values may carry bearer tokens.
 * @example
 * ```ts
 * expect(sim.requests.every((r: RecordedRequest) => r.headerNames.includes('authorization'))).toBe(true);
 * ```
 */
export interface RecordedRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  /** Milliseconds since the simulator started. */
  readonly time: number;
  /** Lower-case header names, in arrival order; test `headerNames.includes('authorization')` to see if a credential was sent. */
  readonly headerNames: readonly string[];
  readonly operationId?: string;
  readonly kind: RequestKind;
  /** Which listener received it: the main origin or `otherOriginUrl`. */
  readonly listener: 'main' | 'other-origin';
  /** The response status, once answered; stays unset when the connection was reset. */
  readonly status?: number;
  /** The fault applied to this request, if any. */
  readonly fault?: FaultKind;
}

/**
 * A running simulator.
 * @example
 * ```ts
 * const sim: Simulator = await startSimulator();
 * try {
 *   await lastValueFrom(trackOperation({ method: 'PUT', url: `${sim.url}/subscriptions/s/resourceGroups/rg/providers/Microsoft.Test/widgets/w1?api-version=1` }));
 * } finally {
 *   await sim.close();
 * }
 * ```
 */
export interface Simulator {
  /** `http://127.0.0.1:PORT` of the main listener. */
  readonly url: string;
  /** `http://127.0.0.1:OTHER_PORT`: the same simulator under another origin. */
  readonly otherOriginUrl: string;
  /** Live log of every request, oldest first. */
  readonly requests: readonly RecordedRequest[];
  /** Registers (or replaces) the script for a path, or for `'METHOD /path'`. Throws a `TypeError` on an invalid script. */
  define(path: string, script: OperationScript): void;
  /** Forgets recorded requests, operations, resources and fault counters; scripts stay. */
  reset(): void;
  /** Stops both listeners, destroys open sockets and clears every timer. Idempotent. */
  close(): Promise<void>;
}
