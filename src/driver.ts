import { Observable, Subscription, from, switchMap, tap, throwError, timeout } from 'rxjs';
import { NetworkError, TimeoutError, isLroError } from './errors';
import { cleartextCredentials, urlGuard, type UrlPolicy } from './http/guard';
import type { ResolvedOptions } from './options';
import { retryDelayMs } from './protocol/delay';
import { retryAfterMs } from './protocol/retry-after';
import { originOf, resolveUrl } from './protocol/url';
import type { HttpRequest, HttpResponse } from './protocol/http-response';
import { finalResponse, operationKey, pollResponse, startOperation, type Step, type TrackState } from './protocol/operation';
import type { LroMethod, OperationSnapshot, ResumeToken } from './snapshot';

/** How a tracker begins: from an initial response in hand, or by sending the initial request. */
export type Begin =
  | { kind: 'start'; request: { method: LroMethod; url: string }; response: HttpResponse }
  | { kind: 'send'; request: HttpRequest & { method: LroMethod } }
  | { kind: 'resume'; request: { method: LroMethod; url: string }; token: ResumeToken };

// A GET answered by a redirect is re-sent to its target: a handful of hops at most.
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

interface Redirect {
  redirect: () => void;
}

/** Whether a value is a promise (or any thenable): credentials and lazy starts may be either. */
export function isPromiseLike<V>(value: unknown): value is PromiseLike<V> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * The one loop every operator runs: perform a step (wait, send, feed the response to the protocol,
 * emit its snapshot) until the protocol says done or error. Cold: nothing happens before subscribe.
 * Teardown aborts the request in flight and clears every timer, so no request is ever sent after the
 * terminal snapshot, an error or unsubscribe (rule T6, F3).
 */
