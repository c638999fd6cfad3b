// Every fault kind of the simulator, over real HTTP with the default client: what PROTOCOL.md says must happen.
import crossFetch from 'cross-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchHttpClient, type FetchLike } from '../../src/index';
import { startSimulator, type Fault, type RecordedRequest, type Simulator } from '../../src/testing/index';
import { NESTED_ERROR, POST_RESULT, digest, errorOf, finish, kinds, last, putResource, requestsFor, runOp, sleep } from './helpers';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
});

const TRANSIENT = [500, 502, 503, 504, 408, 429] as const;
const TOLERANCE_MS = 5;

/** A transient status with no wait hint (the simulator's 429 default of 1 s would slow the suite). */
function transient(on: Fault['on'], kind: number, extra: Partial<Fault> = {}): Fault {
  return { on, kind, retryAfter: { form: 'none' }, ...extra };
}

function gap(a: RecordedRequest, b: RecordedRequest): number {
  return b.time - a.time;
}

describe.concurrent('F1 R13 transient statuses are retried', () => {
  it.each(TRANSIENT)('F1 R13 %i on a status-monitor poll is retried and the operation succeeds', async (code) => {
    const result = await runOp(sim, 'PUT', { pattern: 'azure-async-operation', polls: 3, faults: [transient('poll', code, { nth: 2 })] });
    const { run, reqs, t } = result;
    // The failed poll makes no snapshot: polling state survives the retry, only `polls` moves on.
    expect(digest(run)).toEqual([
      ['running', 'Accepted', 201, 0],
      ['running', 'InProgress', 200, 1],
      ['succeeded', 'Succeeded', 200, 4],
    ]);
    expect(reqs.map((r) => [r.kind, r.status])).toEqual([
      ['initial', 201],
      ['poll', 200],
      ['poll', code],
      ['poll', 200],
      ['final', 200],
    ]);
    expect(reqs[2]!.fault).toBe(code);
    expect(reqs[3]!.url).toBe(reqs[2]!.url);
    expect(gap(reqs[2]!, reqs[3]!)).toBeGreaterThanOrEqual(5 - TOLERANCE_MS);
    expect(last(run).result).toStrictEqual(putResource(t, 'Succeeded'));
    await finish(sim, result);
  });

  it.each(TRANSIENT)('F1 %i on the final GET is retried and the operation succeeds', async (code) => {
    const result = await runOp(sim, 'PUT', { pattern: 'azure-async-operation', polls: 2, faults: [transient('final', code)] });
    const { run, reqs, t } = result;
    expect(reqs.map((r) => [r.kind, r.status])).toEqual([
      ['initial', 201],
      ['poll', 200],
      ['poll', 200],
      ['final', code],
      ['final', 200],
    ]);
    expect(reqs[4]!.url).toBe(t.pathAndQuery);
    expect(last(run)).toMatchObject({ state: 'succeeded', httpStatus: 200, polls: 4 });
    expect(last(run).result).toStrictEqual(putResource(t, 'Succeeded'));
    await finish(sim, result);
  });

  it.each(TRANSIENT)('F1 R13 %i on a status-monitor poll with retry: false is an HttpError', async (code) => {
    const result = await runOp(
      sim,
      'PUT',
      { pattern: 'azure-async-operation', polls: 3, faults: [transient('poll', code, { nth: 2 })] },
      { retry: false },
    );
    const error = errorOf(result.run);
    expect(error).toMatchObject({ name: 'HttpError', code: 'http', status: code, method: 'GET' });
    expect(String(error['url'])).toContain('/operationStatuses/');
    expect(kinds(result.reqs)).toEqual(['initial', 'poll', 'poll']);
    expect(result.run.snapshots).toHaveLength(2);
    await finish(sim, result);
  });

  it.each(TRANSIENT)('F1 %i on the final GET with retry: false is an HttpError', async (code) => {
    const result = await runOp(
      sim,
      'PUT',
      { pattern: 'azure-async-operation', polls: 2, faults: [transient('final', code)] },
      { retry: false },
    );
    expect(errorOf(result.run)).toMatchObject({ name: 'HttpError', status: code, url: result.t.url });
    expect(kinds(result.reqs)).toEqual(['initial', 'poll', 'poll', 'final']);
    await finish(sim, result);
  });

  it.each([500, 429, 408])('F1 R13 %i on a Location poll is retried, not a failure', async (code) => {
    const result = await runOp(sim, 'POST', {
      pattern: 'location',
      polls: 3,
      resource: POST_RESULT,
      faults: [transient('poll', code, { nth: 2 })],
    });
    expect(result.reqs.map((r) => r.status)).toEqual([202, 202, code, 200]);
    expect(last(result.run)).toMatchObject({ state: 'succeeded', httpStatus: 200, polls: 3, result: POST_RESULT });
    await finish(sim, result);
  });

  it('F1 T1 429 with Retry-After (ms) on a poll: the retry waits for it', async () => {
    const result = await runOp(sim, 'PUT', {
      pattern: 'azure-async-operation',
      polls: 2,
      faults: [{ on: 'poll', kind: 429, retryAfter: { form: 'ms', value: 200 } }],
    });
    const { reqs } = result;
    expect(reqs.map((r) => r.status)).toEqual([201, 429, 200, 200]);
    expect(gap(reqs[1]!, reqs[2]!)).toBeGreaterThanOrEqual(200 - TOLERANCE_MS);
    expect(last(result.run).state).toBe('succeeded');
    await finish(sim, result);
  });

  it('F1 T1 429 with its default Retry-After: 1 on a poll: the retry waits a second', async () => {
    const result = await runOp(sim, 'POST', {
      pattern: 'azure-async-operation',
      polls: 1,
      resource: POST_RESULT,
      faults: [{ on: 'poll', kind: 429 }],
    });
    const { reqs } = result;
    expect(reqs.map((r) => r.status)).toEqual([202, 429, 200]);
    expect(gap(reqs[1]!, reqs[2]!)).toBeGreaterThanOrEqual(1000 - TOLERANCE_MS);
    expect(last(result.run)).toMatchObject({ state: 'succeeded', result: POST_RESULT });
    await finish(sim, result);
  });

  it('F1 503 with Retry-After (seconds) on the final GET: the retry waits for it', async () => {
    const result = await runOp(sim, 'PUT', {
      pattern: 'azure-async-operation',
      polls: 1,
      faults: [{ on: 'final', kind: 503, retryAfter: 0.2 }],
    });
    const { reqs } = result;
    expect(reqs.map((r) => [r.kind, r.status])).toEqual([
      ['initial', 201],
      ['poll', 200],
      ['final', 503],
      ['final', 200],
    ]);
    expect(gap(reqs[2]!, reqs[3]!)).toBeGreaterThanOrEqual(200 - TOLERANCE_MS);
    expect(last(result.run).state).toBe('succeeded');
    await finish(sim, result);
  });

  it('F1 repeated 503 beyond maxRetries ends with an HttpError carrying the last status', async () => {
    const result = await runOp(
      sim,
      'PUT',
      {
        pattern: 'azure-async-operation',
        polls: 5,
        faults: [transient('poll', 500, { nth: 1 }), transient('poll', 502, { nth: 2 }), transient('poll', 503, { nth: 3, count: 10 })],
      },
      { retry: { maxRetries: 2, baseDelayMs: 5, jitter: 0 } },
    );
    expect(errorOf(result.run)).toMatchObject({ name: 'HttpError', status: 503 });
    // One attempt and two retries, then nothing.
    expect(result.reqs.map((r) => [r.kind, r.status])).toEqual([
      ['initial', 201],
      ['poll', 500],
      ['poll', 502],
      ['poll', 503],
    ]);
    expect(result.run.snapshots).toHaveLength(1);
    await finish(sim, result);
  });

  it('F1 503 answered to the initial POST is retried (a status code is retried for every method)', async () => {
    const result = await runOp(sim, 'POST', {
      pattern: 'azure-async-operation',
      polls: 1,
      resource: POST_RESULT,
      faults: [transient('initial', 503)],
    });
    expect(result.reqs.map((r) => [r.method, r.kind, r.status])).toEqual([
      ['POST', 'initial', 503],
      ['POST', 'initial', 202],
      ['GET', 'poll', 200],
    ]);
    expect(last(result.run)).toMatchObject({ state: 'succeeded', result: POST_RESULT, polls: 1 });
    await finish(sim, result);
  });

  it('F1 an initial PUT answered 503 more often than maxRetries is an HttpError, nothing polled', async () => {
    const result = await runOp(
      sim,
      'PUT',
      { pattern: 'azure-async-operation', polls: 1, faults: [transient('initial', 503, { count: 9 })] },
      { retry: { maxRetries: 1, baseDelayMs: 5, jitter: 0 } },
    );
    expect(errorOf(result.run)).toMatchObject({ name: 'HttpError', status: 503, method: 'PUT' });
    expect(kinds(result.reqs)).toEqual(['initial', 'initial']);
    await finish(sim, result);
  });
});

