// The driver (src/driver.ts): the one loop every operator runs, driven here directly, in virtual
// time, with the HTTP double as its `http` seam.
import { BehaviorSubject, Observable, Subject, type Subscription } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { driveOperation, type Begin } from '../src/driver';
import { HttpError, NetworkError, SecurityError, TimeoutError } from '../src/errors';
import type { HttpClient, HttpResponse, OperationSnapshot, PollOptions } from '../src/index';
import { httpDouble, type Reply, type SentRequest } from './support/http-double';
import { resolveOptions, testScheduler } from './support/virtual';

const ARM = 'https://management.azure.com';
const RESOURCE = `${ARM}/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Web/sites/app1?api-version=2024-01-01`;
const MONITOR = `${ARM}/subscriptions/s1/providers/Microsoft.Web/operations/op1?api-version=2024-01-01`;

const accepted: Reply = {
  status: 201,
  headers: { 'azure-asyncoperation': MONITOR, 'retry-after': '10' },
  body: { properties: { provisioningState: 'Accepted' } },
};
const running: Reply = { status: 200, headers: { 'retry-after': '10' }, body: { status: 'Running' } };
const succeeded: Reply = { status: 200, body: { status: 'Succeeded' } };
const resource: Reply = { status: 200, body: { name: 'app1' } };

const send: Begin = { kind: 'send', request: { method: 'PUT', url: RESOURCE, headers: {} } };

interface Run {
  snapshots: OperationSnapshot[];
  sent: SentRequest[];
  error?: unknown;
  completed: boolean;
  endedAt?: number;
  timersLeft: number;
}

/** Drives one operation over scripted replies in virtual time; `act` may schedule more (unsubscribe, pollNow). */
function drive(
  begin: Begin,
  routes: Record<string, Reply[]>,
  options: PollOptions = {},
  act: (at: (ms: number, work: () => void) => void, subscription: Subscription) => void = () => undefined,
  http?: (double: HttpClient) => HttpClient,
): Run {
  const scheduler = testScheduler();
  const run: Run = { snapshots: [], sent: [], completed: false, timersLeft: -1 };
  scheduler.run((helpers) => {
    const double = httpDouble(scheduler, helpers, routes);
    run.sent = double.sent;
    const resolved = resolveOptions({ http: http ? http(double.http) : double.http, retry: { jitter: 0 }, ...options });
    const source = driveOperation(begin, resolved);
    // Cold: nothing is sent before subscribe.
    expect(double.sent).toEqual([]);
    const subscription = source.subscribe({
      next: (s) => run.snapshots.push(s),
      error: (e: unknown) => {
        run.error = e;
        run.endedAt = scheduler.now();
      },
      complete: () => {
        run.completed = true;
        run.endedAt = scheduler.now();
      },
    });
    act((ms, work) => scheduler.schedule(work, ms), subscription);
    scheduler.flush();
    run.timersLeft = scheduler.actions.length;
  });
  return run;
}

const requests = (run: Run): Array<[string, string, number]> => run.sent.map((r) => [r.method, r.url, r.time]);

