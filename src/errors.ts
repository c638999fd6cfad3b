import { redactor } from './protocol/redact';
import type { OperationError, OperationState, ResumeToken } from './snapshot';

/**
 * The discriminant of every error rx-lro ends a stream with.
 * @example
 * ```ts
 * const retryable = (code: LroErrorCode) => code === 'network' || code === 'timeout';
 * ```
 */
export type LroErrorCode = 'http' | 'network' | 'protocol' | 'decode' | 'timeout' | 'security' | 'operation-failed' | 'incomplete';

// A registry-wide symbol, so `isLroError` also recognises errors made by another copy of rx-lro
// (two bundles, an iframe) where `instanceof` would fail.
const LRO_ERROR = Symbol.for('rx-lro.error');

/**
 * The plain data of an rx-lro error: what `JSON.stringify` writes and what a state store keeps.
 * @example
 * ```ts
 * const data: LroErrorData = error.toJSON(); // plain JSON for a store or a log
 * ```
 */
export interface LroErrorData {
  name: string;
  code: LroErrorCode;
  message: string;
  [field: string]: unknown;
}

/**
 * The base class of every error rx-lro ends a stream with; its data is plain and serializable, and
 * carries no query value of any URL but `api-version` (SAS tokens and signatures live there).
 * @example
 * ```ts
 * if (error instanceof LroError) report(error.toJSON()); // { name, code, message, … }
 * ```
 */
export abstract class LroError extends Error {
  abstract override readonly name: string;
  abstract readonly code: LroErrorCode;
  /** The `key` of the operation whose tracker this error ended, set by the tracker. */
  key?: string;

  constructor(message: string) {
    super(message);
    Object.defineProperty(this, LRO_ERROR, { value: true });
  }

  /** The error as plain JSON: name, code, message and the error's own (enumerable) fields. */
  toJSON(): LroErrorData {
    const data: LroErrorData = { name: this.name, code: this.code, message: this.message };
    for (const key of Object.keys(this)) {
      const value = (this as unknown as Record<string, unknown>)[key];
      if (value !== undefined) data[key] = value;
    }
    return data;
  }
}

/**
 * Whether `value` is an error rx-lro produced, optionally of one `code`. Works across realms and
 * across copies of the library.
 *
 * @example
 * trackOperation(request).subscribe({ error: (e) => { if (isLroError(e, 'http')) console.log(e.status) } })
 */
export function isLroError<C extends LroErrorCode>(value: unknown, code?: C): value is Extract<LroErrorClass, { code: C }> {
  if (typeof value !== 'object' || value === null) return false;
  if ((value as Record<symbol, unknown>)[LRO_ERROR] !== true) return false;
  return code === undefined || (value as { code?: unknown }).code === code;
}

/**
 * The service's own words about an error status: `error.code` and `error.message` of an Azure error
 * body (or a top-level `code`/`message`, as some data-plane services write it).
 * @example
 * ```ts
 * if (isLroError(e, 'http') && e.serviceError?.code === 'AuthorizationFailed') askForAccess();
 * ```
 */
export interface ServiceError {
  code?: string;
  message?: string;
}

// How much of the service's message an error's own message repeats; `serviceError` keeps more.
const SERVICE_MESSAGE_CHARS = 300;
const SERVICE_FIELD_CHARS = 1024;

function clip(text: string, chars: number): string {
  return text.length > chars ? `${text.slice(0, chars)}…` : text;
}

/**
 * The service answered with an HTTP status that ends the stream (e.g. 403 from a status monitor). The
 * message repeats the service's own `error.code` and `error.message` when its body had them.
 * @example
 * ```ts
 * source$.subscribe({ error: (e) => isLroError(e, 'http') && e.status === 403 && askForAccess() });
 * ```
 */
export class HttpError extends LroError {
  override readonly name = 'HttpError' as const;
  readonly code = 'http' as const;
  readonly status: number;
  readonly method: string;
  /** The URL that answered, its query values (but `api-version`) redacted. */
  readonly url: string;
  /** The start of the response body, for diagnosis (capped, redacted). */
  readonly body?: string;
  /** The service's `error.code` and `error.message`, when the body had them. */
  readonly serviceError?: ServiceError;

  constructor(status: number, method: string, url: string, body?: string, serviceError?: ServiceError) {
    const redact = redactor([url]);
    const service = serviceError && redact(pickService(serviceError));
    const said = [service?.code, service?.message === undefined ? undefined : clip(service.message, SERVICE_MESSAGE_CHARS)]
      .filter((part) => part !== undefined && part !== '')
      .join(': ');
    super(`${method} ${redact(url)} answered HTTP ${status}${said === '' ? '' : ` ${said}`}`);
    this.status = status;
    this.method = method;
    this.url = redact(url);
    if (body !== undefined) this.body = redact(body);
    if (service !== undefined && (service.code !== undefined || service.message !== undefined)) this.serviceError = service;
  }
}