describe.concurrent('R13 other statuses from a status monitor end the stream; from a Location they fail the operation', () => {
  it.each([400, 403, 404, 501])('R13 %i from a status monitor is an HttpError, not retried', async (code) => {
    const result = await runOp(sim, 'PUT', { pattern: 'azure-async-operation', polls: 3, faults: [{ on: 'poll', nth: 2, kind: code }] });
    expect(errorOf(result.run)).toMatchObject({ name: 'HttpError', code: 'http', status: code, method: 'GET' });
    expect(result.reqs.map((r) => r.status)).toEqual([201, 200, code]);
    expect(result.run.snapshots).toHaveLength(2);
    await finish(sim, result);
  });

  it.each([400, 403, 409])("R13 %i from a Location poll is a failed snapshot with the body's error", async (code) => {
    const result = await runOp(sim, 'PUT', {
      pattern: 'location',
      polls: 3,
      faults: [{ on: 'poll', nth: 2, kind: code, error: NESTED_ERROR }],
    });
    const end = last(result.run);
    expect(digest(result.run)).toEqual([
      ['running', 'Accepted', 202, 0],
      ['running', 'InProgress', 202, 1],
      ['failed', 'Failed', code, 2],
    ]);
    expect(end.error).toStrictEqual(NESTED_ERROR);
    expect(kinds(result.reqs)).toEqual(['initial', 'poll', 'poll']);
    await finish(sim, result);
  });
});