describe('the driver: one step at a time, in virtual time', () => {
  it('R1 X1 T1 send: the initial request, the monitor after each Retry-After, then the final GET; polls counts them', () => {
    const run = drive(send, { [RESOURCE]: [accepted, resource], [MONITOR]: [running, succeeded] });
    expect(requests(run)).toEqual([
      ['PUT', RESOURCE, 0],
      ['GET', MONITOR, 10_100],
      ['GET', MONITOR, 20_200],
      ['GET', RESOURCE, 20_300],
    ]);
    expect(run.snapshots.map((s) => [s.state, s.status, s.polls])).toEqual([
      ['running', 'Accepted', 0],
      ['running', 'Running', 1],
      ['succeeded', 'Succeeded', 3],
    ]);
    expect(run.snapshots.at(-1)!.result).toEqual({ name: 'app1' });
    expect(run.completed).toBe(true);
    expect(run.endedAt).toBe(20_400);
    expect(run.timersLeft).toBe(0);
  });

  it('start: an initial response in hand is not sent again; the first poll waits for its Retry-After (T1)', () => {
    const begin: Begin = {
      kind: 'start',
      request: { method: 'PUT', url: RESOURCE },
      response: { status: 201, headers: accepted.headers!, body: accepted.body },
    };
    const run = drive(begin, { [RESOURCE]: [resource], [MONITOR]: [succeeded] });
    expect(requests(run)).toEqual([
      ['GET', MONITOR, 10_000],
      ['GET', RESOURCE, 10_100],
    ]);
    expect(run.snapshots.at(-1)).toMatchObject({ state: 'succeeded', result: { name: 'app1' } });
  });

  it('resume: polls at once from the token, without the initial request', () => {
    const begin: Begin = {
      kind: 'resume',
      request: { method: 'PUT', url: RESOURCE },
      token: { v: 1, method: 'PUT', url: RESOURCE, mode: 'status', pollUrl: MONITOR },
    };
    const run = drive(begin, { [RESOURCE]: [resource], [MONITOR]: [succeeded] });
    expect(requests(run)).toEqual([
      ['GET', MONITOR, 0],
      ['GET', RESOURCE, 100],
    ]);
    expect(run.snapshots.at(-1)).toMatchObject({ state: 'succeeded', polls: 2 });
  });

  it('T6 nothing is sent after the terminal snapshot, and no timer is left', () => {
    const run = drive(send, { [RESOURCE]: [accepted, resource], [MONITOR]: [succeeded] });
    expect(Math.max(...run.sent.map((r) => r.time))).toBeLessThan(run.endedAt!);
    expect(run.sent).toHaveLength(3);
    expect(run.timersLeft).toBe(0);
  });
});

describe('F1 transient faults in the driver', () => {
  it('F1 a 503 with Retry-After on a poll is retried after it, the polling state kept; the retry counts as a poll', () => {
    const run = drive(send, {
      [RESOURCE]: [accepted, resource],
      [MONITOR]: [{ status: 503, headers: { 'retry-after': '3' } }, succeeded],
    });
    expect(requests(run)).toEqual([
      ['PUT', RESOURCE, 0],
      ['GET', MONITOR, 10_100],
      ['GET', MONITOR, 13_200],
      ['GET', RESOURCE, 13_300],
    ]);
    expect(run.snapshots.at(-1)).toMatchObject({ state: 'succeeded', polls: 3 });
  });

  it('F1 after maxRetries the stream errors with the last cause', () => {
    const run = drive(
      send,
      { [RESOURCE]: [accepted], [MONITOR]: [{ status: 503 }] },
      { retry: { maxRetries: 2, baseDelayMs: 1000, jitter: 0 } },
    );
    expect(run.error).toBeInstanceOf(HttpError);
    expect(run.error).toMatchObject({ status: 503 });
    expect(run.sent.filter((r) => r.url === MONITOR)).toHaveLength(3);
    expect(run.timersLeft).toBe(0);
  });

  it.each([
    ['PUT', 2],
    ['DELETE', 2],
    ['POST', 1],
  ] as const)('F1 a network error on the initial %s: sent %i time(s)', (method, times) => {
    const url = `${ARM}/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1?api-version=2024-07-01`;
    const run = drive(
      { kind: 'send', request: { method, url, headers: {} } },
      { [url]: [{ status: 0, fail: new NetworkError(method, url, 'reset') }, { status: 204 }] },
      { retry: { maxRetries: 3, baseDelayMs: 1000, jitter: 0 } },
    );
    expect(run.sent).toHaveLength(times);
    if (method === 'POST') expect(run.error).toBeInstanceOf(NetworkError);
    else expect(run.snapshots.at(-1)).toMatchObject({ state: 'succeeded', done: true });
  });

  it('F1 a network error on a poll is retried whatever the method (a poll is a read)', () => {
    const url = `${ARM}/subscriptions/s1/providers/Microsoft.Compute/virtualMachines/vm1/start?api-version=2024-07-01`;
    const run = drive(
      { kind: 'send', request: { method: 'POST', url, headers: {} } },
      {
        [url]: [{ status: 202, headers: { 'azure-asyncoperation': MONITOR, 'retry-after': '1' } }],
        [MONITOR]: [
          { status: 0, fail: new NetworkError('GET', MONITOR, 'reset') },
          { status: 200, body: { status: 'Succeeded', properties: { ok: true } } },
        ],
      },
    );
    expect(run.sent.filter((r) => r.url === MONITOR)).toHaveLength(2);
    expect(run.snapshots.at(-1)).toMatchObject({ state: 'succeeded', result: { ok: true } });
  });

  it('an HTTP client that completes without a response is a NetworkError', () => {
    const run = drive(send, {}, {}, undefined, () => () => new Observable<HttpResponse>((subscriber) => subscriber.complete()));
    expect(run.error).toBeInstanceOf(NetworkError);
    expect((run.error as NetworkError).reason).toBe('the HTTP client completed without a response');
  });
});

