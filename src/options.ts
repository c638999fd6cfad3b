import { asyncScheduler, isObservable, type Observable, type SchedulerLike } from 'rxjs';
import { fetchHttpClient, type FetchLike } from './http/fetch-client';
import type { HttpClient } from './http/http-client';
import type { RequestLimiter } from './http/send';
import type { ResultDecoder } from './protocol/decode';
import { MAX_TIMER_MS, constantDelay, defaultDelay, type DelayPolicy } from './protocol/delay';
import type { ProtocolSettings } from './protocol/operation';
import { statusTable, type TerminalStates } from './protocol/status';
import { originOf } from './protocol/url';
import { isObject } from './values';
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
 * How transient faults (rule F1) are retried; `false` turns retries off.
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
  /** The `fetch` to send requests with. Default: the platform's own `fetch` (cross-fetch, loaded on first use, where there is none). Not with `http`, which sends requests itself. */
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
  /** Where the final result is read from (X5). Default: by method, as rules X1–X4 say. */
  finalStateVia?: FinalStateVia;
  /**
   * The `api-version` of every URL the service gives (polling, `Location`, `resourceLocation`),
   * replacing the one the service wrote there (rule R15). Default: the initial request's, added
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
  /** Response bodies above this size are a `ProtocolError` (F2). Default: 4 MiB. Not with `http` (give the cap to its client). */
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
  /**
   * The operation's identity, the snapshots' `key` (a store's key, a row id). Default: the status
   * monitor or `Location` URL without its query, else the method and initial URL. One operation
   * only: `pollOperation` refuses it (give each start its own with `fromStart`).
   */
  key?: string;
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

/** Checks one option's value (never `undefined`) and returns it as the resolver keeps it. */
type Rule = (value: unknown, name: string) => unknown;

