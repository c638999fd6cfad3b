// Every polling pattern × every outcome, over real HTTP against the simulator, with the default client.
import { describe, expect, it } from 'vitest';
import { trackOperation, type LroMethod, type PollOptions } from '../../src/index';
import type { OperationScript, RecordedRequest } from '../../src/testing/index';
import {
  API_VERSION,
  NESTED_ERROR,
  POST_RESULT,
  PUT_BODY,
  collect,
  digest,
  errorOf,
  fast,
  finish as finishShared,
  kinds,
  last,
  patchResource,
  pathOf,
  putResource,
  requestsFor,
  runOp as runShared,
  target,
  type OpRun,
  type Target,
  useSimulator,
} from './helpers';

const sim = useSimulator();

async function runOp(method: LroMethod, script: OperationScript, options: PollOptions = {}): Promise<OpRun> {
  return runShared(sim(), method, script, options);
}

async function finish(result: OpRun, settleMs = 0): Promise<void> {
  for (const r of result.reqs) expect(r.listener).toBe('main');
  await finishShared(sim(), result, settleMs);
}

const OUTCOMES = ['Succeeded', 'Failed', 'Canceled', 'Cancelled'] as const;
type Outcome = (typeof OUTCOMES)[number];

type Monitor = 'status' | 'location' | 'location-ps' | 'body' | 'sync';

interface Kind {
  title: string;
  method: LroMethod;
  monitor: Monitor;
  script: OperationScript;
  /** [state, status, httpStatus] of the snapshot of the initial response. */
  first: [string, string, number];
  /** [status, httpStatus] of a running poll's snapshot. */
  running?: [string, number];
  /** The result of success, and the path the final GET went to (none: no final GET). */
  success: (t: Target) => { httpStatus: number; result?: unknown; finalPath?: (r: RecordedRequest) => boolean };
  /** What a failed/canceled resource body looks like (Unknown error with the raw body), for monitors that have none. */
  failedBody?: (t: Target, outcome: string) => unknown;
}

const monitorPoll = (r: RecordedRequest): boolean => r.url.includes('/operationStatuses/');
const isOriginal = (t: Target) => (r: RecordedRequest) => r.url === t.pathAndQuery;
const isLocation = (r: RecordedRequest): boolean => r.url.includes('/operationResults/');