describe.concurrent('F1 network errors', () => {
  it('F1 reset on a status-monitor poll is retried', async () => {
    const result = await runOp(sim, 'PUT', { pattern: 'azure-async-operation', polls: 3, faults: [{ on: 'poll', nth: 2, kind: 'reset' }] });
    expect(result.reqs.map((r) => [r.kind, r.status, r.fault])).toEqual([
      ['initial', 201, undefined],
      ['poll', 200, undefined],
      ['poll', undefined, 'reset'],
      ['poll', 200, undefined],
      ['final', 200, undefined],
    ]);
    expect(last(result.run)).toMatchObject({ state: 'succeeded', polls: 4 });
    await finish(sim, result);
  });

  it('F1 reset on a Location poll and on the final GET are retried', async () => {
    const result = await runOp(
      sim,
      'PUT',
      { pattern: 'location', polls: 3, faults: [{ on: 'poll', nth: 1, kind: 'reset' }] },
      { finalStateVia: 'original-uri' },
    );
    // The terminal Location answer carries the resource: it is the result, with no GET of the original URL (X5).
    expect(result.reqs.map((r) => r.status)).toEqual([202, undefined, 202, 200]);
    expect(last(result.run).result).toStrictEqual(putResource(result.t, 'Succeeded'));

    const second = await runOp(sim, 'PUT', { pattern: 'azure-async-operation', polls: 1, faults: [{ on: 'final', kind: 'reset' }] });
    expect(second.reqs.map((r) => [r.kind, r.status])).toEqual([
      ['initial', 201],
      ['poll', 200],
      ['final', undefined],
      ['final', 200],
    ]);
    expect(last(second.run).result).toStrictEqual(putResource(second.t, 'Succeeded'));
    await finish(sim, result);
    await finish(sim, second);
  });

  it('F1 reset on the initial PUT is retried (PUT is idempotent)', async () => {
    const result = await runOp(sim, 'PUT', { pattern: 'azure-async-operation', polls: 1, faults: [{ on: 'initial', kind: 'reset' }] });
    expect(result.reqs.map((r) => [r.method, r.kind, r.status])).toEqual([
      ['PUT', 'initial', undefined],
      ['PUT', 'initial', 201],
      ['GET', 'poll', 200],
      ['GET', 'final', 200],
    ]);
    expect(last(result.run)).toMatchObject({ state: 'succeeded', polls: 2 });
    await finish(sim, result);
  });

  it('F1 reset on the initial DELETE is retried', async () => {
    const result = await runOp(sim, 'DELETE', { pattern: 'location', polls: 1, faults: [{ on: 'initial', kind: 'reset' }] });
    expect(result.reqs.map((r) => [r.method, r.status])).toEqual([
      ['DELETE', undefined],
      ['DELETE', 202],
      ['GET', 204],
    ]);
    expect(last(result.run).state).toBe('succeeded');
    await finish(sim, result);
  });

  it('F1 reset on the initial POST is a NetworkError and the POST is sent once only', async () => {
    const result = await runOp(sim, 'POST', { pattern: 'azure-async-operation', polls: 1, faults: [{ on: 'initial', kind: 'reset' }] });
    expect(errorOf(result.run)).toMatchObject({ name: 'NetworkError', code: 'network', method: 'POST', url: result.t.url });
    expect(result.run.snapshots).toHaveLength(0);
    expect(result.reqs.map((r) => [r.method, r.kind, r.status])).toEqual([['POST', 'initial', undefined]]);
    await finish(sim, result);
  });

  // The default transport (Node's fetch) reports a body cut short at once; node-fetch (under
  // cross-fetch, the fallback) never does, so there rx-lro takes 2 s of silence (DEFAULT_BODY_STALL_MS)
  // as the cut. Either way 10 s means the stream hung (F2: nothing hangs).
  const HANG_MS = 10_000;
  // A per-request deadline far above the simulator's answer (milliseconds, seconds on a loaded
  // machine) and under the 2 s body stall; slow faults answer 20 times later than it.
  const DEADLINE_MS = 1_000;
  const SLOW_MS = 20 * DEADLINE_MS;

  it('F1 F2 reset-mid-body on a poll is retried', async () => {
    const result = await runOp(
      sim,
      'PUT',
      { pattern: 'azure-async-operation', polls: 3, faults: [{ on: 'poll', nth: 2, kind: 'reset-mid-body' }] },
      {},
      HANG_MS,
    );
    expect(last(result.run)).toMatchObject({ state: 'succeeded', polls: 4 });
    expect(kinds(result.reqs)).toEqual(['initial', 'poll', 'poll', 'poll', 'final']);
    expect(result.reqs[2]!.fault).toBe('reset-mid-body');
    expect(digest(result.run)).toEqual([
      ['running', 'Accepted', 201, 0],
      ['running', 'InProgress', 200, 1],
      ['succeeded', 'Succeeded', 200, 4],
    ]);
    await finish(sim, result);
  });

  it('F1 F2 reset-mid-body on the final GET is retried', async () => {
    const result = await runOp(
      sim,
      'POST',
      {
        pattern: 'azure-async-operation',
        polls: 1,
        location: true,
        resource: POST_RESULT,
        faults: [{ on: 'final', kind: 'reset-mid-body' }],
      },
      {},
      HANG_MS,
    );
    expect(last(result.run)).toMatchObject({ state: 'succeeded', result: POST_RESULT, polls: 3 });
    expect(kinds(result.reqs)).toEqual(['initial', 'poll', 'final', 'final']);
    await finish(sim, result);
  });

  it('F1 F2 reset-mid-body on the initial POST is a NetworkError, not re-sent', async () => {
    const result = await runOp(
      sim,
      'POST',
      { pattern: 'azure-async-operation', polls: 1, faults: [{ on: 'initial', kind: 'reset-mid-body' }] },
      {},
      HANG_MS,
    );
    expect(errorOf(result.run)).toMatchObject({ name: 'NetworkError', method: 'POST' });
    expect(kinds(result.reqs)).toEqual(['initial']);
    await finish(sim, result);
  });

  it('F1 F2 reset-mid-body on the initial PUT is retried', async () => {
    const result = await runOp(
      sim,
      'PUT',
      { pattern: 'azure-async-operation', polls: 1, faults: [{ on: 'initial', kind: 'reset-mid-body' }] },
      {},
      HANG_MS,
    );
    expect(last(result.run).state).toBe('succeeded');
    expect(kinds(result.reqs)).toEqual(['initial', 'initial', 'poll', 'final']);
    await finish(sim, result);
  });

  it('F1 reset-mid-body on a poll with requestTimeoutMs set: abandoned after the deadline and retried', async () => {
    const result = await runOp(
      sim,
      'PUT',
      { pattern: 'azure-async-operation', polls: 3, faults: [{ on: 'poll', nth: 2, kind: 'reset-mid-body' }] },
      // cross-fetch (node-fetch never reports the cut) with a body stall of a minute: within HANG_MS
      // only the deadline can end the cut poll.
      { requestTimeoutMs: DEADLINE_MS, http: fetchHttpClient(crossFetch as unknown as FetchLike, { bodyStallMs: 60_000 }) },
      HANG_MS,
    );
    expect(last(result.run)).toMatchObject({ state: 'succeeded', polls: 4 });
    expect(kinds(result.reqs)).toEqual(['initial', 'poll', 'poll', 'poll', 'final']);
    await finish(sim, result);
  });

  it('F1 T5 slow poll beyond requestTimeoutMs is abandoned and retried', async () => {
    // Answered 3 s after it came, 2 s past the deadline: the test waits that long to see it never was.
    const slowMs = 3 * DEADLINE_MS;
    const started = Date.now();
    const result = await runOp(
      sim,
      'PUT',
      { pattern: 'azure-async-operation', polls: 2, faults: [{ on: 'poll', nth: 1, kind: 'slow', delayMs: slowMs }] },
      { requestTimeoutMs: DEADLINE_MS },
    );
    await sleep(started + slowMs + 500 - Date.now());
    const reqs = requestsFor(sim, result.t);
    expect(kinds(reqs)).toEqual(['initial', 'poll', 'poll', 'final']);
    // The late answer was never written: the client hung up and the simulator's timer was cancelled.
    expect(reqs[1]!.fault).toBe('slow');
    expect(reqs[1]!.status).toBeUndefined();
    expect(gap(reqs[1]!, reqs[2]!)).toBeGreaterThanOrEqual(DEADLINE_MS - TOLERANCE_MS);
    expect(gap(reqs[1]!, reqs[2]!)).toBeLessThan(slowMs);
    expect(last(result.run)).toMatchObject({ state: 'succeeded', polls: 3 });
    await finish(sim, result);
  });

  it('F1 slow polls beyond requestTimeoutMs, more often than maxRetries: NetworkError', async () => {
    const result = await runOp(
      sim,
      'PUT',
      { pattern: 'azure-async-operation', polls: 2, faults: [{ on: 'poll', nth: 1, count: 5, kind: 'slow', delayMs: SLOW_MS }] },
      { requestTimeoutMs: DEADLINE_MS, retry: { maxRetries: 1, baseDelayMs: 5, jitter: 0 } },
    );
    const error = errorOf(result.run);
    expect(error).toMatchObject({ name: 'NetworkError', code: 'network', method: 'GET' });
    expect(String(error['reason'])).toContain(`${DEADLINE_MS} ms`);
    expect(kinds(result.reqs)).toEqual(['initial', 'poll', 'poll']);
    await finish(sim, result);
  });

  it('F1 a slow answer within requestTimeoutMs is simply waited for', async () => {
    const result = await runOp(
      sim,
      'PUT',
      { pattern: 'azure-async-operation', polls: 1, faults: [{ on: 'poll', kind: 'slow', delayMs: 60 }] },
      { requestTimeoutMs: 5 * DEADLINE_MS },
    );
    expect(result.reqs.map((r) => r.status)).toEqual([201, 200, 200]);
    expect(last(result.run).state).toBe('succeeded');
    await finish(sim, result);
  });
});

