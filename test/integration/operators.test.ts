// The operators over real HTTP: pollOperation over real initial responses, resumeOperation, finalResult, unsubscribe.
import * as io from 'io-ts';
import { from, lastValueFrom, type Subscription } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  finalResult,
  pollOperation,
  resumeOperation,
  trackOperation,
  type OperationSnapshot,
  type OperationStart,
  type ResumeToken,
  type StartInput,
} from '../../src/index';
import {
  NESTED_ERROR,
  POST_RESULT,
  PUT_BODY,
  checkSnapshots,
  collect,
  errorOf,
  expectQuiet,
  fast,
  kinds,
  last,
  putResource,
  requestsFor,
  sleep,
  target,
  type Target,
  useSimulator,
} from './helpers';

const sim = useSimulator();

/** Sends an initial request with the global fetch and returns it as an `OperationStart`. */
async function start(method: string, url: string, body?: unknown, plainHeaders = false): Promise<OperationStart> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  const res = await fetch(url, init);
  const text = await res.text();
  return {
    request: { method, url },
    response: {
      status: res.status,
      headers: plainHeaders ? Object.fromEntries(res.headers.entries()) : res.headers,
      body: text === '' ? undefined : (JSON.parse(text) as unknown),
    },
  };
}

function byOperation(snapshots: OperationSnapshot[]): Map<string, OperationSnapshot[]> {
  const groups = new Map<string, OperationSnapshot[]>();
  for (const s of snapshots) {
    const list = groups.get(s.resumeToken.url) ?? [];
    list.push(s);
    groups.set(s.resumeToken.url, list);
  }
  return groups;
}

function withoutPolls(s: OperationSnapshot): Omit<OperationSnapshot, 'polls'> {
  const { polls: _polls, ...rest } = s;
  return rest;
}

describe.concurrent('pollOperation over real initial responses', () => {
  it('R1 R2 R3 several starts (OperationStart with Headers or a plain record, and fetch Responses) are tracked independently', async () => {
    const a = target(sim(), 'a');
    const b = target(sim(), 'b');
    const c = target(sim(), 'c');
    const d = target(sim(), 'd');
    const e = target(sim(), 'e');
    sim().define(a.path, { pattern: 'azure-async-operation', polls: 3 });
    sim().define(b.path, { pattern: 'location', polls: 2, resource: POST_RESULT });
    sim().define(c.path, { pattern: 'operation-location', polls: 4, outcome: 'Failed', error: NESTED_ERROR });
    sim().define(d.path, { pattern: 'azure-async-operation', polls: 1, resource: POST_RESULT });
    sim().define(e.path, { pattern: 'location', polls: 2, outcome: 'Canceled', locationFailure: 'provisioning-state' });

    const starts: StartInput[] = [
      await start('PUT', a.url, PUT_BODY),
      await start('POST', b.url),
      await start('DELETE', c.url, undefined, true),
      // A fetch Response, unread: its method comes from options.method.
      await fetch(d.url, { method: 'POST' }),
      await start('PUT', e.url, PUT_BODY, true),
    ];
    const run = await collect(from(starts).pipe(pollOperation(fast({ method: 'POST' }))), 8_000, true);
    expect(run.error).toBeUndefined();
    expect(run.completed).toBe(true);

    const groups = byOperation(run.snapshots);
    expect([...groups.keys()].sort()).toEqual([a.url, b.url, c.url, d.url, e.url].sort());
    for (const [, list] of groups) {
      // Each tracker on its own: its first snapshot is its initial response, its last is terminal.
      checkSnapshots({ snapshots: list, error: undefined, completed: true });
      expect(list[0]!.polls).toBe(0);
    }
    const end = (t: Target): OperationSnapshot => groups.get(t.url)![groups.get(t.url)!.length - 1]!;
    expect(end(a)).toMatchObject({ state: 'succeeded', status: 'Succeeded', polls: 4 });
    expect(end(a).result).toStrictEqual(putResource(a, 'Succeeded'));
    expect(end(b)).toMatchObject({ state: 'succeeded', httpStatus: 200, polls: 2, result: POST_RESULT });
    expect(end(c)).toMatchObject({ state: 'failed', status: 'Failed', polls: 4 });
    expect(end(c).error).toStrictEqual(NESTED_ERROR);
    expect(end(d)).toMatchObject({ state: 'succeeded', polls: 1, result: POST_RESULT });
    expect(end(d).resumeToken.method).toBe('POST');
    expect(end(e)).toMatchObject({ state: 'canceled', status: 'Canceled', polls: 2 });
    expect(groups.get(a.url)!.map((s) => s.state)).toEqual(['running', 'running', 'running', 'succeeded']);

    // One initial request each (ours), and every poll went to that operation's own URLs.
    for (const t of [a, b, c, d, e]) {
      const reqs = requestsFor(sim(), t);
      expect(reqs.filter((r) => r.kind === 'initial')).toHaveLength(1);
      const ids = new Set(reqs.map((r) => r.operationId));
      expect(ids.size).toBe(1);
      expect(end(t).polls).toBe(reqs.length - 1);
      await expectQuiet(sim(), t, 20);
    }
  });

  it('S1 R7 a start is trusted by its own request URL: a relative monitor resolves against it', async () => {
    const t = target(sim());
    sim().define(t.path, { pattern: 'azure-async-operation', polls: 2, relativeUrls: true, resource: POST_RESULT });
    const s = await start('POST', t.url);
    expect(((s.response.headers as Headers).get('azure-asyncoperation') ?? '').startsWith('/subscriptions/')).toBe(true);
    const run = await collect(from([s]).pipe(pollOperation(fast())));
    expect(last(run)).toMatchObject({ state: 'succeeded', result: POST_RESULT, polls: 2 });
    expect(kinds(requestsFor(sim(), t))).toEqual(['initial', 'poll', 'poll']);
    await expectQuiet(sim(), t);
  });
});