const KINDS: Kind[] = [
  {
    title: 'R1 azure-async-operation PUT 201 (X1 final GET of the original URL)',
    method: 'PUT',
    monitor: 'status',
    script: { pattern: 'azure-async-operation' },
    first: ['running', 'Accepted', 201],
    running: ['InProgress', 200],
    success: (t) => ({ httpStatus: 200, result: putResource(t, 'Succeeded'), finalPath: isOriginal(t) }),
  },
  {
    title: 'R1 azure-async-operation POST 202 without Location (X2 result from the monitor)',
    method: 'POST',
    monitor: 'status',
    script: { pattern: 'azure-async-operation', resource: POST_RESULT },
    first: ['running', 'Accepted', 202],
    running: ['InProgress', 200],
    success: () => ({ httpStatus: 200, result: POST_RESULT }),
  },
  {
    title: 'R1 azure-async-operation POST 202 with Location (X2 final GET of the Location)',
    method: 'POST',
    monitor: 'status',
    script: { pattern: 'azure-async-operation', resource: POST_RESULT, location: true },
    first: ['running', 'Accepted', 202],
    running: ['InProgress', 200],
    success: () => ({ httpStatus: 200, result: POST_RESULT, finalPath: isLocation }),
  },
  {
    title: 'R1 azure-async-operation DELETE 202 (X3 no final GET)',
    method: 'DELETE',
    monitor: 'status',
    script: { pattern: 'azure-async-operation' },
    first: ['running', 'Accepted', 202],
    running: ['InProgress', 200],
    success: () => ({ httpStatus: 200 }),
  },
  {
    title: "R2 operation-location POST (X2 the monitor's result)",
    method: 'POST',
    monitor: 'status',
    script: { pattern: 'operation-location', resource: POST_RESULT },
    first: ['running', 'Accepted', 202],
    running: ['InProgress', 200],
    success: () => ({ httpStatus: 200, result: POST_RESULT }),
  },
  {
    title: 'R2 operation-location PUT (X1)',
    method: 'PUT',
    monitor: 'status',
    script: { pattern: 'operation-location' },
    first: ['running', 'Accepted', 201],
    running: ['InProgress', 200],
    success: (t) => ({ httpStatus: 200, result: putResource(t, 'Succeeded'), finalPath: isOriginal(t) }),
  },
  {
    title: 'R3 location PUT, failure answered 4xx',
    method: 'PUT',
    monitor: 'location',
    script: { pattern: 'location' },
    first: ['running', 'Accepted', 202],
    running: ['InProgress', 202],
    success: (t) => ({ httpStatus: 200, result: putResource(t, 'Succeeded') }),
  },
  {
    title: 'R3 location POST, failure answered 4xx',
    method: 'POST',
    monitor: 'location',
    script: { pattern: 'location', resource: POST_RESULT },
    first: ['running', 'Accepted', 202],
    running: ['InProgress', 202],
    success: () => ({ httpStatus: 200, result: POST_RESULT }),
  },
  {
    title: 'R3 location DELETE, failure answered 4xx',
    method: 'DELETE',
    monitor: 'location',
    script: { pattern: 'location' },
    first: ['running', 'Accepted', 202],
    running: ['InProgress', 202],
    success: () => ({ httpStatus: 204 }),
  },
  {
    title: 'R3 location PUT, failure answered 200 with provisioningState',
    method: 'PUT',
    monitor: 'location-ps',
    script: { pattern: 'location', locationFailure: 'provisioning-state' },
    first: ['running', 'Accepted', 202],
    running: ['InProgress', 202],
    success: (t) => ({ httpStatus: 200, result: putResource(t, 'Succeeded') }),
    failedBody: (t, outcome) => putResource(t, outcome),
  },
  {
    title: 'R3 location POST, failure answered 200 with provisioningState',
    method: 'POST',
    monitor: 'location-ps',
    script: { pattern: 'location', locationFailure: 'provisioning-state', resource: POST_RESULT },
    first: ['running', 'Accepted', 202],
    running: ['InProgress', 202],
    success: () => ({ httpStatus: 200, result: POST_RESULT }),
    failedBody: (_t, outcome) => ({ ...POST_RESULT, properties: { provisioningState: outcome } }),
  },
  {
    title: 'R3 location DELETE, failure answered 200 with provisioningState',
    method: 'DELETE',
    monitor: 'location-ps',
    script: { pattern: 'location', locationFailure: 'provisioning-state' },
    first: ['running', 'Accepted', 202],
    running: ['InProgress', 202],
    success: () => ({ httpStatus: 204 }),
    failedBody: (_t, outcome) => ({ properties: { provisioningState: outcome } }),
  },
  {
    title: 'R4 provisioning-state PUT',
    method: 'PUT',
    monitor: 'body',
    script: { pattern: 'provisioning-state', runningStatuses: ['Creating'] },
    first: ['running', 'Creating', 201],
    running: ['Creating', 200],
    success: (t) => ({ httpStatus: 200, result: putResource(t, 'Succeeded') }),
    failedBody: (t, outcome) => putResource(t, outcome),
  },
  {
    title: 'R4 provisioning-state PATCH',
    method: 'PATCH',
    monitor: 'body',
    script: { pattern: 'provisioning-state', runningStatuses: ['Updating'] },
    first: ['running', 'Updating', 201],
    running: ['Updating', 200],
    success: (t) => ({ httpStatus: 200, result: patchResource(t, 'Succeeded') }),
    failedBody: (t, outcome) => patchResource(t, outcome),
  },
  {
    title: 'R5 sync PUT 200',
    method: 'PUT',
    monitor: 'sync',
    script: { pattern: 'sync' },
    first: ['succeeded', 'Succeeded', 200],
    success: (t) => ({ httpStatus: 200, result: putResource(t, 'Succeeded') }),
    failedBody: (t, outcome) => putResource(t, outcome),
  },
];

const POLLS = 2;

