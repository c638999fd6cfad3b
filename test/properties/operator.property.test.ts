// Property-based tests of the operator (fast-check): arbitrary sequences of responses — status codes,
// polling headers valid or broken, Retry-After in any form, bodies of any shape or garbage — fed to
// trackOperation through the network seam in virtual time, with unsubscribes at arbitrary moments.
import fc from 'fast-check';
import { Observable, finalize, of, type Subscription } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  pollOperation,
  trackOperation,
  type HttpClient,
  type HttpResponse,
  type LroMethod,
  type OperationSnapshot,
  type PollOptions,
} from '../../src/index';
import { testScheduler } from '../support/virtual';

const RUNS = 1000;
const ORIGIN = 'https://management.azure.com';
const RESOURCE = `${ORIGIN}/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Web/sites/app1?api-version=2024-01-01`;

// ---- generators -------------------------------------------------------------------------------

const statusCode = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(200, 201, 202, 204) },
  { weight: 3, arbitrary: fc.constantFrom(400, 403, 404, 408, 409, 429, 500, 501, 502, 503, 504) },
  { weight: 1, arbitrary: fc.constantFrom(301, 302, 307) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 599 }) },
);

const url = fc.oneof(
  fc.constantFrom(`${ORIGIN}/operations/op1`, `${ORIGIN}/operations/op2?api-version=2016-01-01`, `${ORIGIN}/results/r1`, RESOURCE),
  fc.constantFrom('/operations/relative', 'operations/relative2', '../up'),
  fc.constantFrom('https://elsewhere.example.com/op', 'http://management.azure.com/op', 'ftp://x/y'),
  fc.constantFrom('not a url', '', 'https://', '%%%'),
  fc.string({ maxLength: 30 }),
);

const retryAfter = fc.oneof(
  fc.constantFrom('0', '1', '5', '17', '0.5', '-1', '1e12', '99999999999999999999', 'soon', '', 'Wed, 21 Oct 2015 07:28:00 GMT'),
  fc.integer({ min: 0, max: 700 }).map(String),
  fc.string({ maxLength: 12 }),
);

const statusWord = fc.oneof(
  fc.constantFrom(
    'Succeeded',
    'Failed',
    'Canceled',
    'Cancelled',
    'succeeded',
    'FAILED',
    'InProgress',
    'Running',
    'Accepted',
    'NotStarted',
    'Creating',
    'failover-in-progress',
    'SucceededNot',
  ),
  fc.string({ maxLength: 12 }),
);

const body = fc.oneof(
  fc.constant(undefined),
  fc.record({ status: statusWord }, { requiredKeys: [] }),
  fc.record(
    { status: statusWord, percentComplete: fc.oneof(fc.integer({ min: -50, max: 150 }), fc.string()), error: fc.jsonValue() },
    { requiredKeys: ['status'] },
  ),
  fc.record({ properties: fc.record({ provisioningState: statusWord }) }),
  fc.record({ provisioningState: statusWord, name: fc.string() }),
  fc.record({ status: fc.oneof(fc.integer(), fc.constant(null), fc.boolean()) }),
  fc.record({ status: statusWord, resourceLocation: url }),
  fc.jsonValue(),
);

interface Scripted {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  latencyMs: number;
  /** Fail with a network error instead of answering. */
  fail: boolean;
}

const response: fc.Arbitrary<Scripted> = fc
  .record({
    status: statusCode,
    headers: fc.record(
      {
        'azure-asyncoperation': url,
        'operation-location': url,
        location: url,
        'retry-after': retryAfter,
        'retry-after-ms': retryAfter,
      },
      { requiredKeys: [] },
    ),
    body,
    garbage: fc.option(fc.constantFrom('<html>oops</html>', '{"status":', 'null', '[]', '"Succeeded"'), { nil: undefined }),
    latencyMs: fc.integer({ min: 0, max: 300 }),
    fail: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
  })
  .map(({ garbage, ...r }) => {
    const scripted: Scripted = { ...r };
    if (garbage !== undefined) {
      delete scripted.body;
      scripted.rawBody = garbage;
    }
    return scripted;
  });

const method = fc.constantFrom<LroMethod>('PUT', 'PATCH', 'POST', 'DELETE');

