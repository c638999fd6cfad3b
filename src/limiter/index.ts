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
  return new OriginLimiter(maxConcurrent, spacingMs, scheduler);
}

/** One lane of waiting and running requests per origin. */
class OriginLimiter implements RequestLimiter {
  private readonly lanes = new Map<string, Lane>();

  constructor(
    private readonly maxConcurrent: number,
    private readonly spacingMs: number,
    private readonly scheduler: SchedulerLike,
  ) {}

  // Arrow fields, so that the methods may be passed around on their own.
  run = <V>(origin: string, request$: Observable<V>): Observable<V> =>
    new Observable<V>((subscriber) => {
      const lane = this.lane(origin);
      let inner: Subscription | undefined;
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        lane.active -= 1;
        this.pump(origin);
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
      lane.queue.push(waiting);
      this.pump(origin);
      return () => {
        const at = lane.queue.indexOf(waiting);
        if (at >= 0) {
          lane.queue.splice(at, 1);
          this.pump(origin);
        } else if (inner) {
          inner.unsubscribe();
          release();
        }
      };
    });

  pause = (origin: string, forMs: number): void => {
    if (!(forMs > 0) || !Number.isFinite(forMs)) return;
    const untilMs = this.scheduler.now() + forMs;
    const lane = this.lane(origin);
    if (untilMs <= lane.pausedUntil) return;
    lane.pausedUntil = untilMs;
    this.pump(origin);
  };

  state = (origin: string): LimiterOriginState => {
    const lane = this.lanes.get(origin);
    const state: LimiterOriginState = { active: lane?.active ?? 0, queued: lane?.queue.length ?? 0 };
    if (lane && lane.pausedUntil > this.scheduler.now()) state.pausedUntil = lane.pausedUntil;
    return state;
  };

  private lane(origin: string): Lane {
    let found = this.lanes.get(origin);
    if (!found) {
      found = { active: 0, queue: [], nextStartAt: -Infinity, pausedUntil: -Infinity };
      this.lanes.set(origin, found);
    }
    return found;
  }

  // Starts what may start now; what must wait gets one timer, for the time it may.
  private pump(origin: string): void {
    const lane = this.lanes.get(origin);
    if (!lane) return;
    while (lane.queue.length > 0 && lane.active < this.maxConcurrent) {
      const now = this.scheduler.now();
      const readyAt = Math.max(lane.pausedUntil, lane.nextStartAt);
      if (now < readyAt) return this.wakeAt(origin, lane, readyAt, now);
      const next = lane.queue.shift()!;
      lane.active += 1;
      lane.nextStartAt = now + this.spacingMs;
      next.start();
    }
    if (lane.queue.length === 0) this.clearTimer(lane);
    this.tidy(origin, lane);
  }

  private wakeAt(origin: string, lane: Lane, readyAt: number, now: number): void {
    if (lane.timer && lane.timerAt === readyAt) return;
    this.clearTimer(lane);
    lane.timerAt = readyAt;
    // Never beyond what a timer honours (it would fire at once, and again, and again).
    lane.timer = this.scheduler.schedule(
      () => {
        lane.timer = undefined;
        lane.timerAt = undefined;
        this.pump(origin);
      },
      Math.min(readyAt - now, MAX_TIMER_MS),
    );
  }

  private clearTimer(lane: Lane): void {
    lane.timer?.unsubscribe();
    lane.timer = undefined;
    lane.timerAt = undefined;
  }

  // An idle origin with nothing to remember is forgotten, so the map does not grow without bound.
  private tidy(origin: string, lane: Lane): void {
    const now = this.scheduler.now();
    if (lane.active === 0 && lane.queue.length === 0 && !lane.timer && lane.pausedUntil <= now && lane.nextStartAt <= now) {
      this.lanes.delete(origin);
    }
  }
}