describe.concurrent('resumeOperation', () => {
  it('resuming from a mid-flight resumeToken (JSON round-tripped) ends with the same final snapshot (ignoring polls), no second initial request', async () => {
    const t = target(sim());
    sim().define(t.path, { pattern: 'azure-async-operation', polls: 6, percentComplete: true });
    let resumed: ReturnType<typeof collect<unknown>> | undefined;
    let tokenJson = '';
    const originalSnapshots: OperationSnapshot[] = [];
    const original = await new Promise<{ error?: unknown }>((resolve) => {
      trackOperation({ method: 'PUT', url: t.url, body: PUT_BODY }, fast({ delay: 20 })).subscribe({
        next: (s) => {
          originalSnapshots.push(s);
          if (s.polls === 2 && resumed === undefined) {
            expect(s.state).toBe('running');
            tokenJson = JSON.stringify(s.resumeToken);
            resumed = collect(resumeOperation(JSON.parse(tokenJson) as ResumeToken, fast({ delay: 20 })));
          }
        },
        error: (error: unknown) => resolve({ error }),
        complete: () => resolve({}),
      });
    });
    expect(original.error).toBeUndefined();
    expect(resumed).toBeDefined();
    const second = await resumed!;
    checkSnapshots({ snapshots: originalSnapshots, error: undefined, completed: true });
    const a = originalSnapshots[originalSnapshots.length - 1]!;
    const b = last(second);
    expect(a.state).toBe('succeeded');
    expect(withoutPolls(b)).toStrictEqual(withoutPolls(a));
    expect(b.result).toStrictEqual(putResource(t, 'Succeeded'));
    // The token is plain JSON that names the operation.
    expect(JSON.parse(tokenJson)).toMatchObject({ v: 1, method: 'PUT', url: t.url, mode: 'status' });
    // The resumed tracker polls at once: its first snapshot is a poll, not an initial response.
    expect(second.snapshots[0]!.polls).toBe(1);
    expect(second.snapshots[0]!.httpStatus).toBe(200);
    const reqs = requestsFor(sim(), t);
    expect(reqs.filter((r) => r.kind === 'initial')).toHaveLength(1);
    expect(reqs.filter((r) => r.kind === 'final')).toHaveLength(2);
    expect(reqs.filter((r) => r.method !== 'GET')).toHaveLength(1);
    await expectQuiet(sim(), t);
  });

  it('resume a location POST after the first tracker was unsubscribed', async () => {
    const t = target(sim());
    sim().define(t.path, { pattern: 'location', polls: 4, resource: POST_RESULT });
    const token = await new Promise<string>((resolve) => {
      const subscription: Subscription = trackOperation({ method: 'POST', url: t.url }, fast()).subscribe((s) => {
        if (s.polls === 1) {
          subscription.unsubscribe();
          resolve(JSON.stringify(s.resumeToken));
        }
      });
    });
    const before = requestsFor(sim(), t).length;
    expect(before).toBe(2);
    const run = await collect(resumeOperation(JSON.parse(token) as ResumeToken, fast()));
    expect(last(run)).toMatchObject({ state: 'succeeded', httpStatus: 200, result: POST_RESULT, polls: 3 });
    expect(run.snapshots.map((s) => s.status)).toEqual(['InProgress', 'InProgress', 'Succeeded']);
    const reqs = requestsFor(sim(), t);
    expect(kinds(reqs)).toEqual(['initial', 'poll', 'poll', 'poll', 'poll']);
    expect(reqs.filter((r) => r.method === 'POST')).toHaveLength(1);
    await expectQuiet(sim(), t);
  });

  it('S3 a token whose pollUrl was moved to another origin is refused before anything is sent', async () => {
    const t = target(sim());
    sim().define(t.path, { pattern: 'azure-async-operation', polls: 3 });
    const first = await new Promise<OperationSnapshot>((resolve) => {
      const subscription: Subscription = trackOperation({ method: 'PUT', url: t.url, body: PUT_BODY }, fast()).subscribe((s) => {
        subscription.unsubscribe();
        resolve(s);
      });
    });
    const token = JSON.parse(JSON.stringify(first.resumeToken)) as ResumeToken;
    token.pollUrl = token.pollUrl!.replace(sim().url, sim().otherOriginUrl);
    const count = sim().requests.length;
    const run = await collect(resumeOperation(token, fast()));
    expect(errorOf(run)).toMatchObject({ name: 'SecurityError', code: 'security' });
    expect(run.snapshots).toHaveLength(0);
    expect(
      sim()
        .requests.slice(count)
        .filter((r) => r.url.includes(t.uid)),
    ).toHaveLength(0);
    expect(requestsFor(sim(), t).filter((r) => r.listener === 'other-origin')).toHaveLength(0);
  });

  it('S3 a malformed token is a ProtocolError (rule S3) and nothing is sent', async () => {
    const t = target(sim());
    const count = requestsFor(sim(), t).length;
    const run = await collect(resumeOperation({ v: 1, method: 'PUT', url: t.url, mode: 'status' } as ResumeToken, fast()));
    expect(errorOf(run)).toMatchObject({ name: 'ProtocolError', rule: 'S3' });
    await sleep(30);
    expect(requestsFor(sim(), t).length).toBe(count);
  });
});

