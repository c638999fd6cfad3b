import { Observable, Subscription, type SchedulerLike, type Subscriber, type Unsubscribable } from 'rxjs';
import { NetworkError, TimeoutError, isLroError } from './errors';
import { urlGuard, type SecurityCheck } from './http/guard';
import { sender, type Send } from './http/send';
import type { ResolvedOptions } from './options';
import { retryDelayMs } from './protocol/delay';
import type { HttpRequest, HttpResponse } from './protocol/http-response';
import { startOperation, trackState, type Step, type TrackState } from './protocol/operation';
import {
  readAnswer,
  readRequest,
  redirectTarget,
  requestHeaders,
  resumedState,
  retriesNetworkError,
  trackerKey,
  type Leg,
} from './protocol/requests';
import type { LroMethod, OperationSnapshot, ResumeToken } from './snapshot';

/** How a tracker begins: from an initial response in hand, or by sending the initial request. */
export type Begin =
  | { kind: 'start'; request: { method: LroMethod; url: string }; response: HttpResponse }
  | { kind: 'send'; request: HttpRequest & { method: LroMethod } }
  | { kind: 'resume'; request: { method: LroMethod; url: string }; token: ResumeToken };

/**
 * The one loop every operator runs: send a request of a leg (the initial request, a poll, the final
 * GET), let the protocol read its answer into a step, emit the step's snapshot, then wait, poll, fetch
 * the final resource or end, as the step says. Cold: nothing happens before subscribe. There is never
 * more than one thing in flight (a wait or a request), held in `current`; teardown ends it and the
 * deadline, so no request is ever sent after the terminal snapshot, an error or unsubscribe (rule T6, F3).
 */
export function driveOperation<T>(begin: Begin, options: ResolvedOptions<T>): Observable<OperationSnapshot<T>> {
  return new Observable<OperationSnapshot<T>>((subscriber) => {
    const tracker = new Tracker(begin.request, options, subscriber);
    tracker.begin(begin);
    return () => tracker.stop();
  });
}

class Tracker<T> {
  private state: TrackState | undefined;
  /** The wait or the request in flight: there is never more than one. */
  private current: Unsubscribable | undefined;
  private readonly deadline: Subscription | undefined;
  private readonly guard: SecurityCheck;
  private readonly send: Send;
  private readonly readHeaders: Record<string, string>;

  constructor(
    private readonly initial: { method: LroMethod; url: string },
    private readonly options: ResolvedOptions<T>,
    private readonly subscriber: Subscriber<OperationSnapshot<T>>,
  ) {
    this.guard = urlGuard({ initialUrl: initial.url, allowedOrigins: options.allowedOrigins, rewriteUrl: options.rewriteUrl });
    this.send = sender(options as ResolvedOptions<unknown>);
    this.readHeaders = requestHeaders(options.headers);
    const { timeoutMs, scheduler } = options;
    this.deadline = timeoutMs === undefined ? undefined : scheduler.schedule(() => this.giveUp(timeoutMs), timeoutMs);
  }

  begin(begin: Begin): void {
    const { settings, scheduler } = this.options;
    if (begin.kind === 'start') {
      this.handle(startOperation(this.initial, begin.response, settings, scheduler.now()));
    } else if (begin.kind === 'resume') {
      this.state = resumedState(begin.token, settings.key);
      this.follow('poll', this.state.token.pollUrl!);
    } else {
      this.exchange('initial', begin.request, 0, 0);
    }
  }

  stop(): void {
    this.current?.unsubscribe();
    this.deadline?.unsubscribe();
  }

  // Every error that ends the tracker says whose it is, so that a merged stream can tell (faultAsData).
  private fail(error: unknown): void {
    if (isLroError(error) && error.key === undefined) error.key = trackerKey(this.state, this.options.settings.key, this.initial);
    this.subscriber.error(error);
  }

  // Giving up is not failing (F5): the error says where the tracker stood, so it can be resumed.
  private giveUp(timeoutMs: number): void {
    const state = this.state;
    this.fail(new TimeoutError(timeoutMs, state && { resumeToken: state.token, status: state.status, polls: state.polls }));
  }