describe('T5 deadlines', () => {
  it('T5 timeoutMs ends the stream with a TimeoutError at the deadline; nothing is sent after', () => {
    const run = drive(send, { [RESOURCE]: [accepted], [MONITOR]: [running] }, { timeoutMs: 25_000 });
    expect(run.error).toBeInstanceOf(TimeoutError);
    expect(run.endedAt).toBe(25_000);
    expect(run.sent.every((r) => r.time < 25_000)).toBe(true);
    expect(run.timersLeft).toBe(0);
  });

  it('T5 requestTimeoutMs is per request: a late answer is a NetworkError, retried, and no TimeoutError', () => {
    const run = drive(
      send,
      { [RESOURCE]: [accepted, resource], [MONITOR]: [{ ...succeeded, latencyMs: 8000 }] },
      { requestTimeoutMs: 5000, retry: { maxRetries: 1, baseDelayMs: 1000, jitter: 0 } },
    );
    expect(run.error).toBeInstanceOf(NetworkError);
    expect((run.error as NetworkError).reason).toBe('no response within 5000 ms');
    expect(run.endedAt).toBe(21_100);
    expect(run.sent.filter((r) => r.url === MONITOR).map((r) => r.time)).toEqual([10_100, 16_100]);
  });
});

describe('F3 T6 teardown', () => {
  it('F3 unsubscribing during a request tears it down, clears every timer, and nothing is sent after', () => {
    const torn: number[] = [];
    const run = drive(
      send,
      { [RESOURCE]: [accepted], [MONITOR]: [{ ...running, latencyMs: 5000 }] },
      { timeoutMs: 600_000 },
      (at, subscription) => at(12_000, () => subscription.unsubscribe()),
      (double) => (request) =>
        new Observable<HttpResponse>((subscriber) => {
          const inner = double(request).subscribe(subscriber);
          return () => {
            inner.unsubscribe();
            torn.push(request.url === MONITOR ? 1 : 0);
          };
        }),
    );
    expect(run.sent.map((r) => r.time)).toEqual([0, 10_100]);
    // The PUT ended by itself; the monitor request was in flight at 12 s.
    expect(torn).toEqual([0, 1]);
    expect(run.timersLeft).toBe(0);
    expect(run.completed).toBe(false);
  });
});

describe('F3 T6 an HTTP client that answers while it is subscribed', () => {
  // Each reply comes inside subscribe, before the driver holds the request's subscription; a reply
  // marked `false` never completes, so only the driver's teardown can end its request.
  const sync = (torn: string[], replies: Array<[HttpResponse, boolean]>) => () => (request: { url: string }) =>
    new Observable<HttpResponse>((subscriber) => {
      const [reply, complete] = replies.shift()!;
      subscriber.next(reply);
      if (complete) subscriber.complete();
      return () => torn.push(request.url);
    });

  it('T6 a poll whose answer ends the operation before the poll is held still ends that poll, once', () => {
    const torn: string[] = [];
    const replies: Array<[HttpResponse, boolean]> = [
      [{ status: 201, headers: { 'azure-asyncoperation': MONITOR, 'retry-after': '10' }, body: {} }, true],
      [{ status: 200, headers: {}, body: { status: 'Failed', error: { code: 'Conflict', message: 'no' } } }, false],
    ];
    const run = drive(send, {}, {}, undefined, sync(torn, replies));
    expect(run.snapshots.map((s) => s.state)).toEqual(['running', 'failed']);
    expect(run.completed).toBe(true);
    expect(torn).toEqual([RESOURCE, MONITOR]);
    expect(run.timersLeft).toBe(0);
  });

  it('T1 answers at once on every request: each poll still waits its Retry-After, and every request ends', () => {
    const torn: string[] = [];
    const replies: Array<[HttpResponse, boolean]> = [
      [
        {
          status: 201,
          headers: { 'azure-asyncoperation': MONITOR, 'retry-after': '10' },
          body: { properties: { provisioningState: 'Accepted' } },
        },
        true,
      ],
      [{ status: 200, headers: { 'retry-after': '10' }, body: { status: 'Running' } }, true],
      [{ status: 200, headers: {}, body: { status: 'Succeeded' } }, true],
      [{ status: 200, headers: {}, body: { name: 'app1' } }, true],
    ];
    const run = drive(send, {}, {}, undefined, sync(torn, replies));
    expect(run.snapshots.map((s) => [s.state, s.polls])).toEqual([
      ['running', 0],
      ['running', 1],
      ['succeeded', 3],
    ]);
    expect(run.endedAt).toBe(20_000);
    // Each request once (the final GET, sent from inside the last poll's answer, ends before that poll).
    expect([...torn].sort()).toEqual([RESOURCE, RESOURCE, MONITOR, MONITOR].sort());
    expect(run.timersLeft).toBe(0);
  });
});