for (const kind of KINDS) {
  describe.concurrent(kind.title, () => {
    it.each(OUTCOMES)(`${kind.title.split(' ')[0]} ${kind.method} (${kind.script.pattern}) → %s`, async (outcome: Outcome) => {
      const script: OperationScript = { ...kind.script, polls: POLLS, outcome };
      if (outcome === 'Failed' && kind.monitor !== 'location-ps') script.error = NESTED_ERROR;
      const result = await runOp(kind.method, script);
      const { t, run, reqs } = result;
      const end = last(run);
      expect(reqs[0]).toMatchObject({ method: kind.method, url: t.pathAndQuery, kind: 'initial', status: kind.first[2] });

      if (kind.monitor === 'sync') {
        // R5: finished at once, nothing else sent.
        expect(run.snapshots).toHaveLength(1);
        expect(kinds(reqs)).toEqual(['initial']);
        expect(end.polls).toBe(0);
        expect(end.httpStatus).toBe(200);
      } else {
        const [state, status, httpStatus] = kind.first;
        expect(digest(run).slice(0, 2)).toEqual([
          [state, status, httpStatus, 0],
          ['running', kind.running![0], kind.running![1], 1],
        ]);
        expect(run.snapshots).toHaveLength(POLLS + 1);
        const polls = reqs.filter((r) => r.kind === 'poll');
        expect(polls).toHaveLength(POLLS);
        for (const p of polls) expect(p.method).toBe('GET');
        if (kind.monitor === 'status') for (const p of polls) expect(monitorPoll(p)).toBe(true);
        if (kind.monitor === 'location' || kind.monitor === 'location-ps') for (const p of polls) expect(isLocation(p)).toBe(true);
        if (kind.monitor === 'body') for (const p of polls) expect(p.url).toBe(t.pathAndQuery);
      }

      if (outcome === 'Succeeded') {
        const expected = kind.success(t);
        expect(end.state).toBe('succeeded');
        expect(end.status).toBe('Succeeded');
        expect(end.httpStatus).toBe(expected.httpStatus);
        expect(end.error).toBeUndefined();
        if (expected.result === undefined) expect('result' in end).toBe(false);
        else expect(end.result).toStrictEqual(expected.result);
        const finals = reqs.filter((r) => r.kind === 'final');
        if (expected.finalPath) {
          expect(finals).toHaveLength(1);
          expect(expected.finalPath(finals[0]!)).toBe(true);
          expect(reqs[reqs.length - 1]).toBe(finals[0]);
          expect(end.polls).toBe(POLLS + 1);
        } else {
          // X2 (monitor result), X3 (DELETE), R3/R4 (the last poll is the result): no final GET.
          expect(finals).toHaveLength(0);
          expect(reqs.length).toBe(kind.monitor === 'sync' ? 1 : 1 + POLLS);
        }
      } else {
        // X6: failed or canceled, no final GET.
        expect(reqs.filter((r) => r.kind === 'final')).toHaveLength(0);
        expect(reqs.length).toBe(kind.monitor === 'sync' ? 1 : 1 + POLLS);
        expect('result' in end).toBe(false);
        const canceled = outcome !== 'Failed';
        if (kind.monitor === 'status') {
          // R11: the monitor's error, whole.
          expect(end).toMatchObject({ state: canceled ? 'canceled' : 'failed', status: outcome, httpStatus: 200 });
          if (canceled) expect(end.error).toEqual({ code: 'OperationCanceled', message: expect.stringContaining('canceled') });
          else expect(end.error).toStrictEqual(NESTED_ERROR);
        } else if (kind.monitor === 'location') {
          // R13: an error status from a Location poll is the operation's failure, with the body's error.
          expect(end).toMatchObject({ state: 'failed', status: 'Failed', httpStatus: 400 });
          if (canceled) expect(end.error).toEqual({ code: 'OperationCanceled', message: expect.stringContaining('canceled') });
          else expect(end.error).toStrictEqual(NESTED_ERROR);
        } else {
          // R3/R4/R5 with a terminal provisioningState and no error: code Unknown, the raw body kept (R11).
          expect(end).toMatchObject({ state: canceled ? 'canceled' : 'failed', status: outcome, httpStatus: 200 });
          expect(end.error).toEqual({ code: 'Unknown', message: expect.any(String), raw: kind.failedBody!(t, outcome) });
        }
      }
      await finish(result);
    });
  });
}

