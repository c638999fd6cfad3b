import { Observable, defer, merge, type Subscription } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createRequestLimiter } from '../../src/limiter/index';
import { trackOperation, type HttpClient, type HttpResponse, type OperationSnapshot } from '../../src/index';
import { httpDouble, type Reply } from '../support/http-double';
import { testScheduler } from '../support/virtual';

const ARM = 'https://management.azure.com';
const resource = (i: number): string =>
  `${ARM}/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Web/sites/app${i}?api-version=2024-01-01`;
const monitor = (i: number): string => `${ARM}/subscriptions/s1/providers/Microsoft.Web/operations/op${i}?api-version=2024-01-01`;

// Operation i: PUT 201 + Azure-AsyncOperation (Retry-After 1), monitor Running then Succeeded, then the resource.
function routes(
  count: number,
  monitorReplies: (i: number) => Reply[] = () => [
    { status: 200, headers: { 'retry-after': '1' }, body: { status: 'Running' } },
    { status: 200, body: { status: 'Succeeded' } },
  ],
): Record<string, Reply[]> {
  const table: Record<string, Reply[]> = {};
  for (let i = 0; i < count; i++) {
    table[resource(i)] = [
      {
        status: 201,
        headers: { 'azure-asyncoperation': monitor(i), 'retry-after': '1' },
        body: { properties: { provisioningState: 'Accepted' } },
      },
      { status: 200, body: { name: `app${i}` } },
    ];
    table[monitor(i)] = monitorReplies(i);
  }
  return table;
}

interface Traced {
  http: HttpClient;
  sent: { url: string; time: number }[];
  /** The largest number of requests in flight at once. */
  peak: () => number;
}

// Wraps the HTTP double to count requests in flight.
function traced(inner: HttpClient, sent: { url: string; time: number }[]): Traced {
  let active = 0;
  let peak = 0;
  const http: HttpClient = (request) =>
    defer((): Observable<HttpResponse> => {
      active += 1;
      peak = Math.max(peak, active);
      return new Observable<HttpResponse>((subscriber) => {
        let open = true;
        // A request stops being in flight when its answer ends, before anyone reacts to that end.
        const end = (): void => {
          if (open) active -= 1;
          open = false;
        };
        const sub = inner(request).subscribe({
          next: (value) => subscriber.next(value),
          error: (error: unknown) => {
            end();
            subscriber.error(error);
          },
          complete: () => {
            end();
            subscriber.complete();
          },
        });
        return () => {
          sub.unsubscribe();
          end();
        };
      });
    });
  return { http, sent, peak: () => peak };
}

describe('the shared request limiter (createRequestLimiter)', () => {
  it('maxConcurrent caps the requests in flight to one origin across trackers; each still completes', () => {
    const scheduler = testScheduler();
    const ends: OperationSnapshot[] = [];
    let peak = 0;
    let sent = 0;
    scheduler.run((helpers) => {
      const double = httpDouble(scheduler, helpers, routes(5));
      const t = traced(double.http, double.sent);
      const limiter = createRequestLimiter({ maxConcurrent: 2 });
      merge(...[0, 1, 2, 3, 4].map((i) => trackOperation({ method: 'PUT', url: resource(i) }, { http: t.http, limiter }))).subscribe(
        (s) => {
          if (s.done) ends.push(s);
        },
      );
      scheduler.flush();
      peak = t.peak();
      sent = double.sent.length;
    });
    expect(ends.map((s) => s.state)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(peak).toBe(2);
    expect(sent).toBe(5 * 4);
  });

  it('requestsPerSecond spaces request starts evenly per origin', () => {
    const scheduler = testScheduler();
    let times: number[] = [];
    scheduler.run((helpers) => {
      const double = httpDouble(scheduler, helpers, routes(4));
      const limiter = createRequestLimiter({ requestsPerSecond: 4 });
      merge(...[0, 1, 2, 3].map((i) => trackOperation({ method: 'PUT', url: resource(i) }, { http: double.http, limiter }))).subscribe();
      scheduler.flush();
      times = double.sent.map((r) => r.time);
    });
    const sorted = [...times].sort((a, b) => a - b);
    expect(sorted.slice(0, 4)).toEqual([0, 250, 500, 750]);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(250);
  });

  it('F1 a 429 with Retry-After seen by one tracker pauses every tracker of that origin until then', () => {
    const scheduler = testScheduler();
    let sent: { url: string; time: number }[] = [];
    scheduler.run((helpers) => {
      const table = routes(2, (i) =>
        i === 0
          ? [
              { status: 429, headers: { 'retry-after': '20' } },
              { status: 200, body: { status: 'Succeeded' } },
            ]
          : [
              { status: 200, headers: { 'retry-after': '2' }, body: { status: 'Running' } },
              { status: 200, headers: { 'retry-after': '2' }, body: { status: 'Running' } },
              { status: 200, body: { status: 'Succeeded' } },
            ],
      );
      const double = httpDouble(scheduler, helpers, table);
      const limiter = createRequestLimiter();
      const options = { http: double.http, limiter, retry: { baseDelayMs: 10, jitter: 0 } };
      trackOperation({ method: 'PUT', url: resource(0) }, options).subscribe();
      trackOperation({ method: 'PUT', url: resource(1) }, options).subscribe();
      scheduler.flush();
      sent = double.sent;
    });
    // Tracker 0's monitor answers 429 (Retry-After 20 s) at 1.1 s; tracker 1 polls at 1.1 s, then
    // would poll at 3.2 s: it waits for the pause to end (21.1 s) with everyone else.
    const throttledAt = sent.find((r) => r.url === monitor(0))!.time + 100;
    const afterThrottle = sent.filter((r) => r.time > throttledAt);
    expect(afterThrottle.length).toBeGreaterThan(0);
    for (const r of afterThrottle) expect(r.time).toBeGreaterThanOrEqual(throttledAt + 20_000);
    expect(sent.filter((r) => r.url === monitor(1)).length).toBe(3);
  });

  it('F3 a tracker unsubscribed while its request waits leaves the queue: nothing sent, no timer left', () => {
    const scheduler = testScheduler();
    let sent = 0;
    let pending = -1;
    let state = { active: -1, queued: -1 };
    scheduler.run((helpers) => {
      const double = httpDouble(scheduler, helpers, routes(3));
      const limiter = createRequestLimiter({ maxConcurrent: 1, requestsPerSecond: 1 });
      const subs: Subscription[] = [0, 1, 2].map((i) =>
        trackOperation({ method: 'PUT', url: resource(i) }, { http: double.http, limiter }).subscribe(),
      );
      scheduler.schedule(() => subs.forEach((s) => s.unsubscribe()), 50);
      scheduler.flush();
      sent = double.sent.length;
      pending = scheduler.actions.length;
      state = limiter.state(new URL(ARM).origin);
    });
    expect(sent).toBe(1);
    expect(pending).toBe(0);
    expect(state).toEqual({ active: 0, queued: 0 });
  });

  it('bad limiter options and a bad limiter are TypeErrors', () => {
    expect(() => createRequestLimiter({ maxConcurrent: 0 })).toThrow(/maxConcurrent must be a number > 0, got 0/);
    expect(() => createRequestLimiter({ requestsPerSecond: Number.NaN })).toThrow(TypeError);
    expect(() => trackOperation({ method: 'PUT', url: resource(0) }, { limiter: {} as never })).toThrow(
      /options.limiter must be a limiter from createRequestLimiter/,
    );
  });
});
