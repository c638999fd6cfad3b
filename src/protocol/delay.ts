import type { HttpResponse } from './http-response';
import { retryAfterMs } from './retry-after';

/** The longest delay a JavaScript timer honours: setTimeout and setInterval fire at once above it (T3). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * What a delay policy knows when it picks the wait before the next poll.
 * @example
 * ```ts
 * const delay: DelayPolicy = ({ polls, response }) => (response.status === 202 ? 5_000 : 1_000 * 2 ** polls);
 * ```
 */
export interface DelayContext {
  /** Requests sent so far after the initial one. */
  polls: number;
  /** The response the wait follows. */
  response: HttpResponse;
}

/**
 * Picks the wait before the next poll, in milliseconds, when the service gave no `Retry-After`.
 * @example
 * ```ts
 * const policy: DelayPolicy = ({ polls }) => Math.min(60_000, 2_000 * (polls + 1));
 * trackOperation(request, { delay: policy });
 * ```
 */
export type DelayPolicy = (context: DelayContext) => number;

/**
 * Waits `baseMs`, then twice as long each poll, never more than `capMs` (rule T2).
 *
 * @example
 * trackOperation(request, { delay: exponentialBackoff(500, 10_000) })
 */
export function exponentialBackoff(baseMs = 1000, capMs = 30_000): DelayPolicy {
  // 2 ** polls overflows to Infinity long after the cap is reached, so Math.min keeps it finite.
  return ({ polls }) => Math.min(baseMs * 2 ** polls, capMs);
}

/**
 * Waits the same time before every poll.
 * @example
 * ```ts
 * trackOperation(request, { delay: constantDelay(5_000) });
 * ```
 */
export function constantDelay(ms: number): DelayPolicy {
  return () => ms;
}

/**
 * The default policy of rule T2: 1 s, 2 s, 4 s, … capped at 30 s.
 * @example
 * ```ts
 * const slower: DelayPolicy = (context) => 2 * defaultDelay(context);
 * ```
 */
export const defaultDelay: DelayPolicy = exponentialBackoff();

/** The settings the wait before a poll is computed from (rule T1–T4). */
export interface DelaySettings {
  delay: DelayPolicy;
  retryAfter: 'honor' | 'ignore';
  minDelayMs: number;
  maxDelayMs: number;
}

/**
 * The wait before the next request: the response's `Retry-After` unless ignored, else the policy;
 * a policy value that is not a finite non-negative number falls back to the default policy; the
 * result is clamped to `[minDelayMs, maxDelayMs]`, so no value becomes a timer overflow.
 */
export function nextDelayMs(settings: DelaySettings, context: DelayContext, nowMs: number): number {
  let ms = settings.retryAfter === 'honor' ? retryAfterMs(context.response.headers, nowMs) : undefined;
  if (ms === undefined) {
    ms = settings.delay(context);
    if (typeof ms !== 'number' || !(ms >= 0) || !Number.isFinite(ms)) ms = defaultDelay(context);
  }
  return Math.min(Math.max(ms, settings.minDelayMs), settings.maxDelayMs);
}

/** The backoff of a transient-fault retry (rule F1). */
export interface RetrySettings {
  baseDelayMs: number;
  maxDelayMs: number;
  jitter: number;
}

/**
 * The wait before retry number `attempt + 1`: the response's `Retry-After` when it has one (a 429 or
 * 503 says when to come back), else `baseDelayMs` doubling each attempt up to `maxDelayMs`, spread
 * by ±`jitter` so that trackers failing together do not retry together; never above `ceilingMs`.
 *
 * @param random a number in [0, 1)
 */
export function retryDelayMs(
  retry: RetrySettings,
  attempt: number,
  response: HttpResponse | undefined,
  random: number,
  nowMs: number,
  ceilingMs: number,
): number {
  let ms = response === undefined ? undefined : retryAfterMs(response.headers, nowMs);
  if (ms === undefined) {
    ms = Math.min(retry.baseDelayMs * 2 ** attempt, retry.maxDelayMs) * (1 + retry.jitter * (2 * random - 1));
  }
  return Math.min(Math.max(ms, 0), ceilingMs);
}
