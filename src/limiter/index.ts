// rx-lro/limiter: one limiter shared by many trackers, passed to each as `options.limiter`. Its own
// entry, so that apps that do not use it do not ship it.
import { Observable, asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import type { LimiterOriginState, RequestLimiter } from 'rx-lro';
import { MAX_TIMER_MS } from '../protocol/delay';

export type { LimiterOriginState, RequestLimiter };

/**
 * Options of `createRequestLimiter`. Every limit applies per origin (`scheme://host:port`).
 * @example
 * ```ts
 * createRequestLimiter({ maxConcurrent: 4, requestsPerSecond: 10 });
 * ```
 */
export interface RequestLimiterOptions {
  /** The most requests in flight at once to one origin. Default: unlimited. */
  maxConcurrent?: number;
  /** The most requests started per second to one origin, evenly spaced. Default: unlimited. */
  requestsPerSecond?: number;
  /** The scheduler of the limiter's waits (virtual time under `TestScheduler.run`). Default: `asyncScheduler`. */
  scheduler?: SchedulerLike;
}

interface Waiting {
  start: () => void;
}

interface Lane {
  active: number;
  queue: Waiting[];
  nextStartAt: number;
  pausedUntil: number;
  timer?: Subscription;
  timerAt?: number;
}

function limit(name: string, value: number | undefined): number {
  if (value === undefined) return Infinity;
  if (typeof value !== 'number' || !(value > 0) || Number.isNaN(value)) {
    throw new TypeError(`rx-lro: createRequestLimiter option ${name} must be a number > 0, got ${String(value)}`);
  }
  return value;
}

/**
 * Creates a limiter to share between trackers (pass it as `options.limiter` to each).
 *
 * @example
 * const limiter = createRequestLimiter({ maxConcurrent: 4, requestsPerSecond: 10 });
 * merge(...requests.map((r) => trackOperation(r, { limiter }))).subscribe(render);
 */
export function createRequestLimiter(options: RequestLimiterOptions = {}): RequestLimiter {
  if (typeof options !== 'object' || options === null) throw new TypeError('rx-lro: createRequestLimiter expects an options object');
  const maxConcurrent = limit('maxConcurrent', options.maxConcurrent);
  const spacingMs = 1000 / limit('requestsPerSecond', options.requestsPerSecond);
  const scheduler = options.scheduler ?? asyncScheduler;
  if (typeof scheduler.now !== 'function' || typeof scheduler.schedule !== 'function') {
    throw new TypeError('rx-lro: createRequestLimiter option scheduler must be an RxJS scheduler');
  }
  const lanes = new Map<string, Lane>();

  const lane = (origin: string): Lane => {
    let found = lanes.get(origin);
    if (!found) {
      found = { active: 0, queue: [], nextStartAt: -Infinity, pausedUntil: -Infinity };
      lanes.set(origin, found);
    }
    return found;
  };

  // An idle origin with nothing to remember is forgotten, so the map does not grow without bound.
  const tidy = (origin: string, l: Lane): void => {
    if (l.active === 0 && l.queue.length === 0 && !l.timer && l.pausedUntil <= scheduler.now() && l.nextStartAt <= scheduler.now()) {
      lanes.delete(origin);
    }
  };

  const pump = (origin: string): void => {
    const l = lanes.get(origin);
    if (!l) return;
    while (l.queue.length > 0 && l.active < maxConcurrent) {
      const now = scheduler.now();
      const readyAt = Math.max(l.pausedUntil, l.nextStartAt);
      if (now < readyAt) {
        if (l.timer && l.timerAt === readyAt) return;
        l.timer?.unsubscribe();
        l.timerAt = readyAt;
        // Never beyond what a timer honours (it would fire at once, and again, and again).
        l.timer = scheduler.schedule(
          () => {
            l.timer = undefined;
            l.timerAt = undefined;
            pump(origin);
          },
          Math.min(readyAt - now, MAX_TIMER_MS),
        );
        return;
      }
      const next = l.queue.shift()!;
      l.active += 1;
      l.nextStartAt = now + spacingMs;
      next.start();
    }
    if (l.queue.length === 0 && l.timer) {
      l.timer.unsubscribe();
      l.timer = undefined;
      l.timerAt = undefined;
    }
    tidy(origin, l);
  };

  return {
    run: <V>(origin: string, request$: Observable<V>) =>
      new Observable<V>((subscriber) => {
        const l = lane(origin);
        let inner: Subscription | undefined;
        let released = false;
        const release = (): void => {
          if (released) return;
          released = true;
          l.active -= 1;
          pump(origin);
        };
        const waiting: Waiting = {
          start: () => {
            inner = request$.subscribe({
              next: (value) => subscriber.next(value),
              error: (error: unknown) => {
                release();
                subscriber.error(error);
              },
              complete: () => {
                release();
                subscriber.complete();
              },
            });
          },
        };
        l.queue.push(waiting);
        pump(origin);
        return () => {
          const at = l.queue.indexOf(waiting);
          if (at >= 0) {
            l.queue.splice(at, 1);
            pump(origin);
          } else if (inner) {
            inner.unsubscribe();
            release();
          }
        };
      }),
    pause: (origin, forMs) => {
      if (!(forMs > 0) || !Number.isFinite(forMs)) return;
      const untilMs = scheduler.now() + forMs;
      const l = lane(origin);
      if (untilMs <= l.pausedUntil) return;
      l.pausedUntil = untilMs;
      pump(origin);
    },
    state: (origin) => {
      const l = lanes.get(origin);
      const state: LimiterOriginState = { active: l?.active ?? 0, queued: l?.queue.length ?? 0 };
      if (l && l.pausedUntil > scheduler.now()) state.pausedUntil = l.pausedUntil;
      return state;
    },
  };
}