describe.concurrent('finalResult', () => {
  it('X1 finalResult() gives the final resource', async () => {
    const t = target(sim());
    sim().define(t.path, { pattern: 'azure-async-operation', polls: 2 });
    const result = await lastValueFrom(trackOperation({ method: 'PUT', url: t.url, body: PUT_BODY }, fast()).pipe(finalResult()));
    expect(result).toStrictEqual(putResource(t, 'Succeeded'));
    await expectQuiet(sim(), t);
  });

  it('X7 finalResult() with an io-ts codec gives the decoded, typed result', async () => {
    const t = target(sim());
    sim().define(t.path, { pattern: 'location', polls: 2 });
    const Widget = io.type({ id: io.string, properties: io.type({ size: io.number, provisioningState: io.string }) });
    const widget = await lastValueFrom(
      trackOperation({ method: 'PUT', url: t.url, body: PUT_BODY }, fast({ result: Widget })).pipe(finalResult()),
    );
    const size: number = widget.properties.size;
    expect(size).toBe(3);
    expect(widget.id).toBe(t.path);
  });

  it('X7 a result that does not match the codec is a DecodeError naming the path', async () => {
    const t = target(sim());
    sim().define(t.path, { pattern: 'azure-async-operation', polls: 1 });
    const Widget = io.type({ properties: io.type({ size: io.string }) });
    const run = await collect(trackOperation({ method: 'PUT', url: t.url, body: PUT_BODY }, fast({ result: Widget })));
    const error = errorOf(run);
    expect(error).toMatchObject({ name: 'DecodeError', code: 'decode' });
    expect(String(error['message'])).toContain('properties.size');
    expect(kinds(requestsFor(sim(), t))).toEqual(['initial', 'poll', 'final']);
    await expectQuiet(sim(), t);
  });

  it('F4 finalResult() errors with OperationFailedError for a failed operation', async () => {
    const t = target(sim());
    sim().define(t.path, { pattern: 'azure-async-operation', polls: 2, outcome: 'Failed', error: NESTED_ERROR });
    const error = await lastValueFrom(trackOperation({ method: 'POST', url: t.url }, fast()).pipe(finalResult())).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    const data = JSON.parse(JSON.stringify(error)) as Record<string, unknown>;
    expect(data).toMatchObject({ name: 'OperationFailedError', code: 'operation-failed', state: 'failed', status: 'Failed' });
    expect(data['error']).toStrictEqual(NESTED_ERROR);
    expect(requestsFor(sim(), t).filter((r) => r.kind === 'final')).toHaveLength(0);
    await expectQuiet(sim(), t);
  });

  it('F4 finalResult() errors with OperationFailedError (canceled) for a canceled operation', async () => {
    const t = target(sim());
    sim().define(t.path, { pattern: 'provisioning-state', polls: 2, outcome: 'Cancelled' });
    const error = await lastValueFrom(trackOperation({ method: 'PUT', url: t.url, body: PUT_BODY }, fast()).pipe(finalResult())).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      name: 'OperationFailedError',
      state: 'canceled',
      status: 'Cancelled',
      error: { code: 'Unknown' },
    });
  });
});

