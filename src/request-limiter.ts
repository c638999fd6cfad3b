import type { Observable } from 'rxjs';

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
