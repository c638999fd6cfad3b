import * as t from 'io-ts';
import { NEVER, Observable, Subject, from, of, take } from 'rxjs';
import { AjaxResponse } from 'rxjs/ajax';
import { describe, expect, it } from 'vitest';
import {
  DecodeError,
  HttpError,
  NetworkError,
  ProtocolError,
  SecurityError,
  TimeoutError,
  isLroError,
  pollOperation,
  trackOperation,
  type HttpClient,
  type HttpResponse,
  type LroMethod,
  type OperationSnapshot,
  type StartInput,
} from '../../src/index';
import { httpDouble, type Reply } from '../support/http-double';
import { testScheduler } from '../support/virtual';

const BASE = 'https://management.azure.com/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Web/sites';
const RESOURCE = `${BASE}/app1?api-version=2024-01-01`;
const MONITOR = 'https://management.azure.com/subscriptions/s1/providers/Microsoft.Web/operations/op1?api-version=2024-01-01';

interface Run {
  snapshots: OperationSnapshot<unknown>[];
  error?: unknown;
  completed: boolean;
  sent: { method: string; url: string; time: number; headers: Record<string, string> }[];
  endedAt?: number;
}

/** Runs `trackOperation` against scripted replies in virtual time and collects what happened. */
function run(
  routes: Record<string, Reply[]>,
  request: { method: LroMethod; url: string } = { method: 'PUT', url: RESOURCE },
  options: Parameters<typeof trackOperation>[1] = {},
): Run {
  const scheduler = testScheduler();
  const result: Run = { snapshots: [], completed: false, sent: [] };
  scheduler.run((helpers) => {
    const { http, sent } = httpDouble(scheduler, helpers, routes);
    result.sent = sent;
    trackOperation(request, { http, ...options }).subscribe({
      next: (s) => result.snapshots.push(s),
      error: (e) => {
        result.error = e;
        result.endedAt = scheduler.now();
      },
      complete: () => {
        result.completed = true;
        result.endedAt = scheduler.now();
      },
    });
  });
  return result;
}

function isPlainJson(value: unknown): boolean {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return typeof value !== 'number' || Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isPlainJson);
  if (typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && Object.values(value as object).every(isPlainJson);
}

const accepted: Reply = {
  status: 201,
  headers: { 'Azure-AsyncOperation': MONITOR },
  body: { properties: { provisioningState: 'Accepted' } },
};

describe('snapshots and resume tokens are plain JSON', () => {
  const scenarios: Record<string, Record<string, Reply[]>> = {
    succeeded: {
      [RESOURCE]: [accepted, { status: 200, body: { id: 'app1', properties: { provisioningState: 'Succeeded' } } }],
      [MONITOR]: [
        { status: 200, body: { status: 'InProgress', percentComplete: 40, startTime: '2025-01-01T00:00:00Z' } },
        { status: 200, body: { status: 'Succeeded' } },
      ],
    },
    failed: {
      [RESOURCE]: [accepted],
      [MONITOR]: [
        {
          status: 200,
          body: { status: 'Failed', error: { code: 'Conflict', message: 'busy', details: [{ code: 'Inner', message: 'x' }] } },
        },
      ],
    },
    canceled: { [RESOURCE]: [accepted], [MONITOR]: [{ status: 200, body: { status: 'Cancelled' } }] },
  };
  for (const [name, routes] of Object.entries(scenarios)) {
    it(`F4 every snapshot of a ${name} operation survives JSON.parse(JSON.stringify(s))`, () => {
      const { snapshots, completed } = run(routes);
      expect(completed).toBe(true);
      expect(snapshots.length).toBeGreaterThan(1);
      for (const snapshot of snapshots) {
        expect(JSON.parse(JSON.stringify(snapshot))).toStrictEqual(snapshot);
        expect(isPlainJson(snapshot)).toBe(true);
        expect(isPlainJson(snapshot.resumeToken)).toBe(true);
        expect(snapshot.resumeToken.v).toBe(1);
      }
      expect(snapshots.filter((s) => s.done)).toHaveLength(1);
      expect(snapshots.at(-1)!.done).toBe(true);
    });
  }
});