const options = fc.record({
  retry: fc.oneof(
    fc.constant(false as const),
    fc.record({
      maxRetries: fc.integer({ min: 0, max: 3 }),
      baseDelayMs: fc.integer({ min: 1, max: 2000 }),
      jitter: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
  ),
  maxDelayMs: fc.integer({ min: 1, max: 600_000 }),
  retryAfter: fc.constantFrom<'honor' | 'ignore'>('honor', 'ignore'),
  requestTimeoutMs: fc.option(fc.integer({ min: 1, max: 500 }), { nil: undefined }),
  timeoutMs: fc.option(fc.integer({ min: 1, max: 5_000_000 }), { nil: undefined }),
  deleteNotFound: fc.constantFrom<'succeeded' | 'error'>('succeeded', 'error'),
});

// ---- the harness --------------------------------------------------------------------------------

type Event =
  | { kind: 'request'; method: string; url: string; time: number }
  | { kind: 'next'; snapshot: OperationSnapshot; time: number }
  | { kind: 'error'; error: unknown; time: number }
  | { kind: 'complete'; time: number }
  | { kind: 'unsubscribe'; time: number };

interface Outcome {
  log: Event[];
  /** Scheduled actions still pending when the stream was torn down, other than the test's own. */
  leftBehind: number;
  unsubscribedEarly: boolean;
}

/** After the script runs out every request gets this: an answer that ends any operation. */
const END: Scripted = {
  status: 400,
  headers: {},
  body: { error: { code: 'End', message: 'the script ran out' } },
  latencyMs: 10,
  fail: false,
};

function play(m: LroMethod, script: Scripted[], opts: PollOptions, unsubscribeAt: number | undefined): Outcome {
  const scheduler = testScheduler();
  const log: Event[] = [];
  let leftBehind = -1;
  let unsubscribedEarly = false;
  scheduler.run(() => {
    let served = 0;
    // The network seam: the next scripted answer after its latency, on the virtual clock; aborts cancel it.
    const http: HttpClient = (request) =>
      new Observable<HttpResponse>((subscriber) => {
        log.push({ kind: 'request', method: request.method, url: request.url, time: scheduler.now() });
        const reply = script[served] ?? END;
        served += 1;
        return scheduler.schedule(() => {
          if (reply.fail) {
            subscriber.error(
              Object.assign(new Error('connection reset'), {
                name: 'NetworkError',
                code: 'network',
                method: request.method,
                url: request.url,
              }),
            );
            return;
          }
          const r: HttpResponse = { status: reply.status, headers: { ...reply.headers } };
          if (reply.body !== undefined) r.body = reply.body;
          if (reply.rawBody !== undefined) r.rawBody = reply.rawBody;
          subscriber.next(r);
          subscriber.complete();
        }, reply.latencyMs);
      });
    let stop: Subscription | undefined;
    const subscription = trackOperation({ method: m, url: RESOURCE }, { ...opts, http })
      .pipe(
        finalize(() => {
          leftBehind = scheduler.actions.filter((action) => action !== (stop as unknown)).length;
        }),
      )
      .subscribe({
        next: (snapshot) => log.push({ kind: 'next', snapshot, time: scheduler.now() }),
        error: (error: unknown) => log.push({ kind: 'error', error, time: scheduler.now() }),
        complete: () => log.push({ kind: 'complete', time: scheduler.now() }),
      });
    if (unsubscribeAt !== undefined) {
      stop = scheduler.schedule(() => {
        if (subscription.closed) return;
        unsubscribedEarly = true;
        log.push({ kind: 'unsubscribe', time: scheduler.now() });
        subscription.unsubscribe();
      }, unsubscribeAt);
    }
  });
  return { log, leftBehind, unsubscribedEarly };
}

function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isPlainJson);
  if (typeof value === 'object') {
    // A body the caller's seam built with a null prototype is still plain data.
    const prototype = Object.getPrototypeOf(value);
    return (prototype === Object.prototype || prototype === null) && Object.values(value as object).every(isPlainJson);
  }
  return false;
}

// ---- the properties -----------------------------------------------------------------------------