describe.concurrent('R9 F2 bodies that break the protocol', () => {
  it('R9 malformed JSON from a status monitor is a ProtocolError carrying the raw body', async () => {
    const result = await runOp(sim, 'PUT', {
      pattern: 'azure-async-operation',
      polls: 3,
      faults: [{ on: 'poll', nth: 2, kind: 'malformed-json' }],
    });
    const error = errorOf(result.run);
    expect(error).toMatchObject({ name: 'ProtocolError', code: 'protocol', rule: 'R9' });
    expect(typeof error['body']).toBe('string');
    expect(String(error['body']).startsWith('{')).toBe(true);
    expect(kinds(result.reqs)).toEqual(['initial', 'poll', 'poll']);
    await finish(sim, result);
  });

  it.each([
    ['missing-status', (body: Record<string, unknown>) => expect('status' in body).toBe(false)],
    ['numeric-status', (body: Record<string, unknown>) => expect(body['status']).toBe(1)],
    ['null-status', (body: Record<string, unknown>) => expect(body['status']).toBeNull()],
  ] as const)('R9 %s from a status monitor is a ProtocolError with the body', async (kind, check) => {
    const result = await runOp(sim, 'POST', { pattern: 'operation-location', polls: 3, faults: [{ on: 'poll', nth: 1, kind }] });
    const error = errorOf(result.run);
    expect(error).toMatchObject({ name: 'ProtocolError', rule: 'R9' });
    const body = error['body'] as Record<string, unknown>;
    expect(typeof body).toBe('object');
    expect(body['name']).toEqual(expect.any(String));
    check(body);
    expect(kinds(result.reqs)).toEqual(['initial', 'poll']);
    expect(result.run.snapshots).toHaveLength(1);
    await finish(sim, result);
  });

  it('R9 an empty body from a status monitor is a ProtocolError', async () => {
    const result = await runOp(sim, 'PUT', {
      pattern: 'azure-async-operation',
      polls: 2,
      faults: [{ on: 'poll', nth: 1, kind: 'empty-body' }],
    });
    expect(errorOf(result.run)).toMatchObject({ name: 'ProtocolError', rule: 'R9' });
    expect(kinds(result.reqs)).toEqual(['initial', 'poll']);
    await finish(sim, result);
  });

  it('R1 an empty body on the initial PUT with Azure-AsyncOperation is still polled', async () => {
    const result = await runOp(sim, 'PUT', { pattern: 'azure-async-operation', polls: 1, faults: [{ on: 'initial', kind: 'empty-body' }] });
    expect(digest(result.run)).toEqual([
      ['running', 'Accepted', 201, 0],
      ['succeeded', 'Succeeded', 200, 2],
    ]);
    expect(last(result.run).result).toStrictEqual(putResource(result.t, 'Succeeded'));
    await finish(sim, result);
  });

  it('F2 a body above maxBodyBytes from a status monitor is a ProtocolError (F2), not retried', async () => {
    const result = await runOp(
      sim,
      'PUT',
      { pattern: 'azure-async-operation', polls: 3, faults: [{ on: 'poll', nth: 2, kind: 'oversized-json', bytes: 20_000 }] },
      { maxBodyBytes: 4_096 },
    );
    expect(errorOf(result.run)).toMatchObject({ name: 'ProtocolError', code: 'protocol', rule: 'F2' });
    expect(kinds(result.reqs)).toEqual(['initial', 'poll', 'poll']);
    await finish(sim, result);
  });

  it('F2 a body above maxBodyBytes from the final GET is a ProtocolError (F2)', async () => {
    const result = await runOp(
      sim,
      'PUT',
      { pattern: 'azure-async-operation', polls: 1, faults: [{ on: 'final', kind: 'oversized-json', bytes: 20_000 }] },
      { maxBodyBytes: 4_096 },
    );
    expect(errorOf(result.run)).toMatchObject({ name: 'ProtocolError', rule: 'F2' });
    expect(kinds(result.reqs)).toEqual(['initial', 'poll', 'final']);
    await finish(sim, result);
  });

  it('F2 an oversized body under the cap is read normally', async () => {
    const result = await runOp(
      sim,
      'PUT',
      { pattern: 'azure-async-operation', polls: 2, faults: [{ on: 'poll', nth: 1, kind: 'oversized-json', bytes: 20_000 }] },
      { maxBodyBytes: 100_000 },
    );
    expect(last(result.run).state).toBe('succeeded');
    await finish(sim, result);
  });

  it('F2 malformed JSON from the final GET (the result) is a ProtocolError', async () => {
    const result = await runOp(sim, 'PUT', {
      pattern: 'azure-async-operation',
      polls: 1,
      faults: [{ on: 'final', kind: 'malformed-json' }],
    });
    // Never a success without the result: only the initial snapshot, then the error.
    expect(result.run.snapshots.map((s) => [s.state, s.status, s.httpStatus, s.polls, 'result' in s])).toEqual([
      ['running', 'Accepted', 201, 0, false],
    ]);
    expect(errorOf(result.run)).toMatchObject({ name: 'ProtocolError', code: 'protocol' });
    expect(kinds(result.reqs)).toEqual(['initial', 'poll', 'final']);
    await finish(sim, result);
  });

  it('F2 R4 malformed JSON from a provisioning-state poll (the resource) is a ProtocolError', async () => {
    const result = await runOp(sim, 'PUT', {
      pattern: 'provisioning-state',
      polls: 3,
      faults: [{ on: 'poll', nth: 1, kind: 'malformed-json' }],
    });
    // The resource was still InProgress: a truncated body must not read as "done".
    expect(result.run.snapshots.map((s) => [s.state, s.status, s.httpStatus, s.polls, 'result' in s])).toEqual([
      ['running', 'InProgress', 201, 0, false],
    ]);
    expect(errorOf(result.run)).toMatchObject({ name: 'ProtocolError', code: 'protocol' });
    expect(kinds(result.reqs)).toEqual(['initial', 'poll']);
    await finish(sim, result);
  });
});