describe('failed and canceled operations are snapshots, not stream errors (F4)', () => {
  it('F4 a Failed monitor ends the stream normally with a failed snapshot', () => {
    const { snapshots, completed, error } = run({
      [RESOURCE]: [accepted],
      [MONITOR]: [{ status: 200, body: { status: 'Failed', error: { code: 'Quota', message: 'over' } } }],
    });
    expect(error).toBeUndefined();
    expect(completed).toBe(true);
    expect(snapshots.at(-1)).toMatchObject({ state: 'failed', done: true, error: { code: 'Quota', message: 'over' } });
  });
  it('F4 errors are plain, serializable data', () => {
    const { error } = run({
      [RESOURCE]: [accepted],
      [MONITOR]: [{ status: 400, body: { error: { code: 'BadRequest', message: 'bad' } } }],
    });
    expect(error).toBeInstanceOf(HttpError);
    const data = JSON.parse(JSON.stringify(error));
    expect(data).toMatchObject({ name: 'HttpError', code: 'http', status: 400, method: 'GET', url: MONITOR });
    expect(data.body).toContain('BadRequest');
    // F4: the service's own words, and no query value but api-version's.
    expect(data).toMatchObject({ serviceError: { code: 'BadRequest', message: 'bad' } });
    expect(data.message).toBe(`GET ${MONITOR} answered HTTP 400 BadRequest: bad`);
  });
});

