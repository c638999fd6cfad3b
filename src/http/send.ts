// Sending one request of a tracker: its credentials, its own deadline and the shared limiter (whose contract is here),
// around the HTTP client.
import { from, switchMap, tap, throwError, timeout, type Observable } from 'rxjs';
import { NetworkError } from '../errors';
import type { ResolvedOptions } from '../options';
import type { HttpRequest, HttpResponse } from '../protocol/http-response';
import { throttleWait } from '../protocol/requests';
import { originOf } from '../protocol/url';
import { isPromiseLike } from '../values';
import { cleartextCredentials } from './guard';

/**
 * What a limiter holds for one origin right now.
 * @example
 * ```ts
 * const { active, queued, pausedUntil } = limiter.state('https://management.azure.com');
 * ```
 */
export interface LimiterOriginState {
  active: number;
  queued: number;
  /** Scheduler time until which every request to the origin waits (a `429` with `Retry-After`). */
  pausedUntil?: number;
}

/**
 * A request limiter shared by many trackers (the `limiter` option): requests to one origin stay under
 * a concurrency cap and a request rate, and a `429` with `Retry-After` seen by any tracker pauses all
 * of them until then. Requests wait in the order they were made; a tracker unsubscribed while its
 * request waits leaves the queue at once.
 * @example
 * ```ts
 * const limiter: RequestLimiter = createRequestLimiter({ maxConcurrent: 8 });
 * merge(a$, b$).subscribe(); // both created with { limiter }
 * ```
 */
export interface RequestLimiter {
  /** Runs `request$` when `origin` has room; unsubscribing before that just leaves the queue. */
  run<V>(origin: string, request$: Observable<V>): Observable<V>;
  /** Holds every request to `origin` for `forMs` from now (never shortens a pause already set). */
  pause(origin: string, forMs: number): void;
  /** The state of one origin, for dashboards and tests. */
  state(origin: string): LimiterOriginState;
}

/** A tracker's way of sending one request: cold, one response or an error. */
export type Send = (request: HttpRequest) => Observable<HttpResponse>;

/** How every request of a tracker is sent, from its options. */
export function sender(options: ResolvedOptions<unknown>): Send {
  const { http, authorize, requestTimeoutMs, limiter, scheduler, settings } = options;

  // Credentials are asked for per request, so a token that expires mid-operation is renewed.
  const authorized = (request: HttpRequest): Observable<HttpResponse> => {
    if (!authorize) return http(request);
    const credentials = authorize({ method: request.method, url: request.url });
    const withCredentials = (headers: Record<string, string>): Observable<HttpResponse> =>
      http({ ...request, headers: { ...request.headers, ...headers } });
    return isPromiseLike<Record<string, string>>(credentials)
      ? from(credentials).pipe(switchMap(withCredentials))
      : withCredentials(credentials);
  };

  // The per-request deadline starts when the request is sent, not while it waits in a limiter.
  const timed = (request: HttpRequest): Observable<HttpResponse> => {
    const response$ = authorized(request);
    if (requestTimeoutMs === undefined) return response$;
    const late = (): Observable<never> =>
      throwError(() => new NetworkError(request.method, request.url, `no response within ${requestTimeoutMs} ms`));
    return response$.pipe(timeout({ first: requestTimeoutMs, scheduler, with: late }));
  };

  return (request) => {
    const leak = cleartextCredentials(request.url, request.headers, authorize !== undefined);
    if (leak) return throwError(() => leak);
    if (!limiter) return timed(request);
    const origin = originOf(request.url) ?? request.url;
    return limiter.run(origin, timed(request)).pipe(
      tap((response) => {
        // A 429 with Retry-After holds every tracker of this origin that shares the limiter.
        const wait = throttleWait(response, scheduler.now(), settings.maxDelayMs);
        if (wait !== undefined) limiter.pause(origin, wait);
      }),
    );
  };
}