function pickService(error: ServiceError): ServiceError {
  const picked: ServiceError = {};
  if (typeof error.code === 'string') picked.code = clip(error.code, SERVICE_FIELD_CHARS);
  if (typeof error.message === 'string') picked.message = clip(error.message, SERVICE_FIELD_CHARS);
  return picked;
}

/**
 * No HTTP response at all: DNS, connection refused or reset, CORS refusal, per-request timeout.
 * @example
 * ```ts
 * source$.subscribe({ error: (e) => isLroError(e, 'network') && showOffline(e.url) });
 * ```
 */
export class NetworkError extends LroError {
  override readonly name = 'NetworkError' as const;
  readonly code = 'network' as const;
  readonly method: string;
  /** The URL of the request, its query values (but `api-version`) redacted. */
  readonly url: string;
  /** What the transport said, with every query value of the URL redacted however it was written. */
  readonly reason: string;

  constructor(method: string, url: string, reason: string) {
    const redact = redactor([url]);
    super(`${method} ${redact(url)} failed: ${redact(reason)}`);
    this.method = method;
    this.url = redact(url);
    this.reason = redact(reason);
  }
}

/**
 * The service broke the protocol; `rule` names the rule (listed in the package's docs/conformance.md),
 * `body` keeps what it sent.
 * @example
 * ```ts
 * source$.subscribe({ error: (e) => isLroError(e, 'protocol') && console.error(e.rule, e.body) });
 * ```
 */
export class ProtocolError extends LroError {
  override readonly name = 'ProtocolError' as const;
  readonly code = 'protocol' as const;
  readonly rule?: string;
  /** What the service sent (its query values redacted). */
  readonly body?: unknown;

  constructor(message: string, rule?: string, body?: unknown) {
    const redact = redactor();
    super(redact(rule ? `${message} (rule ${rule} of rx-lro's docs/conformance.md)` : message));
    if (rule !== undefined) this.rule = rule;
    if (body !== undefined) this.body = redact(body);
  }
}

/**
 * One failing path of a result that did not match the caller's codec.
 * @example
 * ```ts
 * const explain = (error: DecodeError) => error.issues.map((issue: DecodeIssue) => `${issue.path}: expected ${issue.expected}, got ${issue.actual}`);
 * ```
 */
export interface DecodeIssue {
  /** Dotted path from the result's root, `""` for the root itself. */
  path: string;
  expected: string;
  actual: string;
}

/**
 * The final result did not match the caller's io-ts codec; the message names the failing paths.
 * @example
 * ```ts
 * source$.subscribe({ error: (e) => e instanceof DecodeError && console.error(e.paths) });
 * ```
 */
export class DecodeError extends LroError {
  override readonly name = 'DecodeError' as const;
  readonly code = 'decode' as const;
  readonly issues: DecodeIssue[];

  constructor(issues: DecodeIssue[]) {
    // The values shown come from the service's body, which may echo signed URLs.
    const shown = redactor()(issues);
    super(
      `The operation's result does not match its codec: ${shown
        .map((i) => `at ${i.path === '' ? '<root>' : i.path} expected ${i.expected}, got ${i.actual}`)
        .join('; ')}`,
    );
    this.issues = shown;
  }
  /** The failing paths, `""` for the root. */
  get paths(): string[] {
    return this.issues.map((i) => i.path);
  }
}

/**
 * Where a tracker stood when it gave up: enough to resume it later.
 * @example
 * ```ts
 * const last: TrackerPosition = { resumeToken: snapshot.resumeToken, status: snapshot.status, polls: snapshot.polls };
 * ```
 */
export interface TrackerPosition {
  resumeToken: ResumeToken;
  status: string;
  polls: number;
}

/**
 * An error that stopped the tracking while the operation may go on: it says where the tracker stood,
 * and `resumeToken` (left out of `toJSON()`, since its URLs may be signed) continues it.
 * @example
 * ```ts
 * const resumable = (e: StoppedError) => e.resumeToken !== undefined;
 * ```
 */
export abstract class StoppedError extends LroError {
  /** The last status the service reported, when it had answered. */
  readonly status?: string;
  /** Requests sent after the initial one, when it had answered. */
  readonly polls?: number;
  /** The last snapshot's resume token (not serialized: its URLs may carry SAS tokens). */
  declare readonly resumeToken?: ResumeToken;