describe('typed errors end the stream', () => {
  it('R6 a 202 POST without polling headers errors with a ProtocolError', () => {
    const { error, snapshots } = run({ [RESOURCE]: [{ status: 202 }] }, { method: 'POST', url: RESOURCE });
    expect(error).toBeInstanceOf(ProtocolError);
    expect(isLroError(error, 'protocol')).toBe(true);
    expect((error as ProtocolError).rule).toBe('R6');
    expect(snapshots).toEqual([]);
  });
  it('R7 a broken polling header errors with a ProtocolError', () => {
    const { error } = run(
      { [RESOURCE]: [{ status: 202, headers: { 'Operation-Location': 'not a url at all' } }] },
      { method: 'POST', url: RESOURCE },
    );
    expect(error).toMatchObject({ name: 'ProtocolError', rule: 'R7' });
  });
  it('R9 a status monitor without status errors with a ProtocolError after the first snapshot', () => {
    const { error, snapshots } = run({ [RESOURCE]: [accepted], [MONITOR]: [{ status: 200, body: { progress: 1 } }] });
    expect(snapshots).toHaveLength(1);
    expect(error).toMatchObject({ name: 'ProtocolError', rule: 'R9', body: { progress: 1 } });
  });
  it('X7 a result that does not match the codec errors with a DecodeError', () => {
    const Site = t.type({ id: t.string, properties: t.type({ state: t.literal('Running') }) });
    const { error } = run(
      {
        [RESOURCE]: [accepted, { status: 200, body: { id: 'app1', properties: { state: 'Stopped' } } }],
        [MONITOR]: [{ status: 200, body: { status: 'Succeeded' } }],
      },
      undefined,
      { result: Site },
    );
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).paths).toEqual(['properties.state']);
  });
  it('X7 the snapshot type follows the codec', () => {
    const Site = t.type({ id: t.string });
    const { snapshots } = run(
      {
        [RESOURCE]: [accepted, { status: 200, body: { id: 'app1', extra: true } }],
        [MONITOR]: [{ status: 200, body: { status: 'Succeeded' } }],
      },
      undefined,
      { result: Site },
    );
    const last = snapshots.at(-1) as OperationSnapshot<t.TypeOf<typeof Site>>;
    expect(last.result?.id).toBe('app1');
  });
  it('R13 a status monitor 4xx other than 408/429 is an HttpError', () => {
    const { error } = run({
      [RESOURCE]: [accepted],
      [MONITOR]: [{ status: 403, body: { error: { code: 'AuthorizationFailed', message: 'no' } } }],
    });
    expect(error).toMatchObject({ name: 'HttpError', status: 403 });
  });
  it('R13 a Location poll 4xx is the operation’s failure: a failed snapshot with the body’s error', () => {
    const location = `${BASE}/app1/operationResults/1?api-version=2024-01-01`;
    const { snapshots, completed } = run({
      [RESOURCE]: [{ status: 202, headers: { Location: location } }],
      [location]: [{ status: 409, body: { error: { code: 'Conflict', message: 'taken' } } }],
    });
    expect(completed).toBe(true);
    expect(snapshots.at(-1)).toMatchObject({ state: 'failed', status: 'Failed', httpStatus: 409, error: { code: 'Conflict' } });
  });
  // A resource-scoped monitor, under the deleted resource's path: it may vanish with the resource.
  const SCOPED = `${BASE}/app1/operationStatuses/op1?api-version=2024-01-01`;
  it('R14 a 404 from a monitor under the deleted resource’s path means the resource is gone: succeeded', () => {
    const { snapshots, completed } = run(
      { [RESOURCE]: [{ status: 202, headers: { 'Azure-AsyncOperation': SCOPED } }], [SCOPED]: [{ status: 404 }] },
      { method: 'DELETE', url: RESOURCE },
    );
    expect(completed).toBe(true);
    expect(snapshots.at(-1)).toMatchObject({ state: 'succeeded', httpStatus: 404 });
  });
  it('R14 R13 a 404 from a monitor elsewhere (a subscription-level one) proves nothing: an HttpError, never success', () => {
    const { snapshots, error } = run(
      { [RESOURCE]: [{ status: 202, headers: { 'Azure-AsyncOperation': MONITOR } }], [MONITOR]: [{ status: 404 }] },
      { method: 'DELETE', url: RESOURCE },
    );
    expect(snapshots.some((s) => s.state === 'succeeded')).toBe(false);
    expect(error).toMatchObject({ name: 'HttpError', status: 404 });
  });
  it("R14 deleteNotFound: 'error' makes the resource-scoped 404 an HttpError", () => {
    const { error } = run(
      { [RESOURCE]: [{ status: 202, headers: { 'Azure-AsyncOperation': SCOPED } }], [SCOPED]: [{ status: 404 }] },
      { method: 'DELETE', url: RESOURCE },
      { deleteNotFound: 'error' },
    );
    expect(error).toMatchObject({ name: 'HttpError', status: 404 });
  });
});