function show(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function invalid(name: string, expected: string, value: unknown): never {
  throw new TypeError(`rx-lro: options.${name} must be ${expected}, got ${show(value)}`);
}

// A duration in milliseconds, at most what a timer honours.
const ms =
  (allowZero: boolean): Rule =>
  (value, name) =>
    typeof value === 'number' && value >= (allowZero ? 0 : Number.MIN_VALUE) && value <= MAX_TIMER_MS
      ? value
      : invalid(name, `a finite number ${allowZero ? '>=' : '>'} 0 and at most ${MAX_TIMER_MS} (about 24.8 days) (milliseconds)`, value);

const func: Rule = (value, name) => (typeof value === 'function' ? value : invalid(name, 'a function', value));

const oneOf =
  (...values: string[]): Rule =>
  (value, name) =>
    values.includes(value as string) ? value : invalid(name, `one of ${values.map((v) => `'${v}'`).join(', ')}`, value);

// An object with these methods (a scheduler, a limiter, a codec).
const withMethods =
  (expected: string, ...methods: string[]): Rule =>
  (value, name) =>
    isObject(value) && methods.every((m) => typeof value[m] === 'function') ? value : invalid(name, expected, value);

/** Checks every field of `input` by its rule; a name without a rule is a TypeError, with a hint for a near miss. */
function checkFields(input: Record<string, unknown>, rules: Record<string, Rule>, prefix: string): Record<string, unknown> {
  const checked: Record<string, unknown> = {};
  for (const name of Object.keys(input)) {
    const rule = Object.prototype.hasOwnProperty.call(rules, name) ? rules[name] : undefined;
    if (!rule) {
      const near = Object.keys(rules).find((known) => known.toLowerCase() === name.toLowerCase());
      throw new TypeError(
        `rx-lro: unknown option ${JSON.stringify(prefix + name)}${near ? ` (did you mean ${JSON.stringify(prefix + near)}?)` : ''}`,
      );
    }
    if (input[name] !== undefined) checked[name] = rule(input[name], prefix + name);
  }
  return checked;
}

const DEFAULT_RETRY: Required<RetryOptions> = { maxRetries: 3, baseDelayMs: 1000, maxDelayMs: 30_000, jitter: 0.2 };

const RETRY_RULES: Record<keyof RetryOptions, Rule> = {
  maxRetries: (value, name) =>
    Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 100
      ? value
      : invalid(name, 'an integer from 0 to 100', value),
  baseDelayMs: ms(true),
  maxDelayMs: ms(true),
  jitter: (value, name) => (typeof value === 'number' && value >= 0 && value <= 1 ? value : invalid(name, 'a number from 0 to 1', value)),
};

// One rule per option: the compiler holds this table to PollOptions, so an option cannot go unchecked.
// Exported for the tests (not public: src/index.ts leaves it out), which derive the option list from it.
export const OPTION_RULES: Readonly<Record<keyof PollOptions, Rule>> = {
  fetch: func,
  http: func,
  headers: (value, name) => {
    if (!isObject(value) || Array.isArray(value)) invalid(name, 'an object of header strings', value);
    for (const [key, item] of Object.entries(value)) {
      if (typeof item !== 'string') invalid(`${name}[${JSON.stringify(key)}]`, 'a string', item);
    }
    return { ...value };
  },
  authorize: func,
  allowedOrigins: (value, name) => {
    if (!Array.isArray(value)) invalid(name, 'an array of origins like "https://example.com"', value);
    return new Set(
      value.map(
        (item: unknown) => (typeof item === 'string' && originOf(item)) || invalid(`${name}[]`, 'an absolute http(s) URL or origin', item),
      ),
    );
  },
  rewriteUrl: func,
  result: withMethods('an io-ts codec (an object with a decode function)', 'decode'),
  finalStateVia: oneOf('azure-async-operation', 'operation-location', 'location', 'original-uri'),
  apiVersion: (value, name) =>
    typeof value === 'string' && /^[\w.-]+$/.test(value) ? value : invalid(name, 'a non-empty api-version such as "2024-01-01"', value),
  delay: (value, name) =>
    typeof value === 'function'
      ? value
      : typeof value === 'number'
        ? constantDelay(ms(true)(value, name) as number)
        : invalid(name, 'a number of milliseconds or a delay policy function', value),
  retryAfter: oneOf('honor', 'ignore'),
  minDelayMs: ms(true),
  maxDelayMs: ms(true),
  timeoutMs: ms(false),
  requestTimeoutMs: ms(false),
  retry: (value, name) => {
    if (value === false) return { maxRetries: 0, baseDelayMs: 0, maxDelayMs: 0, jitter: 0 };
    if (!isObject(value)) return invalid(name, 'false or an object', value);
    return { ...DEFAULT_RETRY, ...checkFields(value, RETRY_RULES, `${name}.`) };
  },
  terminalStates: (value, name) => {
    if (!isObject(value) || Array.isArray(value)) {
      invalid(name, 'an object like { succeeded?: string[], failed?: string[], canceled?: string[] }', value);
    }
    for (const [key, list] of Object.entries(value)) {
      if (!['succeeded', 'failed', 'canceled'].includes(key)) invalid(`${name}.${key}`, 'absent (use succeeded, failed or canceled)', list);
      if (!Array.isArray(list) || list.some((s) => typeof s !== 'string' || s === '')) {
        invalid(`${name}.${key}`, 'an array of non-empty strings', list);
      }
    }
    return value;
  },
  deleteNotFound: oneOf('succeeded', 'error'),
  method: oneOf('PUT', 'PATCH', 'POST', 'DELETE', 'GET'),
  scheduler: withMethods('an RxJS scheduler', 'schedule', 'now'),
  maxBodyBytes: (value, name) =>
    typeof value === 'number' && value > 0 && value <= Number.MAX_VALUE ? value : invalid(name, 'a finite number > 0 (bytes)', value),
  random: func,
  limiter: withMethods('a limiter from createRequestLimiter()', 'run', 'pause'),
  pollNow: (value, name) => (isObservable(value) ? value : invalid(name, 'an Observable', value)),
  key: (value, name) =>
    typeof value === 'string' && value !== '' && value.length <= 1024
      ? value
      : invalid(name, 'a non-empty string of at most 1024 characters', value),
};

// Options that cannot be given together: the second one would be ignored without a word.
const CONFLICTS: ReadonlyArray<[keyof PollOptions, keyof PollOptions, string]> = [
  ['http', 'fetch', 'the http client sends every request itself'],
  ['http', 'maxBodyBytes', 'give the cap to the http client (fetchHttpClient(fetch, { maxBodyBytes }), nodeHttpClient({ maxBodyBytes }))'],
];

/**
 * Validates options eagerly (a programmer error fails at call time with a precise `TypeError`, not
 * minutes later mid-poll) and fills in every default.
 */
export function resolveOptions<T>(input: PollOptions<T> | undefined): ResolvedOptions<T> {
  if (input !== undefined && !isObject(input)) throw new TypeError(`rx-lro: options must be an object, got ${show(input)}`);
  const o = checkFields(input ?? {}, OPTION_RULES, '') as Omit<PollOptions<T>, 'delay' | 'retry' | 'allowedOrigins'> & {
    delay?: DelayPolicy;
    retry?: Required<RetryOptions>;
    allowedOrigins?: ReadonlySet<string>;
  };
  for (const [first, second, why] of CONFLICTS) {
    if (o[first] !== undefined && o[second] !== undefined) {
      throw new TypeError(`rx-lro: options.${first} and options.${second} cannot be given together: ${why}`);
    }
  }
  const { minDelayMs = 0, maxDelayMs = 600_000, maxBodyBytes } = o;
  if (minDelayMs > maxDelayMs) invalid('minDelayMs', `at most options.maxDelayMs (${maxDelayMs})`, minDelayMs);
  const settings: ProtocolSettings<T> = {
    statuses: statusTable(o.terminalStates),
    delay: o.delay ?? defaultDelay,
    retryAfter: o.retryAfter ?? 'honor',
    minDelayMs,
    maxDelayMs,
    deleteNotFound: o.deleteNotFound ?? 'succeeded',
  };
  if (o.finalStateVia) settings.finalStateVia = o.finalStateVia;
  if (o.apiVersion) settings.apiVersion = o.apiVersion;
  if (o.result) settings.result = o.result;
  if (o.key !== undefined) settings.key = o.key;
  const resolved: ResolvedOptions<T> = {
    settings,
    http: o.http ?? fetchHttpClient(o.fetch, maxBodyBytes === undefined ? {} : { maxBodyBytes }),
    headers: o.headers ?? {},
    allowedOrigins: o.allowedOrigins ?? new Set(),
    retry: o.retry ?? DEFAULT_RETRY,
    scheduler: o.scheduler ?? asyncScheduler,
    random: o.random ?? Math.random,
  };
  for (const name of ['authorize', 'rewriteUrl', 'timeoutMs', 'requestTimeoutMs', 'method', 'limiter', 'pollNow'] as const) {
    if (o[name] !== undefined) (resolved as unknown as Record<string, unknown>)[name] = o[name];
  }
  return resolved;
}