  // A poll or the final GET of `url`, which must pass the origin rules first (S1).
  private follow(leg: 'poll' | 'final', url: string, hops = 0): void {
    const target = this.guard(url);
    if (typeof target === 'string') this.exchange(leg, readRequest(target, this.readHeaders), 0, hops);
    else this.fail(target);
  }

  // One request of `leg`; every request after the initial one counts in `polls` (retries and redirect hops included).
  private exchange(leg: Leg, request: HttpRequest, attempt: number, hops: number): void {
    if (leg !== 'initial') this.state = trackState(this.state!, undefined, undefined, this.state!.polls + 1);
    let answered = false;
    let ended = false;
    let inFlight: Unsubscribable | undefined = undefined;
    // Held before subscribing, so that whatever the answer sets in motion replaces it; ended while it
    // subscribes (teardown ran), it ends the request as soon as there is one to end (`inFlight` is a
    // `let` set to undefined first: teardown may read it while subscribe runs).
    this.current = {
      unsubscribe: () => {
        ended = true;
        inFlight?.unsubscribe();
      },
    };
    inFlight = this.send(request).subscribe({
      next: (response) => {
        if (answered) return;
        answered = true;
        this.answer(leg, request, response, attempt, hops);
      },
      error: (error: unknown) => {
        const retried = retriesNetworkError(leg, request.method) && isLroError(error, 'network') && this.retry(leg, request, attempt, hops);
        if (!retried) this.fail(error);
      },
      complete: () => {
        if (!answered) this.fail(new NetworkError(request.method, request.url, 'the HTTP client completed without a response'));
      },
    });
    if (ended) inFlight.unsubscribe();
  }

  private answer(leg: Leg, request: HttpRequest, response: HttpResponse, attempt: number, hops: number): void {
    const moved = redirectTarget(leg, response, request.url, hops);
    if (moved !== undefined && leg !== 'initial') return this.follow(leg, moved, hops + 1);
    const { settings, scheduler } = this.options;
    let step: Step<T>;
    try {
      step = readAnswer(leg, this.state, this.initial, response, request.url, settings, scheduler.now());
    } catch (error) {
      return this.fail(error);
    }
    if (step.next.kind === 'error' && step.next.transient && this.retry(leg, request, attempt, hops, response)) return;
    this.handle(step);
  }

  // A transient fault is retried after its backoff (rule F1), with the polling state kept; false once retries are spent.
  private retry(leg: Leg, request: HttpRequest, attempt: number, hops: number, response?: HttpResponse): boolean {
    const { retry, random, scheduler, settings } = this.options;
    if (attempt >= retry.maxRetries) return false;
    const wait = retryDelayMs(retry, attempt, response, random(), scheduler.now(), settings.maxDelayMs);
    this.current = scheduler.schedule(() => this.exchange(leg, request, attempt + 1, hops), wait);
    return true;
  }

  private handle(step: Step<T>): void {
    this.state = step.state;
    if (step.snapshot) {
      this.subscriber.next(step.snapshot);
      if (this.subscriber.closed) return;
    }
    const next = step.next;
    if (next.kind === 'done') this.subscriber.complete();
    else if (next.kind === 'error') this.fail(next.error);
    else if (next.kind === 'final') this.follow('final', next.url);
    else this.current = wait(this.options.scheduler, next.delayMs, this.options.pollNow, () => this.follow('poll', next.url));
  }
}

/**
 * The wait before a poll: it ends by its timer or by `pollNow`, whichever comes first, and the other
 * is dropped. An emission of `pollNow` during subscribe (a replaying source) does not count, or a
 * BehaviorSubject would poll without ever waiting.
 */
function wait(scheduler: SchedulerLike, delayMs: number, pollNow: Observable<unknown> | undefined, then: () => void): Subscription {
  if (!pollNow) return scheduler.schedule(then, delayMs);
  const waiting = new Subscription();
  const end = (): void => {
    if (waiting.closed) return;
    waiting.unsubscribe();
    then();
  };
  let armed = false;
  waiting.add(scheduler.schedule(end, delayMs));
  waiting.add(pollNow.subscribe(() => armed && end()));
  armed = true;
  return waiting;
}