describe('F1 transient faults are retried with the polling state kept', () => {
  it('F1 503 then 429 with Retry-After on the monitor, then success; polls count every request', () => {
    const { snapshots, sent, completed } = run(
      {
        [RESOURCE]: [accepted, { status: 200, body: { id: 'app1' } }],
        [MONITOR]: [{ status: 503 }, { status: 429, headers: { 'Retry-After': '5' } }, { status: 200, body: { status: 'Succeeded' } }],
      },
      undefined,
      { retry: { jitter: 0 } },
    );
    expect(completed).toBe(true);
    const polls = sent.filter((r) => r.method === 'GET');
    expect(polls.map((r) => r.time)).toEqual([1100, 2200, 7300, 7400]);
    expect(snapshots.map((s) => s.state)).toEqual(['running', 'succeeded']);
    expect(snapshots.at(-1)!.polls).toBe(4);
  });
  it('F1 after maxRetries the stream errors with the last cause', () => {
    const { error, sent } = run({ [RESOURCE]: [accepted], [MONITOR]: [{ status: 500 }, { status: 502 }, { status: 504 }] }, undefined, {
      retry: { maxRetries: 2, jitter: 0 },
    });
    expect(error).toMatchObject({ name: 'HttpError', status: 504 });
    expect(sent.filter((r) => r.method === 'GET')).toHaveLength(3);
  });
  it('F1 a network error on a poll is retried', () => {
    const { completed, sent } = run(
      {
        [RESOURCE]: [accepted, { status: 200, body: {} }],
        [MONITOR]: [
          { status: 0, fail: new NetworkError('GET', MONITOR, 'reset') },
          { status: 200, body: { status: 'Succeeded' } },
        ],
      },
      undefined,
      { retry: { jitter: 0 } },
    );
    expect(completed).toBe(true);
    expect(sent.filter((r) => r.url === MONITOR)).toHaveLength(2);
  });
  it('F1 the initial request: a transient status is retried for POST, a network error only for PUT and DELETE', () => {
    const reset = { status: 0, fail: new NetworkError('POST', RESOURCE, 'reset') };
    const post = run({ [RESOURCE]: [reset, { status: 200 }] }, { method: 'POST', url: RESOURCE });
    expect(post.error).toBeInstanceOf(NetworkError);
    expect(post.sent).toHaveLength(1);
    const put = run(
      { [RESOURCE]: [reset, { status: 200, body: { id: 'x' } }] },
      { method: 'PUT', url: RESOURCE },
      { retry: { jitter: 0 } },
    );
    expect(put.completed).toBe(true);
    expect(put.sent).toHaveLength(2);
    const throttled = run(
      { [RESOURCE]: [{ status: 429, headers: { 'Retry-After': '2' } }, { status: 200 }] },
      { method: 'POST', url: RESOURCE },
    );
    expect(throttled.completed).toBe(true);
    expect(throttled.sent.map((r) => r.time)).toEqual([0, 2100]);
  });
  it('F1 retry: false turns retries off', () => {
    const { error, sent } = run(
      { [RESOURCE]: [accepted], [MONITOR]: [{ status: 503 }, { status: 200, body: { status: 'Succeeded' } }] },
      undefined,
      { retry: false },
    );
    expect(error).toMatchObject({ status: 503 });
    expect(sent).toHaveLength(2);
  });
});