describe.concurrent('T6 F3 unsubscribing mid-flight', () => {
  it('T6 unsubscribing between polls: no request for the operation reaches the simulator afterwards', async () => {
    const t = target(sim());
    sim().define(t.path, { pattern: 'azure-async-operation', polls: 100 });
    const seen: OperationSnapshot[] = [];
    await new Promise<void>((resolve) => {
      const subscription: Subscription = trackOperation({ method: 'PUT', url: t.url, body: PUT_BODY }, fast({ delay: 15 })).subscribe(
        (s) => {
          seen.push(s);
          if (s.polls === 3) {
            subscription.unsubscribe();
            resolve();
          }
        },
      );
    });
    const count = requestsFor(sim(), t).length;
    expect(count).toBe(4);
    await sleep(120);
    expect(requestsFor(sim(), t).length).toBe(count);
    expect(seen.map((s) => s.state)).toEqual(['running', 'running', 'running', 'running']);
    checkSnapshots({ snapshots: seen, error: undefined, completed: false });
  });

  it('F3 unsubscribing while a poll is in flight aborts it, and nothing follows', async () => {
    const t = target(sim());
    // The slow answer is due 1.5 s after the poll came: time enough to hang up first, and the wait
    // below outlasts it, so an answer still written (a poll not aborted) shows.
    sim().define(t.path, { pattern: 'azure-async-operation', polls: 100, faults: [{ on: 'poll', nth: 2, kind: 'slow', delayMs: 1_500 }] });
    const subscription = trackOperation({ method: 'PUT', url: t.url, body: PUT_BODY }, fast()).subscribe();
    for (let i = 0; i < 2_000 && requestsFor(sim(), t).length < 3; i++) await sleep(5);
    const inFlight = requestsFor(sim(), t);
    expect(kinds(inFlight)).toEqual(['initial', 'poll', 'poll']);
    expect(inFlight[2]!.fault).toBe('slow');
    subscription.unsubscribe();
    await sleep(2_000);
    const reqs = requestsFor(sim(), t);
    expect(reqs).toHaveLength(3);
    // The simulator never answered: the client hung up before the slow answer was due.
    expect(reqs[2]!.status).toBeUndefined();
  });

  it('F3 unsubscribing while the initial request is in flight: nothing else is sent', async () => {
    const t = target(sim());
    sim().define(t.path, { pattern: 'azure-async-operation', polls: 1, faults: [{ on: 'initial', kind: 'slow', delayMs: 1_500 }] });
    const subscription = trackOperation({ method: 'PUT', url: t.url, body: PUT_BODY }, fast()).subscribe();
    for (let i = 0; i < 2_000 && requestsFor(sim(), t).length < 1; i++) await sleep(5);
    subscription.unsubscribe();
    await sleep(2_000);
    const reqs = requestsFor(sim(), t);
    expect(kinds(reqs)).toEqual(['initial']);
    expect(reqs[0]!.status).toBeUndefined();
  });

  it('T6 unsubscribing during a long Retry-After wait cancels the poll', async () => {
    const t = target(sim());
    sim().define(t.path, { pattern: 'location', polls: 2, retryAfter: 30 });
    const first = await new Promise<OperationSnapshot>((resolve) => {
      const subscription: Subscription = trackOperation({ method: 'DELETE', url: t.url }, fast()).subscribe((s) => {
        subscription.unsubscribe();
        resolve(s);
      });
    });
    expect(first).toMatchObject({ state: 'running', nextPollInMs: 30_000 });
    await sleep(60);
    expect(kinds(requestsFor(sim(), t))).toEqual(['initial']);
  });

  it('T6 unsubscribing the merged stream of pollOperation stops every tracker', async () => {
    const a = target(sim(), 'a');
    const b = target(sim(), 'b');
    sim().define(a.path, { pattern: 'azure-async-operation', polls: 100 });
    sim().define(b.path, { pattern: 'location', polls: 100 });
    const starts = [await start('PUT', a.url, PUT_BODY), await start('DELETE', b.url)];
    let n = 0;
    await new Promise<void>((resolve) => {
      const subscription: Subscription = from(starts)
        .pipe(pollOperation(fast()))
        .subscribe(() => {
          n += 1;
          if (n === 8) {
            subscription.unsubscribe();
            resolve();
          }
        });
    });
    // A poll of the other tracker may have been on the wire (aborted, but it may still land): let it.
    await sleep(300);
    const counts = [requestsFor(sim(), a).length, requestsFor(sim(), b).length];
    expect(counts[0]! + counts[1]!).toBeGreaterThanOrEqual(8);
    expect(counts[0]! + counts[1]!).toBeLessThanOrEqual(9);
    await sleep(100);
    expect([requestsFor(sim(), a).length, requestsFor(sim(), b).length]).toEqual(counts);
  });
});