  constructor(message: string, last: TrackerPosition | undefined) {
    super(message);
    if (last === undefined) return;
    this.status = redactor()(last.status);
    this.polls = last.polls;
    Object.defineProperty(this, 'resumeToken', { value: last.resumeToken, enumerable: false });
  }
}

/**
 * The overall deadline (`timeoutMs`) passed before the operation ended. Giving up is not failing: the
 * operation goes on in Azure, and `resumeToken` (when the service had answered at least once)
 * continues it with `resumeOperation`. The token is left out of `toJSON()`, since its URLs may be
 * signed: store it on purpose.
 * @example
 * ```ts
 * trackOperation(request, { timeoutMs: 30 * 60_000 }).subscribe({
 *   error: (e) => isLroError(e, 'timeout') && e.resumeToken && saveForLater(e.resumeToken),
 * });
 * ```
 */
export class TimeoutError extends StoppedError {
  override readonly name = 'TimeoutError' as const;
  readonly code = 'timeout' as const;
  readonly timeoutMs: number;

  constructor(timeoutMs: number, last?: TrackerPosition) {
    super(
      last === undefined
        ? `The operation did not finish within ${timeoutMs} ms, and the service had not answered yet`
        : `The operation did not finish within ${timeoutMs} ms (last status ${JSON.stringify(last.status)} after ${last.polls} polls); it goes on in Azure: resume it with error.resumeToken`,
      last,
    );
    this.timeoutMs = timeoutMs;
  }
}

/**
 * A URL was refused by the origin or scheme rules (S1, S2), or credentials would have gone over plain
 * `http:` to a host that is not loopback.
 * @example
 * ```ts
 * // Refused: the service pointed polling at another origin. Trust it explicitly if you must:
 * trackOperation(request, { allowedOrigins: ['https://westus.management.azure.com'] });
 * ```
 */
export class SecurityError extends LroError {
  override readonly name = 'SecurityError' as const;
  readonly code = 'security' as const;
  /** The refused URL, its query values (but `api-version`) redacted. */
  readonly url: string;
  readonly reason: string;

  constructor(url: string, reason: string) {
    const redact = redactor([url]);
    super(`Refused ${redact(url)}: ${redact(reason)}`);
    this.url = redact(url);
    this.reason = redact(reason);
  }
}

/**
 * `finalResult()` met a failed or canceled operation.
 * @example
 * ```ts
 * trackOperation(request).pipe(finalResult()).subscribe({
 *   error: (e) => e instanceof OperationFailedError && console.error(e.error?.code),
 * });
 * ```
 */
export class OperationFailedError extends LroError {
  override readonly name = 'OperationFailedError' as const;
  readonly code = 'operation-failed' as const;
  readonly state: Exclude<OperationState, 'running' | 'succeeded'>;
  readonly status: string;
  /** The operation's error as the service gave it (query values of URLs in it redacted). */
  readonly error: OperationError;

  constructor(state: Exclude<OperationState, 'running' | 'succeeded'>, status: string, error: OperationError) {
    const redact = redactor();
    const shown = redact(error);
    super(redact(`The operation ${state === 'failed' ? 'failed' : 'was canceled'} (${status}): ${shown.code}: ${shown.message}`));
    this.state = state;
    this.status = redact(status);
    this.error = shown;
  }
}

/**
 * `finalResult()` saw its snapshot stream complete before the operation ended: the stream was cut
 * short upstream (`take`, `takeUntil`, `first`, an unsubscribing store), not by the service. The
 * operation may still be running; `resumeToken` (not serialized) continues it.
 * @example
 * ```ts
 * trackOperation(request).pipe(takeUntil(cancel$), finalResult()).subscribe({
 *   error: (e) => isLroError(e, 'incomplete') && console.log('stopped watching at', e.status),
 * });
 * ```
 */
export class IncompleteError extends StoppedError {
  override readonly name = 'IncompleteError' as const;
  readonly code = 'incomplete' as const;

  constructor(last?: TrackerPosition) {
    super(
      last === undefined
        ? 'The snapshot stream completed before any snapshot: it was cut short upstream (take, takeUntil, first…)'
        : `The snapshot stream completed before the operation ended (last status ${JSON.stringify(last.status)} after ${last.polls} polls): it was cut short upstream (take, takeUntil, first…), and the operation may still be running`,
      last,
    );
  }
}

/**
 * Every concrete rx-lro error class.
 * @example
 * ```ts
 * const describe = (e: LroErrorClass): string => (e.code === 'http' ? `HTTP ${e.status} from ${e.url}` : `${e.name}: ${e.message}`);
 * ```
 */
export type LroErrorClass =
  HttpError | NetworkError | ProtocolError | DecodeError | TimeoutError | SecurityError | OperationFailedError | IncompleteError;