describe('T5/T6/F3 timing and teardown', () => {
  it('T5 timeoutMs ends the stream with a TimeoutError and stops polling', () => {
    const { error, sent, endedAt } = run({ [RESOURCE]: [accepted], [MONITOR]: [{ status: 200, body: { status: 'Running' } }] }, undefined, {
      timeoutMs: 10_000,
      delay: 1000,
    });
    expect(error).toBeInstanceOf(TimeoutError);
    expect(endedAt).toBe(10_000);
    expect(sent.every((r) => r.time <= 10_000)).toBe(true);
  });
  it('T5 requestTimeoutMs makes a hung request a NetworkError (retried, then final)', () => {
    const { error, sent } = run(
      { [RESOURCE]: [accepted], [MONITOR]: [{ status: 200, body: { status: 'Running' }, latencyMs: 60_000 }] },
      undefined,
      { requestTimeoutMs: 5000, retry: { maxRetries: 1, jitter: 0 } },
    );
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).reason).toContain('5000 ms');
    expect(sent.filter((r) => r.url === MONITOR)).toHaveLength(2);
  });
  it('T6 no request is sent after the terminal snapshot', () => {
    const { sent, endedAt } = run({
      [RESOURCE]: [accepted, { status: 200, body: {} }],
      [MONITOR]: [{ status: 200, body: { status: 'Succeeded' } }],
    });
    expect(Math.max(...sent.map((r) => r.time))).toBeLessThanOrEqual(endedAt!);
    expect(sent).toHaveLength(3);
  });
  it('T6/F3 unsubscribing during a wait clears the timer: no request starts afterwards', () => {
    const scheduler = testScheduler();
    scheduler.run((helpers) => {
      const { http, sent } = httpDouble(scheduler, helpers, {
        [RESOURCE]: [accepted],
        [MONITOR]: [{ status: 200, body: { status: 'Running' } }],
      });
      const subscription = trackOperation({ method: 'PUT', url: RESOURCE }, { http }).subscribe();
      scheduler.schedule(() => subscription.unsubscribe(), 500);
      scheduler.flush();
      expect(sent).toHaveLength(1);
      expect(scheduler.actions).toHaveLength(0);
    });
  });
  it('F3 unsubscribing during a request tears the request down; no request starts afterwards', () => {
    const scheduler = testScheduler();
    scheduler.run(() => {
      const torn: string[] = [];
      const started: string[] = [];
      const http: HttpClient = (request) =>
        new Observable<HttpResponse>((subscriber) => {
          started.push(request.url);
          const timer = scheduler.schedule(
            () => {
              subscriber.next(
                request.url === RESOURCE
                  ? { status: 202, headers: { 'azure-asyncoperation': MONITOR } }
                  : { status: 200, headers: {}, body: { status: 'Running' } },
              );
              subscriber.complete();
            },
            request.url === RESOURCE ? 10 : 10_000,
          );
          return () => {
            timer.unsubscribe();
            torn.push(request.url);
          };
        });
      const subscription = trackOperation({ method: 'POST', url: RESOURCE }, { http }).subscribe();
      scheduler.schedule(() => subscription.unsubscribe(), 3000);
      scheduler.flush();
      expect(started).toEqual([RESOURCE, MONITOR]);
      expect(torn).toEqual([RESOURCE, MONITOR]);
      expect(scheduler.now()).toBe(3000);
    });
  });
  it('T6 take(1) after the first snapshot sends nothing more', () => {
    const { sent } = (() => {
      const scheduler = testScheduler();
      let sentRequests: unknown[] = [];
      scheduler.run((helpers) => {
        const { http, sent } = httpDouble(scheduler, helpers, {
          [RESOURCE]: [accepted],
          [MONITOR]: [{ status: 200, body: { status: 'Running' } }],
        });
        sentRequests = sent;
        trackOperation({ method: 'PUT', url: RESOURCE }, { http }).pipe(take(1)).subscribe();
      });
      return { sent: sentRequests };
    })();
    expect(sent).toHaveLength(1);
  });
});

