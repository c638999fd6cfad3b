// The requests a tracker sends, and what it does about redirects, throttling and lost answers. Pure.
import type { LroMethod, ResumeToken } from '../snapshot';
import type { HttpRequest, HttpResponse } from './http-response';
import { finalResponse, operationKey, pollResponse, startOperation, type ProtocolSettings, type Step, type TrackState } from './operation';
import { retryAfterMs } from './retry-after';
import { resolveUrl } from './url';

/** The three kinds of request a tracker sends: the one that starts the operation, polls, and the final GET. */
export type Leg = 'initial' | 'poll' | 'final';

/** What the protocol makes of the answer to a request of `leg` sent to `url` (the initial response, a poll's or the final GET's). */
export function readAnswer<T>(
  leg: Leg,
  state: TrackState | undefined,
  initial: { method: LroMethod; url: string },
  response: HttpResponse,
  url: string,
  settings: ProtocolSettings<T>,
  nowMs: number,
): Step<T> {
  if (leg === 'initial') return startOperation(initial, response, settings, nowMs);
  if (leg === 'poll') return pollResponse(state!, response, settings, nowMs);
  return finalResponse(state!, response, url, settings);
}

/** The headers of every request a tracker sends: JSON accepted, then the caller's own. */
export function requestHeaders(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return { accept: 'application/json', ...headers };
}

/** A poll or the final GET: a read of `url`. */
export function readRequest(url: string, headers: Record<string, string>): HttpRequest {
  return { method: 'GET', url, headers };
}

// PUT, DELETE and GET may be sent twice with the same effect.
const IDEMPOTENT: ReadonlySet<string> = new Set(['PUT', 'DELETE', 'GET']);

/** Whether a request whose answer was lost may be sent again: the idempotent PUT, DELETE and GET (F1). */
export function isResendable(method: string): boolean {
  return IDEMPOTENT.has(method);
}

/**
 * Whether a network error (no answer) is retried on `leg` (F1). Polls and final GETs are reads,
 * retried whatever the operation's method; a POST or PATCH may already have been applied when the
 * connection broke, so only an idempotent initial request is sent again. A transient status code is
 * retried on every leg.
 */
export function retriesNetworkError(leg: Leg, method: string): boolean {
  return leg !== 'initial' || isResendable(method);
}

const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
/** Redirect hops followed from one poll or final GET. */
export const MAX_REDIRECTS = 5;

/**
 * Where a poll or final GET answered by a redirect goes next, `hops` redirects in; `undefined` when
 * the answer is not a redirect to follow (the protocol then reads it as it is). Redirects are followed
 * by the tracker, not by `fetch`, so that each hop passes the origin rules (S1) and gets the
 * credentials of its own origin only.
 */
export function redirectTarget(leg: Leg, response: HttpResponse, from: string, hops: number): string | undefined {
  if (leg === 'initial' || !REDIRECTS.has(response.status) || hops >= MAX_REDIRECTS) return undefined;
  return resolveUrl(response.headers['location'], from);
}

/**
 * How long a `429` with `Retry-After` holds every tracker of its origin that shares a limiter:
 * the service's wait, clamped to `maxDelayMs`; `undefined` for any other answer.
 */
export function throttleWait(response: HttpResponse, nowMs: number, maxDelayMs: number): number | undefined {
  if (response.status !== 429) return undefined;
  const wait = retryAfterMs(response.headers, nowMs);
  return wait === undefined ? undefined : Math.min(wait, maxDelayMs);
}

/**
 * The state a resumed tracker starts from. The caller's key wins; a token from before keys were kept
 * is known by its URLs, as at the start. A token of an operation with nothing to poll (mode `none`,
 * a `201` taken as done) polls the resource itself. It polls at once: the wait it was in when the
 * token was taken has passed.
 */
export function resumedState(token: ResumeToken, key: string | undefined): TrackState {
  const withKey = key ?? operationKey(token);
  const resumed: ResumeToken =
    token.mode === 'none' ? { ...token, mode: 'body', pollUrl: token.url, key: withKey } : { ...token, key: withKey };
  return { token: resumed, polls: 0, status: 'InProgress', percentComplete: undefined, operation: undefined };
}

/** The key of a tracker: its state's, or before it has one, the key its initial request gives. */
export function trackerKey(state: TrackState | undefined, key: string | undefined, request: { method: LroMethod; url: string }): string {
  return state?.token.key ?? operationKey({ key, method: request.method, url: request.url, mode: 'none' });
}
