import { asyncScheduler, isObservable, type Observable, type SchedulerLike } from 'rxjs';
import { fetchHttpClient, type FetchLike } from './http/fetch-client';
import type { HttpClient } from './http/http-client';
import type { RequestLimiter } from './request-limiter';
import type { ResultDecoder } from './protocol/decode';
import { constantDelay, defaultDelay, type DelayPolicy } from './protocol/delay';
import type { ProtocolSettings } from './protocol/operation';
import { statusTable, type TerminalStates } from './protocol/status';
import { originOf } from './protocol/url';
import type { FinalStateVia, LroMethod } from './snapshot';

/**
 * Per-request credentials: headers for one request, e.g. `{ authorization: 'Bearer …' }`.
 * @example
 * ```ts
 * const authorize: AuthorizeHook = async () => ({ authorization: `Bearer ${(await credential.getToken(scope))!.token}` });
 * ```
 */
export type AuthorizeHook = (request: { method: string; url: string }) => Record<string, string> | PromiseLike<Record<string, string>>;

/**
 * How transient faults (PROTOCOL F1) are retried; `false` turns retries off.
 * @example
 * ```ts
 * trackOperation(request, { retry: { maxRetries: 6, baseDelayMs: 500, maxDelayMs: 60_000, jitter: 0.5 } });
 * ```
 */
export interface RetryOptions {
  /** Retries after the first attempt. Default: 3. */
  maxRetries?: number;
  /** The first backoff; it doubles each retry. Default: 1000 ms. */
  baseDelayMs?: number;
  /** The longest backoff (a `Retry-After` is still clamped to `maxDelayMs`). Default: 30 000 ms. */
  maxDelayMs?: number;
  /** Random spread of each backoff, as a fraction (0.2 = ±20 %). Default: 0.2. */
  jitter?: number;
}

/**
 * Options of `pollOperation`, `trackOperation` and `resumeOperation`; every field is optional.
 * @example
 * ```ts
 * const options: PollOptions = { authorize, timeoutMs: 3_600_000, retry: { maxRetries: 5 } };
 * trackOperation(request, options);
 * ```
 */
export interface PollOptions<T = unknown> {
  /** The `fetch` to send requests with. Default: cross-fetch. Ignored when `http` is given. */
  fetch?: FetchLike;
  /** The network seam itself (requests in, one response out). Default: `fetchHttpClient(fetch)`. */
  http?: HttpClient;
  /** Headers sent with every poll and final GET (and the initial request of `trackOperation`). Default: none. */
  headers?: Record<string, string>;
  /** Credentials fetched per request (so long operations outlive a token); sent only to trusted origins (S1). */
  authorize?: AuthorizeHook;
  /** Origins besides the initial request's that polling and final URLs may point at (S1). Default: none. */
  allowedOrigins?: readonly string[];
  /** Maps every polling and final URL before it is checked and fetched, e.g. onto an API gateway. */
  rewriteUrl?: (url: string) => string;
  /** An io-ts codec for the final resource; the snapshot's `result` is typed by it. Default: none (unknown). */
  result?: ResultDecoder<T>;
  /** Where the final result is read from (X5). Default: by method, as PROTOCOL X1–X4 say. */
  finalStateVia?: FinalStateVia;
  /**
   * The `api-version` of every URL the service gives (polling, `Location`, `resourceLocation`),
   * replacing the one the service wrote there (PROTOCOL R15). Default: the initial request's, added
   * only where a URL has none.
   */
  apiVersion?: string;
  /** The wait between polls when the service sends no `Retry-After`: ms, or a policy. Default: 1 s doubling to 30 s. */
  delay?: number | DelayPolicy;
  /** Whether a `Retry-After` from the service wins over `delay`. Default: `'honor'`. */
  retryAfter?: 'honor' | 'ignore';
  /** The shortest wait between polls. Default: 0. */
  minDelayMs?: number;
  /** The longest wait between polls; also the ceiling of any `Retry-After`. Default: 600 000 (10 min). */
  maxDelayMs?: number;
  /** Overall deadline from subscription; then the stream errors with a `TimeoutError`. Default: none. */
  timeoutMs?: number;
  /** Deadline for each single request; a late one is a (retried) `NetworkError`. Default: none. */
  requestTimeoutMs?: number;
  /** Retries of transient faults (408, 429, 5xx, network errors). Default: `{ maxRetries: 3 }`. */
  retry?: RetryOptions | false;
  /** Extra status values that end the operation (R12). Default: none. */
  terminalStates?: TerminalStates;
  /** What a 404 while tracking a DELETE means (R14). Default: `'succeeded'`. */
  deleteNotFound?: 'succeeded' | 'error';
  /** The method of the initial request, for starts that do not carry it (a fetch `Response`). */
  method?: LroMethod;
  /** The scheduler of every wait. Default: `asyncScheduler` (virtual time under `TestScheduler.run`). */
  scheduler?: SchedulerLike;
  /** Response bodies above this size are a `ProtocolError` (F2). Default: 4 MiB. */
  maxBodyBytes?: number;
  /** The random source of retry jitter, in [0, 1). Default: `Math.random`. */
  random?: () => number;
  /**
   * A limiter shared by many trackers (`createRequestLimiter`): requests to one origin stay under
   * its concurrency cap and rate, and a `429` with `Retry-After` pauses every tracker of that origin.
   * Default: none (each tracker on its own).
   */
  limiter?: RequestLimiter;
  /**
   * Each emission ends the current wait between polls at once (a page that became visible again, a
   * user's "refresh"); `Retry-After` is the service's hint, this is the caller's decision.
   * Emissions while a request is in flight, and during subscription, are ignored. Default: none.
   */
  pollNow?: Observable<unknown>;
}