describe('pollOperation', () => {
  it('tracks every start of a stream independently', () => {
    const scheduler = testScheduler();
    scheduler.run((helpers) => {
      const monitors = [1, 2, 3].map((n) => `${MONITOR}&n=${n}`);
      const { http, sent } = httpDouble(scheduler, helpers, {
        [monitors[0]!]: [
          { status: 200, body: { status: 'Running' } },
          { status: 200, body: { status: 'Succeeded', properties: { n: 1 } } },
        ],
        [monitors[1]!]: [{ status: 200, body: { status: 'Failed', error: { code: 'E2', message: 'two' } } }],
        [monitors[2]!]: [{ status: 200, body: { status: 'Succeeded', properties: { n: 3 } } }],
      });
      const starts = helpers.cold('a 999ms b 999ms (c|)', {
        a: {
          request: { method: 'POST', url: `${BASE}/a/start` },
          response: { status: 202, headers: { 'Azure-AsyncOperation': monitors[0]! } },
        },
        b: {
          request: { method: 'POST', url: `${BASE}/b/start` },
          response: { status: 202, headers: { 'Azure-AsyncOperation': monitors[1]! } },
        },
        c: {
          request: { method: 'POST', url: `${BASE}/c/start` },
          response: { status: 202, headers: { 'Azure-AsyncOperation': monitors[2]! } },
        },
      });
      const snapshots: OperationSnapshot[] = [];
      let completed = false;
      starts.pipe(pollOperation({ http })).subscribe({ next: (s) => snapshots.push(s), complete: () => (completed = true) });
      scheduler.flush();
      const byUrl = (url: string) => snapshots.filter((s) => s.resumeToken.url === url).map((s) => s.state);
      expect(byUrl(`${BASE}/a/start`)).toEqual(['running', 'running', 'succeeded']);
      expect(byUrl(`${BASE}/b/start`)).toEqual(['running', 'failed']);
      expect(byUrl(`${BASE}/c/start`)).toEqual(['running', 'succeeded']);
      expect(sent.map((r) => r.time)).toEqual([1000, 2000, 3000, 3100]);
      expect(completed).toBe(true);
    });
  });

  it('accepts an AjaxResponse from rxjs/ajax', () => {
    const scheduler = testScheduler();
    scheduler.run((helpers) => {
      const { http } = httpDouble(scheduler, helpers, {
        [MONITOR]: [{ status: 200, body: { status: 'Succeeded', properties: { started: true } } }],
      });
      const xhr = {
        status: 202,
        responseType: 'json',
        response: null,
        getAllResponseHeaders: () => `azure-asyncoperation: ${MONITOR}\r\nretry-after: 3\r\n`,
      } as unknown as XMLHttpRequest;
      const ajaxResponse = new AjaxResponse({ loaded: 0, total: 0 } as ProgressEvent, xhr, {
        method: 'POST',
        url: `${BASE}/app1/start`,
        body: undefined,
        headers: {},
        async: true,
        timeout: 0,
        crossDomain: false,
        withCredentials: false,
        responseType: 'json',
      });
      const snapshots: OperationSnapshot[] = [];
      of(ajaxResponse)
        .pipe(pollOperation({ http }))
        .subscribe((s) => snapshots.push(s));
      scheduler.flush();
      expect(snapshots.map((s) => [s.state, s.nextPollInMs])).toEqual([
        ['running', 3000],
        ['succeeded', undefined],
      ]);
      expect(snapshots[1]!.result).toEqual({ started: true });
    });
  });

  it('accepts a fetch Response with options.method, reading its body once', async () => {
    const response = new Response(JSON.stringify({ properties: { provisioningState: 'Succeeded' }, id: 'r1' }), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
    Object.defineProperty(response, 'url', { value: RESOURCE });
    const snapshots: OperationSnapshot[] = [];
    await new Promise<void>((resolve, reject) =>
      of(response)
        .pipe(pollOperation({ method: 'PUT', http: () => NEVER }))
        .subscribe({ next: (s) => snapshots.push(s), error: reject, complete: resolve }),
    );
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]).toMatchObject({ state: 'succeeded', result: { id: 'r1' }, httpStatus: 200 });
  });

  it('bad starts are TypeErrors that say what is wrong', async () => {
    const attempt = (start: unknown, options = {}) =>
      new Promise<unknown>((resolve) =>
        from([start as StartInput])
          .pipe(pollOperation(options))
          .subscribe({ error: resolve, complete: () => resolve(undefined) }),
      );
    expect(await attempt(42)).toBeInstanceOf(TypeError);
    expect(String(await attempt({ request: { method: 'HEAD', url: RESOURCE }, response: { status: 202 } }))).toContain(
      'request.method must be one of PUT, PATCH, POST, DELETE, GET',
    );
    expect(String(await attempt({ request: { method: 'PUT', url: 'nope' }, response: { status: 202 } }))).toContain(
      'request.url must be an absolute http(s) URL',
    );
    expect(String(await attempt({ request: { method: 'PUT', url: RESOURCE }, response: { status: 'ok' } }))).toContain('HTTP status code');
    const response = new Response('{}', { status: 202 });
    expect(String(await attempt(response))).toContain('pass options.method');
  });

  it('a failing tracker does not stop the others: each start is independent', () => {
    const scheduler = testScheduler();
    scheduler.run((helpers) => {
      const { http } = httpDouble(scheduler, helpers, { [MONITOR]: [{ status: 200, body: { status: 'Succeeded' } }] });
      const starts = new Subject<StartInput>();
      const seen: string[] = [];
      let error: unknown;
      starts.pipe(pollOperation({ http })).subscribe({ next: (s) => seen.push(s.state), error: (e) => (error = e) });
      starts.next({
        request: { method: 'POST', url: `${BASE}/ok/start` },
        response: { status: 202, headers: { 'azure-asyncoperation': MONITOR } },
      });
      scheduler.flush();
      expect(seen).toEqual(['running', 'succeeded']);
      expect(error).toBeUndefined();
    });
  });
});