describe.concurrent('R5 sync answers', () => {
  it('R5 sync PUT 201 is done at once', async () => {
    const result = await runOp('PUT', { pattern: 'sync', initialStatus: 201 });
    expect(digest(result.run)).toEqual([['succeeded', 'Succeeded', 201, 0]]);
    expect(last(result.run).result).toStrictEqual(putResource(result.t, 'Succeeded'));
    expect(kinds(result.reqs)).toEqual(['initial']);
    await finish(result);
  });

  it('R5 sync POST 200 gives its body as the result', async () => {
    const result = await runOp('POST', { pattern: 'sync', resource: POST_RESULT });
    expect(digest(result.run)).toEqual([['succeeded', 'Succeeded', 200, 0]]);
    expect(last(result.run).result).toStrictEqual(POST_RESULT);
    expect(kinds(result.reqs)).toEqual(['initial']);
    await finish(result);
  });

  it('R5 sync DELETE 204 succeeds with no result', async () => {
    const result = await runOp('DELETE', { pattern: 'sync' });
    expect(digest(result.run)).toEqual([['succeeded', 'Succeeded', 204, 0]]);
    expect('result' in last(result.run)).toBe(false);
    expect(kinds(result.reqs)).toEqual(['initial']);
    await finish(result);
  });

  it('R6 a POST answered 202 with no polling header is a ProtocolError', async () => {
    const result = await runOp('POST', { pattern: 'sync', initialStatus: 202 });
    const error = errorOf(result.run);
    expect(error).toMatchObject({ name: 'ProtocolError', code: 'protocol', rule: 'R6' });
    expect(result.run.snapshots).toHaveLength(0);
    expect(kinds(result.reqs)).toEqual(['initial']);
    await finish(result);
  });

  it('R6 a DELETE answered 202 with no polling header is a ProtocolError', async () => {
    const result = await runOp('DELETE', { pattern: 'sync', initialStatus: 202 });
    expect(errorOf(result.run)).toMatchObject({ name: 'ProtocolError', rule: 'R6' });
    expect(kinds(result.reqs)).toEqual(['initial']);
    await finish(result);
  });

  it('R4 a PUT answered 202 with no polling header polls its own URL', async () => {
    const result = await runOp('PUT', { pattern: 'sync', initialStatus: 202 });
    const end = last(result.run);
    expect(result.run.snapshots).toHaveLength(2);
    expect(result.run.snapshots[0]).toMatchObject({ state: 'running', httpStatus: 202, polls: 0 });
    expect(end).toMatchObject({ state: 'succeeded', status: 'Succeeded', httpStatus: 200, polls: 1 });
    expect(end.result).toStrictEqual(putResource(result.t, 'Succeeded'));
    expect(result.reqs.map((r) => [r.method, r.url])).toEqual([
      ['PUT', result.t.pathAndQuery],
      ['GET', result.t.pathAndQuery],
    ]);
    await finish(result);
  });

  it('R4 a provisioning-state PUT answered 200 with Accepted is still running', async () => {
    const result = await runOp('PUT', { pattern: 'provisioning-state', initialStatus: 200, runningStatuses: ['Accepted'], polls: 2 });
    expect(digest(result.run)).toEqual([
      ['running', 'Accepted', 200, 0],
      ['running', 'Accepted', 200, 1],
      ['succeeded', 'Succeeded', 200, 2],
    ]);
    expect(kinds(result.reqs)).toEqual(['initial', 'poll', 'poll']);
    await finish(result);
  });
});

