import type { OperationError, OperationState } from './snapshot';

/**
 * The discriminant of every error rx-lro ends a stream with.
 * @example
 * ```ts
 * const retryable = (code: LroErrorCode) => code === 'network' || code === 'timeout';
 * ```
 */
export type LroErrorCode = 'http' | 'network' | 'protocol' | 'decode' | 'timeout' | 'security' | 'operation-failed';

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
 * The base class of every error rx-lro ends a stream with; its data is plain and serializable.
 * @example
 * ```ts
 * if (error instanceof LroError) report(error.toJSON()); // { name, code, message, … }
 * ```
 */
export abstract class LroError extends Error {
  abstract override readonly name: string;
  abstract readonly code: LroErrorCode;

  constructor(message: string) {
    super(message);
    Object.defineProperty(this, LRO_ERROR, { value: true });
  }

  /** The error as plain JSON: name, code, message and the error's own fields. */
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

// Keeps secrets out of messages: SAS signatures and tokens travel in query strings.
function describeUrl(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : `${url.slice(0, query)}?…`;
}

/**
 * The service answered with an HTTP status that ends the stream (e.g. 400 from a status monitor).
 * @example
 * ```ts
 * source$.subscribe({ error: (e) => isLroError(e, 'http') && e.status === 403 && askForAccess() });
 * ```
 */
export class HttpError extends LroError {
  override readonly name = 'HttpError' as const;
  readonly code = 'http' as const;
  constructor(
    readonly status: number,
    readonly method: string,
    readonly url: string,
    /** The start of the response body, for diagnosis. */
    readonly body?: string,
  ) {
    super(`${method} ${describeUrl(url)} answered HTTP ${status}`);
  }
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
  constructor(
    readonly method: string,
    readonly url: string,
    readonly reason: string,
  ) {
    super(`${method} ${describeUrl(url)} failed: ${reason}`);
  }
}

/**
 * The service broke the protocol; `rule` names the rule of PROTOCOL.md, `body` keeps what it sent.
 * @example
 * ```ts
 * source$.subscribe({ error: (e) => isLroError(e, 'protocol') && console.error(e.rule, e.body) });
 * ```
 */
export class ProtocolError extends LroError {
  override readonly name = 'ProtocolError' as const;
  readonly code = 'protocol' as const;
  constructor(
    message: string,
    readonly rule?: string,
    readonly body?: unknown,
  ) {
    super(rule ? `${message} (${rule})` : message);
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
  constructor(readonly issues: DecodeIssue[]) {
    super(
      `The operation's result does not match its codec: ${issues
        .map((i) => `at ${i.path === '' ? '<root>' : i.path} expected ${i.expected}, got ${i.actual}`)
        .join('; ')}`,
    );
  }
  /** The failing paths, `""` for the root. */
  get paths(): string[] {
    return this.issues.map((i) => i.path);
  }
}

/**
 * The overall deadline (`timeoutMs`) passed before the operation ended.
 * @example
 * ```ts
 * trackOperation(request, { timeoutMs: 30 * 60_000 }).subscribe({ error: (e) => isLroError(e, 'timeout') && retryLater() });
 * ```
 */
export class TimeoutError extends LroError {
  override readonly name = 'TimeoutError' as const;
  readonly code = 'timeout' as const;
  constructor(readonly timeoutMs: number) {
    super(`The operation did not finish within ${timeoutMs} ms`);
  }
}

/**
 * A URL was refused by the origin or scheme rules (PROTOCOL S1, S2).
 * @example
 * ```ts
 * // Refused: the service pointed polling at another origin. Trust it explicitly if you must:
 * trackOperation(request, { allowedOrigins: ['https://westus.management.azure.com'] });
 * ```
 */
export class SecurityError extends LroError {
  override readonly name = 'SecurityError' as const;
  readonly code = 'security' as const;
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`Refused ${describeUrl(url)}: ${reason}`);
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
  constructor(
    readonly state: Exclude<OperationState, 'running' | 'succeeded'>,
    readonly status: string,
    readonly error: OperationError,
  ) {
    super(`The operation ${state === 'failed' ? 'failed' : 'was canceled'} (${status}): ${error.code}: ${error.message}`);
  }
}

/**
 * Every concrete rx-lro error class.
 * @example
 * ```ts
 * const describe = (e: LroErrorClass): string => (e.code === 'http' ? `HTTP ${e.status} from ${e.url}` : `${e.name}: ${e.message}`);
 * ```
 */
export type LroErrorClass = HttpError | NetworkError | ProtocolError | DecodeError | TimeoutError | SecurityError | OperationFailedError;