describe.concurrent('S1 R8 other-origin', () => {
  it('S1 polling headers of the initial response on another origin: SecurityError, nothing sent there', async () => {
    const result = await runOp(sim, 'PUT', {
      pattern: 'azure-async-operation',
      polls: 1,
      location: true,
      faults: [{ on: 'initial', kind: 'other-origin' }],
    });
    const error = errorOf(result.run);
    expect(error).toMatchObject({ name: 'SecurityError', code: 'security' });
    expect(String(error['url']).startsWith(sim.otherOriginUrl)).toBe(true);
    expect(result.reqs.filter((r) => r.listener === 'other-origin')).toHaveLength(0);
    expect(kinds(result.reqs)).toEqual(['initial']);
    // The initial snapshot may be emitted (it says where the monitor is), but nothing is fetched.
    expect(result.run.snapshots.every((s) => s.state === 'running')).toBe(true);
    await finish(sim, result);
  });

  it('S1 with allowedOrigins the other origin is polled and the operation succeeds', async () => {
    const result = await runOp(
      sim,
      'PUT',
      { pattern: 'azure-async-operation', polls: 2, faults: [{ on: 'initial', kind: 'other-origin' }] },
      { allowedOrigins: [sim.otherOriginUrl] },
    );
    const { reqs } = result;
    expect(reqs.map((r) => [r.kind, r.listener])).toEqual([
      ['initial', 'main'],
      ['poll', 'other-origin'],
      ['poll', 'other-origin'],
      ['final', 'main'],
    ]);
    expect(last(result.run).result).toStrictEqual(putResource(result.t, 'Succeeded'));
    await finish(sim, result);
  });

  it('S1 R8 a poll response that moves the monitor to another origin: SecurityError before any request there', async () => {
    const result = await runOp(sim, 'POST', {
      pattern: 'operation-location',
      polls: 3,
      resource: POST_RESULT,
      faults: [{ on: 'poll', nth: 1, kind: 'other-origin' }],
    });
    expect(errorOf(result.run)).toMatchObject({ name: 'SecurityError' });
    expect(result.reqs.map((r) => [r.kind, r.listener])).toEqual([
      ['initial', 'main'],
      ['poll', 'main'],
    ]);
    await finish(sim, result);
  });

  it('S1 R8 with allowedOrigins, a monitor that moves to another origin is followed there', async () => {
    const result = await runOp(
      sim,
      'POST',
      { pattern: 'operation-location', polls: 3, resource: POST_RESULT, faults: [{ on: 'poll', nth: 1, kind: 'other-origin' }] },
      { allowedOrigins: [sim.otherOriginUrl] },
    );
    expect(result.reqs.map((r) => r.listener)).toEqual(['main', 'main', 'other-origin', 'other-origin']);
    expect(last(result.run)).toMatchObject({ state: 'succeeded', result: POST_RESULT });
    await finish(sim, result);
  });

  it('S1 X4 a resourceLocation on another origin is refused with a SecurityError', async () => {
    const result = await runOp(sim, 'PUT', {
      pattern: 'azure-async-operation',
      polls: 2,
      resourceLocation: true,
      faults: [{ on: 'poll', nth: 2, kind: 'other-origin' }],
    });
    expect(errorOf(result.run)).toMatchObject({ name: 'SecurityError' });
    expect(result.reqs.filter((r) => r.listener === 'other-origin')).toHaveLength(0);
    expect(kinds(result.reqs)).toEqual(['initial', 'poll', 'poll']);
    await finish(sim, result);
  });

  it('S1 rewriteUrl maps another origin back onto the trusted one', async () => {
    const result = await runOp(
      sim,
      'PUT',
      { pattern: 'azure-async-operation', polls: 2, faults: [{ on: 'initial', kind: 'other-origin' }] },
      { rewriteUrl: (url) => url.replace(sim.otherOriginUrl, sim.url) },
    );
    expect(result.reqs.map((r) => r.listener)).toEqual(['main', 'main', 'main', 'main']);
    expect(last(result.run).state).toBe('succeeded');
    await finish(sim, result);
  });
});