/** Options after validation, with every default filled in. */
export interface ResolvedOptions<T> {
  settings: ProtocolSettings<T>;
  http: HttpClient;
  headers: Record<string, string>;
  authorize?: AuthorizeHook;
  allowedOrigins: ReadonlySet<string>;
  rewriteUrl?: (url: string) => string;
  timeoutMs?: number;
  requestTimeoutMs?: number;
  retry: Required<RetryOptions>;
  method?: LroMethod;
  scheduler: SchedulerLike;
  random: () => number;
  limiter?: RequestLimiter;
  pollNow?: Observable<unknown>;
}

const METHODS: readonly string[] = ['PUT', 'PATCH', 'POST', 'DELETE'];
const FINAL_STATES: readonly string[] = ['azure-async-operation', 'operation-location', 'location', 'original-uri'];

// Every option name: a misspelt one is a TypeError rather than a silently ignored setting.
const OPTION_NAMES: readonly string[] = [
  'fetch',
  'http',
  'headers',
  'authorize',
  'allowedOrigins',
  'rewriteUrl',
  'result',
  'finalStateVia',
  'apiVersion',
  'delay',
  'retryAfter',
  'minDelayMs',
  'maxDelayMs',
  'timeoutMs',
  'requestTimeoutMs',
  'retry',
  'terminalStates',
  'deleteNotFound',
  'method',
  'scheduler',
  'maxBodyBytes',
  'random',
  'limiter',
  'pollNow',
];