describe.concurrent('R12 custom status values', () => {
  interface CustomKind {
    title: string;
    method: LroMethod;
    script: OperationScript;
    result: (t: Target) => unknown;
  }
  const CUSTOM: CustomKind[] = [
    {
      title: 'azure-async-operation PUT',
      method: 'PUT',
      script: { pattern: 'azure-async-operation' },
      result: (t) => putResource(t, 'Completed'),
    },
    {
      title: 'azure-async-operation POST',
      method: 'POST',
      script: { pattern: 'azure-async-operation', resource: POST_RESULT },
      result: () => POST_RESULT,
    },
    {
      title: 'operation-location POST',
      method: 'POST',
      script: { pattern: 'operation-location', resource: POST_RESULT },
      result: () => POST_RESULT,
    },
    {
      title: 'provisioning-state PUT',
      method: 'PUT',
      script: { pattern: 'provisioning-state' },
      result: (t) => putResource(t, 'Completed'),
    },
    {
      title: 'provisioning-state PATCH',
      method: 'PATCH',
      script: { pattern: 'provisioning-state' },
      result: (t) => patchResource(t, 'Completed'),
    },
  ];

  it.each(CUSTOM)('R12 T5 $title: "Completed" without terminalStates runs until timeoutMs → TimeoutError', async ({ method, script }) => {
    // 1 s at 10 ms between polls: room for the polls after "Completed" even on a loaded machine.
    const result = await runOp(method, { ...script, polls: 2, outcome: 'Completed' }, { timeoutMs: 1_000 });
    const error = errorOf(result.run);
    expect(error).toMatchObject({ name: 'TimeoutError', code: 'timeout', timeoutMs: 1_000 });
    const { snapshots } = result.run;
    for (const s of snapshots) expect(s.state).toBe('running');
    // Kept verbatim, still running: polled several times after the service said "Completed".
    const completed = snapshots.filter((s) => s.status === 'Completed');
    expect(completed.length).toBeGreaterThanOrEqual(2);
    expect(snapshots[snapshots.length - 1]!.status).toBe('Completed');
    expect(result.reqs.filter((r) => r.kind === 'final')).toHaveLength(0);
    // T5 T6: the deadline stops all polling (a poll aborted on the wire may still land, later on a
    // loaded machine: settle first; polls every 10 ms would still show in the quiet window after).
    await finish(result, 500);
  });

  it.each(CUSTOM)('R12 $title: "Completed" with terminalStates.succeeded succeeds', async ({ method, script, result: expected }) => {
    const result = await runOp(method, { ...script, polls: 2, outcome: 'Completed' }, { terminalStates: { succeeded: ['Completed'] } });
    const end = last(result.run);
    expect(end).toMatchObject({ state: 'succeeded', status: 'Completed', httpStatus: 200 });
    expect(end.result).toStrictEqual(expected(result.t));
    expect(result.reqs.filter((r) => r.kind === 'poll')).toHaveLength(2);
    await finish(result);
  });

  it('R12 location PUT: a 200 whose provisioningState is "Completed" succeeds with terminalStates', async () => {
    const result = await runOp(
      'PUT',
      { pattern: 'location', polls: 2, outcome: 'Completed' },
      { terminalStates: { succeeded: ['Completed'] } },
    );
    const end = last(result.run);
    expect(end).toMatchObject({ state: 'succeeded', status: 'Completed', httpStatus: 200, polls: 2 });
    expect(end.result).toStrictEqual(putResource(result.t, 'Completed'));
    await finish(result);
  });

  it('R12 sync PUT: a terminal custom provisioningState is done at once with terminalStates', async () => {
    const result = await runOp('PUT', { pattern: 'sync', outcome: 'Completed' }, { terminalStates: { succeeded: ['Completed'] } });
    expect(digest(result.run)).toEqual([['succeeded', 'Completed', 200, 0]]);
    expect(kinds(result.reqs)).toEqual(['initial']);
    await finish(result);
  });

  it('R12 terminalStates.failed maps a custom value to a failed snapshot (no final GET)', async () => {
    const result = await runOp(
      'PUT',
      { pattern: 'azure-async-operation', polls: 2, outcome: 'Aborted', error: NESTED_ERROR },
      { terminalStates: { failed: ['Aborted'] } },
    );
    const end = last(result.run);
    expect(end).toMatchObject({ state: 'failed', status: 'Aborted', httpStatus: 200 });
    expect(end.error).toStrictEqual(NESTED_ERROR);
    expect(kinds(result.reqs)).toEqual(['initial', 'poll', 'poll']);
    await finish(result);
  });

  it('R12 provider running values are kept verbatim and never substring-matched', async () => {
    const running = ['NotStarted', 'failover-in-progress', 'Cancelling', 'SucceededPartially'];
    const result = await runOp('PUT', { pattern: 'azure-async-operation', polls: 5, runningStatuses: running });
    expect(result.run.snapshots.slice(1, 5).map((s) => [s.state, s.status])).toEqual(running.map((s) => ['running', s]));
    expect(last(result.run)).toMatchObject({ state: 'succeeded', status: 'Succeeded' });
    await finish(result);
  });
});