export function driveOperation<T>(begin: Begin, options: ResolvedOptions<T>): Observable<OperationSnapshot<T>> {
  return new Observable<OperationSnapshot<T>>((subscriber) => {
    const { settings, scheduler, retry } = options;
    const initialUrl = begin.request.url;
    const policy: UrlPolicy = { initialUrl, allowedOrigins: options.allowedOrigins };
    if (options.rewriteUrl) policy.rewriteUrl = options.rewriteUrl;
    const guard = urlGuard(policy);
    const pollHeaders = { accept: 'application/json', ...options.headers };
    let state: TrackState | undefined;
    // The wait or the request in flight: there is never more than one.
    let current: Subscription | undefined;
    // Every error that ends the tracker says whose it is, so that a merged stream can tell (faultAsData).
    const fail = (error: unknown): void => {
      if (isLroError(error) && error.key === undefined) {
        error.key = state?.token.key ?? operationKey({ key: settings.key, method: begin.request.method, url: initialUrl, mode: 'none' });
      }
      subscriber.error(error);
    };
    // Giving up is not failing (F5): the error says where the tracker stood, so it can be resumed.
    const giveUp = (): void => {
      const position = state && { resumeToken: state.token, status: state.status, polls: state.polls };
      fail(new TimeoutError(options.timeoutMs!, position));
    };
    const deadline = options.timeoutMs === undefined ? undefined : scheduler.schedule(giveUp, options.timeoutMs);

    const send = (request: HttpRequest): Observable<HttpResponse> => {
      let response$: Observable<HttpResponse>;
      const authorize = options.authorize;
      const leak = cleartextCredentials(request.url, request.headers, authorize !== undefined);
      if (leak) return throwError(() => leak);
      if (authorize) {
        // Credentials are asked for per request, so a token that expires mid-operation is renewed.
        const credentials = authorize({ method: request.method, url: request.url });
        const withCredentials = (headers: Record<string, string>): Observable<HttpResponse> =>
          options.http({ ...request, headers: { ...request.headers, ...headers } });
        response$ = isPromiseLike<Record<string, string>>(credentials)
          ? from(credentials).pipe(switchMap(withCredentials))
          : withCredentials(credentials);
      } else {
        response$ = options.http(request);
      }
      const limit = options.requestTimeoutMs;
      // The per-request deadline starts when the request is sent, not while it waits in a limiter.
      if (limit !== undefined) {
        response$ = response$.pipe(
          timeout({
            first: limit,
            scheduler,
            with: () => throwError(() => new NetworkError(request.method, request.url, `no response within ${limit} ms`)),
          }),
        );
      }
      const limiter = options.limiter;
      if (!limiter) return response$;
      const origin = originOf(request.url) ?? request.url;
      return limiter.run(origin, response$).pipe(
        tap((response) => {
          // A 429 with Retry-After holds every tracker of this origin that shares the limiter.
          if (response.status !== 429) return;
          const wait = retryAfterMs(response.headers, scheduler.now());
          if (wait !== undefined) limiter.pause(origin, Math.min(wait, settings.maxDelayMs));
        }),
      );
    };

    // Sends a request and hands the step its response makes to `handle`, retrying transient faults
    // (rule F1) with the polling state kept: only the count of requests sent moves on.
    const exchange = (
      request: HttpRequest,
      counts: boolean,
      retryNetwork: boolean,
      interpret: (response: HttpResponse) => Step<T> | Redirect,
      attempt = 0,
    ): void => {
      if (counts) state = { ...state!, polls: state!.polls + 1 };
      const retryLater = (response?: HttpResponse): boolean => {
        if (attempt >= retry.maxRetries) return false;
        const wait = retryDelayMs(retry, attempt, response, options.random(), scheduler.now(), settings.maxDelayMs);
        current = scheduler.schedule(() => exchange(request, counts, retryNetwork, interpret, attempt + 1), wait);
        return true;
      };
      const exchange$ = new Subscription();
      current = exchange$;
      let answered = false;
      exchange$.add(
        send(request).subscribe({
          next: (response) => {
            if (answered) return;
            answered = true;
            let step: Step<T> | Redirect;
            try {
              step = interpret(response);
            } catch (error) {
              fail(error);
              return;
            }
            if ('redirect' in step) {
              step.redirect();
              return;
            }
            if (step.next.kind === 'error' && step.next.transient && retryLater(response)) return;
            handle(step);
          },
          error: (error: unknown) => {
            if (retryNetwork && isLroError(error, 'network') && retryLater()) return;
            fail(error);
          },
          complete: () => {
            if (!answered) fail(new NetworkError(request.method, request.url, 'the HTTP client completed without a response'));
          },
        }),
      );
    };

    const follow = (url: string, interpret: (response: HttpResponse, target: string) => Step<T>, hops = 0): void => {
      const target = guard(url);
      if (typeof target !== 'string') {
        fail(target);
        return;
      }
      // Polls and final GETs are reads: a network error is retried whatever the operation's method.
      exchange({ method: 'GET', url: target, headers: pollHeaders }, true, true, (response) => {
        // Redirects are followed here, not by fetch, so that each hop passes the origin rules (S1)
        // and gets the credentials of its own origin only.
        const moved = REDIRECTS.has(response.status) && hops < MAX_REDIRECTS ? resolveUrl(response.headers['location'], target) : undefined;
        if (moved !== undefined) return { redirect: () => follow(moved, interpret, hops + 1) };
        return interpret(response, target);
      });
    };

    const handle = (step: Step<T>): void => {
      state = step.state;
      if (step.snapshot) {
        subscriber.next(step.snapshot);
        if (subscriber.closed) return;
      }
      const next = step.next;
      switch (next.kind) {
        case 'done':
          subscriber.complete();
          return;
        case 'error':
          fail(next.error);
          return;
        case 'final':
          follow(next.url, (response, target) => finalResponse(state!, response, target, settings));
          return;
        case 'poll': {
          const poll = (): void => follow(next.url, (response) => pollResponse(state!, response, settings, scheduler.now()));
          if (!options.pollNow) {
            current = scheduler.schedule(poll, next.delayMs);
            return;
          }
          // The wait ends by its timer or by pollNow, whichever comes first; the other is dropped.
          // An emission during subscribe (a replaying source) does not count, or a BehaviorSubject
          // would poll without ever waiting.
          const waiting = new Subscription();
          const end = (): void => {
            if (waiting.closed) return;
            waiting.unsubscribe();
            poll();
          };
          let armed = false;
          waiting.add(scheduler.schedule(end, next.delayMs));
          waiting.add(options.pollNow.subscribe(() => armed && end()));
          armed = true;
          current = waiting;
        }
      }
    };

    if (begin.kind === 'start') {
      handle(startOperation(begin.request, begin.response, settings, scheduler.now()));
    } else if (begin.kind === 'resume') {
      // A resumed tracker polls at once: the wait it was in when the token was taken has passed.
      const { token } = begin;
      // The caller's key wins; a token from before keys were kept is known by its URLs, as at the start.
      const key = settings.key ?? operationKey(token);
      const resumed: ResumeToken = token.mode === 'none' ? { ...token, mode: 'body', pollUrl: token.url, key } : { ...token, key };
      state = { token: resumed, polls: 0, status: 'InProgress' };
      follow(state.token.pollUrl!, (response) => pollResponse(state!, response, settings, scheduler.now()));
    } else {
      const { method, url } = begin.request;
      // A POST or PATCH may already have been applied when the connection broke, so only the idempotent
      // PUT, DELETE and GET are re-sent after a network error; a transient status code is retried for
      // every method (F1).
      exchange(begin.request, false, method === 'PUT' || method === 'DELETE' || method === 'GET', (response) =>
        startOperation({ method, url }, response, settings, scheduler.now()),
      );
    }

    return () => {
      current?.unsubscribe();
      deadline?.unsubscribe();
    };
  });
}
