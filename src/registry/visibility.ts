// Page visibility: while the page is hidden no request is sent; when it is visible again, waiting trackers poll at once.
import { BehaviorSubject, Observable, Subject, distinctUntilChanged, filter, of, switchMap, take } from 'rxjs';
import type { RequestLimiter } from 'rx-lro';

/**
 * The default visibility: the document's, or always visible where there is no document.
 * @example
 * ```ts
 * createOperationRegistry({ visibility: documentVisibility() }); // the default in a browser
 * ```
 */
export function documentVisibility(): Observable<boolean> {
  type Listen = (type: 'visibilitychange', listener: () => void) => void;
  const doc = (globalThis as { document?: { visibilityState?: string; addEventListener?: Listen; removeEventListener?: Listen } }).document;
  if (!doc || typeof doc.addEventListener !== 'function') return of(true);
  return new Observable<boolean>((subscriber) => {
    const emit = (): void => subscriber.next(doc.visibilityState !== 'hidden');
    emit();
    doc.addEventListener!('visibilitychange', emit);
    return () => doc.removeEventListener!('visibilitychange', emit);
  });
}

/** What the trackers get from the page's visibility: a limiter that holds requests back, and a wake-up signal. */
export interface VisibilityGate {
  /** Lets a request through only while the page is visible, then through the caller's own limiter if any. */
  limiter: RequestLimiter;
  /** Emits when the page becomes visible again: the trackers' `pollNow`. */
  wake: Observable<void>;
  dispose(): void;
}

/** Gates every request (retries included) on `visibility`, in front of `inner`, the caller's limiter. */
export function visibilityGate(visibility: Observable<boolean>, inner: RequestLimiter | undefined): VisibilityGate {
  const visible = new BehaviorSubject<boolean>(true);
  const wake = new Subject<void>();
  const subscription = visibility.pipe(distinctUntilChanged()).subscribe((isVisible) => {
    visible.next(isVisible === true);
    if (isVisible) wake.next();
  });
  const whenVisible = visible.pipe(filter(Boolean), take(1));
  return {
    limiter: {
      run: (origin, request$) => whenVisible.pipe(switchMap(() => (inner ? inner.run(origin, request$) : request$))),
      pause: (origin, forMs) => inner?.pause(origin, forMs),
      state: (origin) => inner?.state(origin) ?? { active: 0, queued: 0 },
    },
    wake: wake.asObservable(),
    dispose: () => {
      subscription.unsubscribe();
      wake.complete();
      visible.complete();
    },
  };
}