describe.concurrent('X4 X5 where the result comes from', () => {
  it('X4 resourceLocation in the succeeded monitor overrides X1 for a PUT', async () => {
    const result = await runOp('PUT', { pattern: 'azure-async-operation', polls: 2, resourceLocation: true });
    const end = last(result.run);
    const finals = result.reqs.filter((r) => r.kind === 'final');
    expect(finals).toHaveLength(1);
    expect(finals[0]!.url).toContain('/operationResources/');
    expect(result.reqs.filter((r) => r.url === result.t.pathAndQuery && r.method === 'GET')).toHaveLength(0);
    expect(end.result).toStrictEqual(putResource(result.t, 'Succeeded'));
    await finish(result);
  });

  it('X4 resourceLocation overrides the Location of a POST (X2)', async () => {
    const result = await runOp('POST', {
      pattern: 'azure-async-operation',
      polls: 2,
      location: true,
      resourceLocation: true,
      resource: POST_RESULT,
    });
    const finals = result.reqs.filter((r) => r.kind === 'final');
    expect(finals.map((r) => pathOf(r.url).split('/').slice(-2, -1)[0])).toEqual(['operationResources']);
    expect(result.reqs.some(isLocation)).toBe(false);
    expect(last(result.run).result).toStrictEqual(POST_RESULT);
    await finish(result);
  });

  it("X5 finalStateVia azure-async-operation: a POST with a Location takes the monitor's result, no final GET", async () => {
    const result = await runOp(
      'POST',
      { pattern: 'azure-async-operation', polls: 2, location: true, resource: POST_RESULT },
      { finalStateVia: 'azure-async-operation' },
    );
    expect(kinds(result.reqs)).toEqual(['initial', 'poll', 'poll']);
    expect(last(result.run)).toMatchObject({ state: 'succeeded', result: POST_RESULT, polls: 2 });
    expect(last(result.run).resumeToken.finalStateVia).toBe('azure-async-operation');
    await finish(result);
  });

  it('X1 X5 finalStateVia location: a PUT still reads its result from the original URL, not the Location', async () => {
    const result = await runOp('PUT', { pattern: 'azure-async-operation', polls: 2, location: true }, { finalStateVia: 'location' });
    const finals = result.reqs.filter((r) => r.kind === 'final');
    expect(finals.map((r) => [r.method, r.url])).toEqual([['GET', result.t.pathAndQuery]]);
    expect(result.reqs.some(isLocation)).toBe(false);
    expect(last(result.run).result).toStrictEqual(putResource(result.t, 'Succeeded'));
    await finish(result);
  });

  it('X4 X5 resourceLocation wins over finalStateVia location for a POST, as in core-lro', async () => {
    const result = await runOp(
      'POST',
      { pattern: 'azure-async-operation', polls: 2, location: true, resourceLocation: true, resource: POST_RESULT },
      { finalStateVia: 'location' },
    );
    const finals = result.reqs.filter((r) => r.kind === 'final');
    expect(finals).toHaveLength(1);
    expect(finals[0]!.url).toContain('/operationResources/');
    expect(result.reqs.some(isLocation)).toBe(false);
    expect(last(result.run).result).toStrictEqual(POST_RESULT);
    await finish(result);
  });

  it('X5 finalStateVia original-uri: a POST reads its result from the original URL', async () => {
    const result = await runOp(
      'POST',
      { pattern: 'azure-async-operation', polls: 2, resource: POST_RESULT, monitorResult: 'none' },
      { finalStateVia: 'original-uri' },
    );
    const finals = result.reqs.filter((r) => r.kind === 'final');
    expect(finals.map((r) => [r.method, r.url])).toEqual([['GET', result.t.pathAndQuery]]);
    expect(last(result.run).result).toStrictEqual(POST_RESULT);
    await finish(result);
  });

  it('X5 finalStateVia original-uri: a location PUT takes the terminal Location response, and never GETs the original URL', async () => {
    const result = await runOp('PUT', { pattern: 'location', polls: 2 }, { finalStateVia: 'original-uri' });
    expect(result.reqs.map((r) => r.method)).toEqual(['PUT', 'GET', 'GET']);
    expect(result.reqs.every((r) => r.method !== 'GET' || isLocation(r))).toBe(true);
    expect(last(result.run)).toMatchObject({ state: 'succeeded', httpStatus: 200, polls: 2 });
    expect(last(result.run).result).toStrictEqual(putResource(result.t, 'Succeeded'));
    await finish(result);
  });
});