describe('S1/S2 origins and credentials', () => {
  it('S1 a status monitor on another origin is a SecurityError, and receives nothing', () => {
    const foreign = 'https://evil.example.com/ops/1';
    const { error, sent } = run(
      {
        [RESOURCE]: [{ status: 201, headers: { 'Azure-AsyncOperation': foreign } }],
        [foreign]: [{ status: 200, body: { status: 'Succeeded' } }],
      },
      undefined,
      {
        authorize: () => ({ authorization: 'Bearer secret' }),
      },
    );
    expect(error).toBeInstanceOf(SecurityError);
    expect(sent.map((r) => r.url)).toEqual([RESOURCE]);
    expect(sent[0]!.headers['authorization']).toBe('Bearer secret');
  });
  it('S1 allowedOrigins and rewriteUrl let a caller trust or map another origin', () => {
    const foreign = 'https://ops.example.com/ops/1?api-version=2024-01-01';
    const routes = {
      [RESOURCE]: [
        { status: 202, headers: { 'Azure-AsyncOperation': foreign } },
        { status: 200, body: {} },
      ],
      [foreign]: [{ status: 200, body: { status: 'Succeeded' } }],
    } as Record<string, Reply[]>;
    expect(run(routes, undefined, { allowedOrigins: ['https://ops.example.com'] }).completed).toBe(true);
    const gateway = 'https://management.azure.com/gateway/ops/1?api-version=2024-01-01';
    const mapped = run({ ...routes, [gateway]: [{ status: 200, body: { status: 'Succeeded' } }] }, undefined, {
      rewriteUrl: (url) => url.replace('https://ops.example.com', 'https://management.azure.com/gateway'),
    });
    expect(mapped.completed).toBe(true);
    expect(mapped.sent.map((r) => r.url)).toContain(gateway);
  });
  it('S2 http: is followed only on loopback, when the operation started there', () => {
    const insecure = 'http://management.azure.com/ops/1';
    const { error } = run({ [RESOURCE]: [{ status: 202, headers: { 'Azure-AsyncOperation': insecure } }] }, undefined, {
      allowedOrigins: ['http://management.azure.com'],
    });
    expect(error).toMatchObject({ name: 'SecurityError' });
    const local = 'http://127.0.0.1:8080/sub/vm?api-version=1';
    const ok = run(
      {
        [local]: [{ status: 202, headers: { 'Azure-AsyncOperation': '/ops/1' } }],
        ['http://127.0.0.1:8080/ops/1?api-version=1']: [{ status: 200, body: { status: 'Succeeded' } }],
      },
      { method: 'POST', url: local },
    );
    expect(ok.completed).toBe(true);
  });
  describe('S2 credentials never travel over plain http: to a host that is not loopback', () => {
    const PLAIN = 'http://management.example.com/subscriptions/s1/resourceGroups/rg/providers/P/things/t1?api-version=1';
    const answers = { [PLAIN]: [{ status: 201, headers: { 'Azure-AsyncOperation': '/ops/1' } }] } as Record<string, Reply[]>;
    it.each([
      ['the authorize hook', {}, { authorize: () => ({ authorization: 'Bearer secret' }) }],
      ['an authorization header in options.headers', {}, { headers: { Authorization: 'Bearer secret' } }],
      ['a subscription key in request.headers', { headers: { 'Ocp-Apim-Subscription-Key': 'k' } }, {}],
      ['a cookie in request.headers', { headers: { cookie: 'session=1' } }, {}],
    ] as const)('S2 the initial request with %s is a SecurityError before anything is sent', (_what, request, options) => {
      const { error, sent, snapshots } = run(answers, { method: 'PUT', url: PLAIN, ...request }, options);
      expect(error).toBeInstanceOf(SecurityError);
      expect((error as SecurityError).reason).toContain('plain http:');
      expect(sent).toEqual([]);
      expect(snapshots).toEqual([]);
    });
    it('S2 without credentials the plain-http initial request is sent, but its polling URLs are not followed', () => {
      const { error, sent } = run(answers, { method: 'PUT', url: PLAIN });
      expect(sent.map((r) => r.url)).toEqual([PLAIN]);
      expect(error).toMatchObject({ name: 'SecurityError', reason: expect.stringContaining('only https:') });
    });
    it('S2 credentials over http: to loopback stay allowed (local testing)', () => {
      const local = 'http://127.0.0.1:8080/sub/vm?api-version=1';
      const { completed, sent } = run(
        {
          [local]: [{ status: 202, headers: { 'Azure-AsyncOperation': '/ops/1' } }],
          ['http://127.0.0.1:8080/ops/1?api-version=1']: [{ status: 200, body: { status: 'Succeeded' } }],
        },
        { method: 'POST', url: local },
        { authorize: () => ({ authorization: 'Bearer local' }) },
      );
      expect(completed).toBe(true);
      expect(sent.every((r) => r.headers['authorization'] === 'Bearer local')).toBe(true);
    });
    it('S2 a poll, a final GET or a redirect to plain http: off loopback is refused and receives nothing', () => {
      const insecure = 'http://management.example.com/ops/1';
      const poll = run({ [RESOURCE]: [{ status: 201, headers: { 'Azure-AsyncOperation': insecure } }] }, undefined, {
        authorize: () => ({ authorization: 'Bearer secret' }),
      });
      expect(poll.error).toBeInstanceOf(SecurityError);
      expect(poll.sent.map((r) => r.url)).toEqual([RESOURCE]);
      const final = run(
        {
          [RESOURCE]: [accepted],
          [MONITOR]: [{ status: 200, body: { status: 'Succeeded', resourceLocation: `${insecure}/result` } }],
        },
        undefined,
        { authorize: () => ({ authorization: 'Bearer secret' }) },
      );
      expect(final.error).toBeInstanceOf(SecurityError);
      expect(final.sent.map((r) => r.url)).toEqual([RESOURCE, MONITOR]);
      const redirect = run({ [RESOURCE]: [accepted], [MONITOR]: [{ status: 307, headers: { Location: insecure } }] }, undefined, {
        authorize: () => ({ authorization: 'Bearer secret' }),
      });
      expect(redirect.error).toBeInstanceOf(SecurityError);
      expect(redirect.sent.map((r) => r.url)).toEqual([RESOURCE, MONITOR]);
    });
  });
  it('the authorize hook is asked per request, and may be async', async () => {
    let calls = 0;
    const seen: string[] = [];
    const http: HttpClient = (request) =>
      new Observable<HttpResponse>((subscriber) => {
        seen.push(request.headers['authorization'] ?? '');
        subscriber.next(
          request.method === 'POST'
            ? { status: 202, headers: { 'azure-asyncoperation': 'http://127.0.0.1:1/ops/1' } }
            : { status: 200, headers: {}, body: { status: seen.length >= 3 ? 'Succeeded' : 'Running' } },
        );
        subscriber.complete();
      });
    await new Promise<void>((resolve, reject) =>
      trackOperation(
        { method: 'POST', url: 'http://127.0.0.1:1/vm/start' },
        { http, delay: 1, authorize: async () => ({ authorization: `Bearer t${++calls}` }) },
      ).subscribe({ error: reject, complete: resolve }),
    );
    expect(seen).toEqual(['Bearer t1', 'Bearer t2', 'Bearer t3']);
  });
});