function show(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function invalid(name: string, expected: string, value: unknown): TypeError {
  return new TypeError(`rx-lro: options.${name} must be ${expected}, got ${show(value)}`);
}

/** The longest delay a JavaScript timer honours: setTimeout and setInterval fire at once above it (T3). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

function duration(options: Record<string, unknown>, name: string, allowZero = true, max = MAX_TIMER_MS): number | undefined {
  const value = options[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max || (!allowZero && value === 0)) {
    const range = max === MAX_TIMER_MS ? ` and at most ${MAX_TIMER_MS} (about 24.8 days)` : '';
    throw invalid(name, `${allowZero ? 'a finite number >= 0' : 'a finite number > 0'}${range} (milliseconds)`, value);
  }
  return value;
}

function fn<F>(options: Record<string, unknown>, name: string): F | undefined {
  const value = options[name];
  if (value !== undefined && typeof value !== 'function') throw invalid(name, 'a function', value);
  return value as F | undefined;
}

function oneOf<V extends string>(options: Record<string, unknown>, name: string, values: readonly string[]): V | undefined {
  const value = options[name];
  if (value !== undefined && !values.includes(value as string)) {
    throw invalid(name, `one of ${values.map((v) => `'${v}'`).join(', ')}`, value);
  }
  return value as V | undefined;
}

function stringRecord(options: Record<string, unknown>, name: string): Record<string, string> {
  const value = options[name];
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(name, 'an object of header strings', value);
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') throw invalid(`${name}[${JSON.stringify(key)}]`, 'a string', item);
  }
  return { ...(value as Record<string, string>) };
}

function retryOptions(value: unknown): Required<RetryOptions> {
  if (value === false) return { maxRetries: 0, baseDelayMs: 0, maxDelayMs: 0, jitter: 0 };
  if (value !== undefined && (typeof value !== 'object' || value === null)) throw invalid('retry', 'false or an object', value);
  const retry = (value ?? {}) as Record<string, unknown>;
  const maxRetries = retry['maxRetries'] ?? 3;
  if (typeof maxRetries !== 'number' || !Number.isInteger(maxRetries) || maxRetries < 0 || maxRetries > 100) {
    throw invalid('retry.maxRetries', 'an integer from 0 to 100', maxRetries);
  }
  const jitter = retry['jitter'] ?? 0.2;
  if (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1)) throw invalid('retry.jitter', 'a number from 0 to 1', jitter);
  const baseDelayMs = duration(retry, 'baseDelayMs') ?? 1000;
  const maxDelayMs = duration(retry, 'maxDelayMs') ?? 30_000;
  return { maxRetries, baseDelayMs, maxDelayMs, jitter };
}

function terminalStates(value: unknown): TerminalStates {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('terminalStates', 'an object like { succeeded?: string[], failed?: string[], canceled?: string[] }', value);
  }
  for (const [key, list] of Object.entries(value)) {
    if (!['succeeded', 'failed', 'canceled'].includes(key))
      throw invalid(`terminalStates.${key}`, 'absent (use succeeded, failed or canceled)', list);
    if (!Array.isArray(list) || list.some((s) => typeof s !== 'string' || s === '')) {
      throw invalid(`terminalStates.${key}`, 'an array of non-empty strings', list);
    }
  }
  return value as TerminalStates;
}

function origins(value: unknown): ReadonlySet<string> {
  if (value === undefined) return new Set();
  if (!Array.isArray(value)) throw invalid('allowedOrigins', 'an array of origins like "https://example.com"', value);
  return new Set(
    value.map((item) => {
      const origin = typeof item === 'string' ? originOf(item) : undefined;
      if (origin === undefined) throw invalid('allowedOrigins[]', 'an absolute http(s) URL or origin', item);
      return origin;
    }),
  );
}

/**
 * Validates options eagerly (a programmer error fails at call time with a precise `TypeError`, not
 * minutes later mid-poll) and fills in every default.
 */
export function resolveOptions<T>(input: PollOptions<T> | undefined): ResolvedOptions<T> {
  if (input !== undefined && (typeof input !== 'object' || input === null)) {
    throw new TypeError(`rx-lro: options must be an object, got ${show(input)}`);
  }
  const options = (input ?? {}) as Record<string, unknown>;
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.includes(name)) {
      const near = OPTION_NAMES.find((known) => known.toLowerCase() === name.toLowerCase());
      throw new TypeError(`rx-lro: unknown option ${JSON.stringify(name)}${near ? ` (did you mean ${JSON.stringify(near)}?)` : ''}`);
    }
  }
  const delayOption = options['delay'];
  let delay: DelayPolicy = defaultDelay;
  if (typeof delayOption === 'number') delay = constantDelay(duration(options, 'delay')!);
  else if (typeof delayOption === 'function') delay = delayOption as DelayPolicy;
  else if (delayOption !== undefined) throw invalid('delay', 'a number of milliseconds or a delay policy function', delayOption);

  const minDelayMs = duration(options, 'minDelayMs') ?? 0;
  const maxDelayMs = duration(options, 'maxDelayMs') ?? 600_000;
  if (minDelayMs > maxDelayMs) throw invalid('minDelayMs', `at most options.maxDelayMs (${maxDelayMs})`, minDelayMs);

  const result = options['result'];
  if (
    result !== undefined &&
    (typeof result !== 'object' || result === null || typeof (result as { decode?: unknown }).decode !== 'function')
  ) {
    throw invalid('result', 'an io-ts codec (an object with a decode function)', result);
  }
  const scheduler = options['scheduler'];
  if (
    scheduler !== undefined &&
    (typeof scheduler !== 'object' ||
      scheduler === null ||
      typeof (scheduler as SchedulerLike).schedule !== 'function' ||
      typeof (scheduler as SchedulerLike).now !== 'function')
  ) {
    throw invalid('scheduler', 'an RxJS scheduler', scheduler);
  }
  const maxBodyBytes = duration(options, 'maxBodyBytes', false, Number.MAX_VALUE);
  const fetchImpl = fn<FetchLike>(options, 'fetch');
  const http = fn<HttpClient>(options, 'http') ?? fetchHttpClient(fetchImpl, maxBodyBytes === undefined ? {} : { maxBodyBytes });

  const settings: ProtocolSettings<T> = {
    statuses: statusTable(terminalStates(options['terminalStates'])),
    delay,
    retryAfter: oneOf<'honor' | 'ignore'>(options, 'retryAfter', ['honor', 'ignore']) ?? 'honor',
    minDelayMs,
    maxDelayMs,
    deleteNotFound: oneOf<'succeeded' | 'error'>(options, 'deleteNotFound', ['succeeded', 'error']) ?? 'succeeded',
  };
  const finalStateVia = oneOf<FinalStateVia>(options, 'finalStateVia', FINAL_STATES);
  if (finalStateVia !== undefined) settings.finalStateVia = finalStateVia;
  const apiVersion = options['apiVersion'];
  if (apiVersion !== undefined) {
    if (typeof apiVersion !== 'string' || !/^[\w.-]+$/.test(apiVersion)) {
      throw invalid('apiVersion', 'a non-empty api-version such as "2024-01-01"', apiVersion);
    }
    settings.apiVersion = apiVersion;
  }
  if (result !== undefined) settings.result = result as ResultDecoder<T>;

  const resolved: ResolvedOptions<T> = {
    settings,
    http,
    headers: stringRecord(options, 'headers'),
    allowedOrigins: origins(options['allowedOrigins']),
    retry: retryOptions(options['retry']),
    scheduler: (scheduler as SchedulerLike | undefined) ?? asyncScheduler,
    random: fn<() => number>(options, 'random') ?? Math.random,
  };
  const authorize = fn<AuthorizeHook>(options, 'authorize');
  if (authorize) resolved.authorize = authorize;
  const rewriteUrl = fn<(url: string) => string>(options, 'rewriteUrl');
  if (rewriteUrl) resolved.rewriteUrl = rewriteUrl;
  const timeoutMs = duration(options, 'timeoutMs', false);
  if (timeoutMs !== undefined) resolved.timeoutMs = timeoutMs;
  const requestTimeoutMs = duration(options, 'requestTimeoutMs', false);
  if (requestTimeoutMs !== undefined) resolved.requestTimeoutMs = requestTimeoutMs;
  const method = oneOf<LroMethod>(options, 'method', METHODS);
  if (method !== undefined) resolved.method = method;
  const limiter = options['limiter'];
  if (limiter !== undefined) {
    const l = limiter as Partial<RequestLimiter> | null;
    if (typeof l !== 'object' || l === null || typeof l.run !== 'function' || typeof l.pause !== 'function') {
      throw invalid('limiter', 'a limiter from createRequestLimiter()', limiter);
    }
    resolved.limiter = l as RequestLimiter;
  }
  const pollNow = options['pollNow'];
  if (pollNow !== undefined) {
    if (!isObservable(pollNow)) throw invalid('pollNow', 'an Observable', pollNow);
    resolved.pollNow = pollNow;
  }
  return resolved;
}