describe.concurrent('R15 R7 polling URLs', () => {
  it('R15 api-version is added to monitor, Location and final URLs that lack it', async () => {
    const result = await runOp('POST', {
      pattern: 'azure-async-operation',
      polls: 2,
      location: true,
      keepApiVersion: false,
      resource: POST_RESULT,
    });
    const first = result.run.snapshots[0]!;
    expect(first.resumeToken.pollUrl).toMatch(new RegExp(`/operationStatuses/[0-9a-f-]+\\?api-version=${API_VERSION}$`));
    expect(first.resumeToken.locationUrl).toMatch(new RegExp(`/operationResults/[0-9a-f-]+\\?api-version=${API_VERSION}$`));
    expect(first.resumeToken.apiVersion).toBe(API_VERSION);
    const after = result.reqs.filter((r) => r.kind !== 'initial');
    expect(after.map((r) => r.kind)).toEqual(['poll', 'poll', 'final']);
    for (const r of after) expect(new URLSearchParams(r.url.split('?')[1] ?? '').getAll('api-version')).toEqual([API_VERSION]);
    expect(last(result.run).result).toStrictEqual(POST_RESULT);
    await finish(result);
  });

  it('R15 api-version is added to a Location poll URL', async () => {
    const result = await runOp('DELETE', { pattern: 'location', polls: 2, keepApiVersion: false });
    const polls = result.reqs.filter((r) => r.kind === 'poll');
    expect(polls).toHaveLength(2);
    for (const r of polls) expect(r.url).toMatch(new RegExp(`\\?api-version=${API_VERSION}$`));
    expect(last(result.run).state).toBe('succeeded');
    await finish(result);
  });

  it('R15 an existing api-version of a resourceLocation is never replaced', async () => {
    const t = target(sim());
    const located = `${t.path}/views/result?api-version=1999-12-31`;
    sim().define(t.path, { pattern: 'azure-async-operation', polls: 2, resourceLocation: located });
    const run = await collect(trackOperation({ method: 'PUT', url: t.url, body: PUT_BODY }, fast()));
    const reqs = requestsFor(sim(), t);
    const finals = reqs.filter((r) => r.kind === 'final');
    expect(finals.map((r) => r.url)).toEqual([located]);
    expect(last(run).result).toStrictEqual(putResource(t, 'Succeeded'));
    await finish({ t, run, reqs });
  });

  it('R7 relative polling URLs resolve against the response that carried them', async () => {
    const result = await runOp('PUT', {
      pattern: 'azure-async-operation',
      polls: 2,
      relativeUrls: true,
      location: true,
      resourceLocation: true,
    });
    const first = result.run.snapshots[0]!;
    expect(first.resumeToken.pollUrl!.startsWith(`${sim().url}/subscriptions/${result.t.uid}/`)).toBe(true);
    expect(first.resumeToken.locationUrl!.startsWith(`${sim().url}/subscriptions/${result.t.uid}/`)).toBe(true);
    expect(kinds(result.reqs)).toEqual(['initial', 'poll', 'poll', 'final']);
    expect(result.reqs[3]!.url).toContain('/operationResources/');
    expect(last(result.run).result).toStrictEqual(putResource(result.t, 'Succeeded'));
    await finish(result);
  });

  it('R7 a relative Location of a POST is followed to the result', async () => {
    const result = await runOp('POST', { pattern: 'location', polls: 2, relativeUrls: true, resource: POST_RESULT });
    expect(kinds(result.reqs)).toEqual(['initial', 'poll', 'poll']);
    expect(last(result.run)).toMatchObject({ state: 'succeeded', httpStatus: 200, result: POST_RESULT });
    await finish(result);
  });
});