describe.concurrent('R14 gone during a DELETE', () => {
  it.each(['azure-async-operation', 'location'] as const)(
    'R14 a 404 while polling a DELETE (%s) from a URL under the resource means it succeeded',
    async (pattern) => {
      const result = await runOp(sim, 'DELETE', {
        pattern,
        polls: 3,
        resourceScopedUrls: true,
        faults: [{ on: 'poll', nth: 2, kind: 'gone' }],
      });
      const end = last(result.run);
      expect(end).toMatchObject({ state: 'succeeded', status: 'Succeeded', httpStatus: 404, polls: 2 });
      expect('result' in end).toBe(false);
      expect(end.error).toBeUndefined();
      expect(result.reqs.map((r) => r.status)).toEqual([202, pattern === 'location' ? 202 : 200, 404]);
      await finish(sim, result);
    },
  );

  it.each(['azure-async-operation', 'location'] as const)(
    'R14 R13 a 404 while polling a DELETE (%s) from a subscription-level URL is never success',
    async (pattern) => {
      const result = await runOp(sim, 'DELETE', { pattern, polls: 3, faults: [{ on: 'poll', nth: 2, kind: 'gone' }] });
      expect(result.run.snapshots.some((s) => s.state === 'succeeded')).toBe(false);
      if (pattern === 'location')
        expect(last(result.run)).toMatchObject({ state: 'failed', httpStatus: 404, error: { code: 'ResourceNotFound' } });
      else expect(errorOf(result.run)).toMatchObject({ name: 'HttpError', status: 404 });
      await finish(sim, result);
    },
  );

  it.each(['azure-async-operation', 'location'] as const)(
    "R14 with deleteNotFound: 'error', a 404 while polling a DELETE (%s) is an HttpError 404",
    async (pattern) => {
      const result = await runOp(
        sim,
        'DELETE',
        { pattern, polls: 3, resourceScopedUrls: true, faults: [{ on: 'poll', nth: 2, kind: 'gone' }] },
        { deleteNotFound: 'error' },
      );
      const pollStatus = pattern === 'location' ? 202 : 200;
      expect(digest(result.run)).toEqual([
        ['running', 'Accepted', 202, 0],
        ['running', 'InProgress', pollStatus, 1],
      ]);
      expect(errorOf(result.run)).toMatchObject({ name: 'HttpError', code: 'http', status: 404 });
      expect(kinds(result.reqs)).toEqual(['initial', 'poll', 'poll']);
      await finish(sim, result);
    },
  );

  it('R13 R14 a 404 while polling a PUT is an HttpError (only a DELETE treats it as success)', async () => {
    const result = await runOp(sim, 'PUT', { pattern: 'azure-async-operation', polls: 3, faults: [{ on: 'poll', nth: 1, kind: 'gone' }] });
    expect(errorOf(result.run)).toMatchObject({ name: 'HttpError', status: 404 });
    expect(kinds(result.reqs)).toEqual(['initial', 'poll']);
    await finish(sim, result);
  });
});