describe('S1 S2 every URL the driver follows passes the guard', () => {
  it('S1 a monitor on another origin is a SecurityError before anything is sent there', () => {
    const evil = 'https://evil.example.com/op';
    const run = drive(send, { [RESOURCE]: [{ ...accepted, headers: { 'azure-asyncoperation': evil } }], [evil]: [succeeded] });
    expect(run.error).toBeInstanceOf(SecurityError);
    expect(run.sent.map((r) => r.url)).toEqual([RESOURCE]);
  });

  it('S1 a redirect is followed hop by hop within the origin, each hop a poll; one to another origin is refused', () => {
    const moved = `${ARM}/subscriptions/s1/providers/Microsoft.Web/operations/op1-moved?api-version=2024-01-01`;
    const ok = drive(send, {
      [RESOURCE]: [accepted, resource],
      [MONITOR]: [{ status: 307, headers: { location: moved } }],
      [moved]: [succeeded],
    });
    expect(ok.sent.map((r) => r.url)).toEqual([RESOURCE, MONITOR, moved, RESOURCE]);
    expect(ok.snapshots.at(-1)).toMatchObject({ state: 'succeeded', polls: 3 });

    const away = drive(send, {
      [RESOURCE]: [accepted],
      [MONITOR]: [{ status: 302, headers: { location: 'https://evil.example.com/op' } }],
    });
    expect(away.error).toBeInstanceOf(SecurityError);
    expect(away.sent.map((r) => r.url)).toEqual([RESOURCE, MONITOR]);
  });

  it('S1 authorize is asked per request, and its headers go with that request only', () => {
    const asked: string[] = [];
    let n = 0;
    const run = drive(
      send,
      { [RESOURCE]: [accepted, resource], [MONITOR]: [succeeded] },
      {
        authorize: ({ url }) => {
          asked.push(url);
          n += 1;
          return { authorization: `Bearer ${n}` };
        },
      },
    );
    expect(asked).toEqual([RESOURCE, MONITOR, RESOURCE]);
    expect(run.sent.map((r) => r.headers?.['authorization'])).toEqual(['Bearer 1', 'Bearer 2', 'Bearer 3']);
    expect(run.sent.slice(1).every((r) => r.headers?.['accept'] === 'application/json')).toBe(true);
  });
});

describe('T4 pollNow', () => {
  it('T4 an emission ends the wait at once; a replaying source does not poll on subscribe', () => {
    const now = new Subject<void>();
    const run = drive(send, { [RESOURCE]: [accepted, resource], [MONITOR]: [running, succeeded] }, { pollNow: now }, (at) =>
      at(2_000, () => now.next()),
    );
    expect(run.sent.filter((r) => r.url === MONITOR).map((r) => r.time)).toEqual([2_000, 12_100]);

    const replaying = drive(send, { [RESOURCE]: [accepted, resource], [MONITOR]: [succeeded] }, { pollNow: new BehaviorSubject(true) });
    expect(replaying.sent.filter((r) => r.url === MONITOR).map((r) => r.time)).toEqual([10_100]);
  });
});