describe('properties of trackOperation over arbitrary responses (fast-check)', () => {
  it(`T6 F3 for any responses: a snapshot or an error, one end, nothing after the terminal snapshot or the end, polls = requests sent, no timer left (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(
        method,
        fc.array(response, { maxLength: 12 }),
        options,
        fc.option(fc.integer({ min: 0, max: 2_000_000 }), { nil: undefined }),
        (m, script, opts, unsubscribeAt) => {
          const { log, leftBehind, unsubscribedEarly } = play(m, script, opts as PollOptions, unsubscribeAt);
          const ends = log.filter((e) => e.kind === 'error' || e.kind === 'complete' || e.kind === 'unsubscribe');
          const snapshots = log.filter((e): e is Extract<Event, { kind: 'next' }> => e.kind === 'next').map((e) => e.snapshot);
          // It ends exactly once (by itself, or by the unsubscribe), and always: the script runs out into an ending answer.
          expect(ends).toHaveLength(1);
          const end = log.indexOf(ends[0]!);
          if (!unsubscribedEarly) {
            // At least one snapshot, or an error.
            expect(snapshots.length > 0 || ends[0]!.kind === 'error').toBe(true);
            // A completed stream ends with its only terminal snapshot.
            if (ends[0]!.kind === 'complete') expect(snapshots.at(-1)!.done).toBe(true);
          }
          // Nothing after the end: no emission, no request.
          expect(log.slice(end + 1)).toEqual([]);
          // Nothing emitted after a terminal snapshot; done mirrors state.
          const terminal = snapshots.findIndex((s) => s.done);
          if (terminal >= 0) expect(terminal).toBe(snapshots.length - 1);
          for (const s of snapshots) expect(s.done).toBe(s.state !== 'running');
          // polls counts the requests actually sent after the initial one(s), at every snapshot.
          let gets = 0;
          for (const e of log) {
            if (e.kind === 'request' && e.method === 'GET') gets += 1;
            if (e.kind === 'next') expect(e.snapshot.polls).toBe(gets);
          }
          // The initial request goes first and is the only non-GET method on the wire.
          const requests = log.filter((e): e is Extract<Event, { kind: 'request' }> => e.kind === 'request');
          if (requests.length > 0) expect(requests[0]!.method).toBe(m);
          for (const r of requests) expect(r.method === m || r.method === 'GET').toBe(true);
          // Snapshots are plain JSON.
          for (const s of snapshots) {
            expect(isPlainJson(s)).toBe(true);
            expect(JSON.parse(JSON.stringify(s))).toEqual(s);
          }
          // In virtual time no timer is left behind once the stream is torn down.
          expect(leftBehind).toBe(0);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`S1 S2 for any polling URLs: no request ever leaves the initial origin or https (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(method, fc.array(response, { maxLength: 10 }), (m, script) => {
        const { log } = play(m, script, { retry: { maxRetries: 1, baseDelayMs: 1, jitter: 0 } }, undefined);
        for (const e of log) if (e.kind === 'request') expect(e.url.startsWith(`${ORIGIN}/`)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it(`R1 T6 pollOperation tracks each of 1–5 starts independently: each ends once with its own terminal snapshot (${RUNS} cases)`, () => {
    const start = fc.record({
      method,
      polls: fc.integer({ min: 0, max: 4 }),
      outcome: fc.constantFrom('Succeeded', 'Failed', 'Canceled', 'Cancelled'),
      retryAfter: fc.integer({ min: 0, max: 30 }),
    });
    fc.assert(
      fc.property(fc.array(start, { minLength: 1, maxLength: 5 }), (starts) => {
        const scheduler = testScheduler();
        const seen = new Map<string, OperationSnapshot[]>();
        const sentTo = new Map<string, number>();
        let completed = 0;
        scheduler.run(() => {
          const http: HttpClient = (request) =>
            new Observable<HttpResponse>((subscriber) => {
              const n = (sentTo.get(request.url) ?? 0) + 1;
              sentTo.set(request.url, n);
              // X1: a PUT or PATCH reads its result from its own URL once the monitor says Succeeded.
              const resource = /\/things\/(\d+)/.exec(request.url);
              if (resource) {
                return scheduler.schedule(() => {
                  subscriber.next({ status: 200, headers: {}, body: { name: `thing${resource[1]}` } });
                  subscriber.complete();
                }, 50);
              }
              const i = Number(/op(\d+)/.exec(request.url)![1]);
              const s = starts[i]!;
              const done = n > s.polls;
              return scheduler.schedule(() => {
                subscriber.next({
                  status: 200,
                  headers: done ? {} : { 'retry-after': String(s.retryAfter) },
                  body: done ? { status: s.outcome, error: { code: 'E', message: 'failed' } } : { status: 'InProgress' },
                });
                subscriber.complete();
              }, 50);
            });
          of(
            ...starts.map((s, i) => ({
              request: { method: s.method, url: `${ORIGIN}/things/${i}?api-version=1` },
              response: { status: 202, headers: { 'azure-asyncoperation': `${ORIGIN}/op${i}` } },
            })),
          )
            .pipe(pollOperation({ http, finalStateVia: 'azure-async-operation' }))
            .subscribe({
              next: (snapshot) => {
                const key = /op\d+/.exec(snapshot.resumeToken.pollUrl!)![0];
                seen.set(key, [...(seen.get(key) ?? []), snapshot]);
              },
              complete: () => (completed += 1),
            });
        });
        expect(completed).toBe(1);
        starts.forEach((s, i) => {
          const own = seen.get(`op${i}`)!;
          expect(own.filter((x) => x.done)).toHaveLength(1);
          expect(own.at(-1)!.done).toBe(true);
          expect(own.at(-1)!.status).toBe(s.outcome);
          // polls counts the final GET of a succeeded PUT or PATCH too (X1).
          const finalGet = s.outcome === 'Succeeded' && (s.method === 'PUT' || s.method === 'PATCH') ? 1 : 0;
          expect(own.at(-1)!.polls).toBe(s.polls + 1 + finalGet);
          expect([...sentTo].filter(([u]) => u.startsWith(`${ORIGIN}/op${i}?`)).map(([, n]) => n)).toEqual([s.polls + 1]);
        });
      }),
      { numRuns: RUNS },
    );
  });
});
