import * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import { DecodeError, ProtocolError, HttpError } from '../../src/errors';
import { resolveOptions, type PollOptions } from '../../src/options';
import type { HttpResponse } from '../../src/protocol/http-response';
import { normalizeHeaders } from '../../src/protocol/headers';
import { finalResponse, pollResponse, startOperation, type Step } from '../../src/protocol/operation';
import type { LroMethod } from '../../src/snapshot';

const ARM = 'https://management.azure.com';
const RESOURCE = `${ARM}/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa1?api-version=2024-01-01`;
const MONITOR = `${ARM}/subscriptions/s1/providers/Microsoft.Storage/locations/eastus/operations/op1?api-version=2024-01-01`;
const LOCATION = `${ARM}/subscriptions/s1/providers/Microsoft.Storage/locations/eastus/operationResults/op1?api-version=2024-01-01`;

function res(status: number, headers: Record<string, string> = {}, body?: unknown): HttpResponse {
  const response: HttpResponse = { status, headers: normalizeHeaders(headers) };
  if (body !== undefined) response.body = body;
  return response;
}

function start<T = unknown>(method: LroMethod, response: HttpResponse, options: PollOptions<T> = {}, url = RESOURCE): Step<T> {
  return startOperation<T>({ method, url }, response, resolveOptions(options).settings, 0);
}

function poll<T = unknown>(step: Step<T>, response: HttpResponse, options: PollOptions<T> = {}): Step<T> {
  const state = { ...step.state, polls: step.state.polls + 1 };
  return pollResponse<T>(state, response, resolveOptions(options).settings, 0);
}

function final<T = unknown>(step: Step<T>, response: HttpResponse, options: PollOptions<T> = {}): Step<T> {
  if (step.next.kind !== 'final') throw new Error(`expected a final GET, got ${step.next.kind}`);
  return finalResponse<T>({ ...step.state, polls: step.state.polls + 1 }, response, step.next.url, resolveOptions(options).settings);
}

function errorOf(step: Step<unknown>): unknown {
  if (step.next.kind !== 'error') throw new Error(`expected an error, got ${step.next.kind}`);
  return step.next.error;
}

describe('R1–R6 choosing how to poll', () => {
  it('R1 Azure-AsyncOperation is preferred to Operation-Location and Location', () => {
    const step = start(
      'PUT',
      res(
        201,
        { 'Azure-AsyncOperation': MONITOR, 'Operation-Location': LOCATION, Location: LOCATION },
        { properties: { provisioningState: 'Accepted' } },
      ),
    );
    expect(step.next).toEqual({ kind: 'poll', url: MONITOR, delayMs: 1000 });
    expect(step.state.token).toMatchObject({ mode: 'status', pollUrl: MONITOR, locationUrl: LOCATION });
    expect(step.snapshot).toMatchObject({
      state: 'running',
      done: false,
      status: 'Accepted',
      httpStatus: 201,
      polls: 0,
      nextPollInMs: 1000,
    });
  });

  it('R2 Operation-Location is polled as a status monitor when Azure-AsyncOperation is absent', () => {
    const step = start('POST', res(202, { 'Operation-Location': MONITOR, Location: LOCATION }));
    expect(step.state.token).toMatchObject({ mode: 'status', pollUrl: MONITOR, locationUrl: LOCATION });
    const next = poll(step, res(200, {}, { status: 'Running' }));
    expect(next.snapshot).toMatchObject({ state: 'running', status: 'Running', polls: 1 });
  });

  it('R3 Location alone: 202 is running, 200 is done and its body is the result', () => {
    const step = start('PUT', res(202, { Location: LOCATION }));
    expect(step.state.token).toMatchObject({ mode: 'location', pollUrl: LOCATION });
    const running = poll(step, res(202, {}));
    expect(running.snapshot).toMatchObject({ state: 'running', status: 'InProgress', httpStatus: 202 });
    const done = poll(running, res(200, {}, { name: 'sa1', properties: { provisioningState: 'Succeeded' } }));
    expect(done.snapshot).toMatchObject({ state: 'succeeded', done: true, status: 'Succeeded', result: { name: 'sa1' } });
    expect(done.next).toEqual({ kind: 'done' });
  });

  it('R3 Location 204 ends a POST with no result', () => {
    const done = poll(start('POST', res(202, { Location: LOCATION })), res(204));
    expect(done.snapshot).toMatchObject({ state: 'succeeded', httpStatus: 204 });
    expect(done.snapshot).not.toHaveProperty('result');
  });

  it('R3 a final Location body with a Failed or Canceled provisioningState ends the operation so', () => {
    const step = start('PUT', res(202, { Location: LOCATION }));
    const failed = poll(step, res(200, {}, { properties: { provisioningState: 'Failed', error: { code: 'Quota', message: 'No quota' } } }));
    expect(failed.snapshot).toMatchObject({ state: 'failed', status: 'Failed', error: { code: 'Quota', message: 'No quota' } });
    const canceled = poll(step, res(200, {}, { provisioningState: 'Canceled' }));
    expect(canceled.snapshot).toMatchObject({ state: 'canceled', status: 'Canceled' });
  });

  it('R4 a PUT whose body is still provisioning polls the resource itself; 200 with Accepted is running', () => {
    const step = start('PUT', res(201, {}, { properties: { provisioningState: 'Creating' } }));
    expect(step.state.token).toMatchObject({ mode: 'body', pollUrl: RESOURCE });
    expect(step.snapshot).toMatchObject({ state: 'running', status: 'Creating', httpStatus: 201 });
    const accepted = poll(step, res(200, {}, { properties: { provisioningState: 'Accepted' } }));
    expect(accepted.snapshot).toMatchObject({ state: 'running', status: 'Accepted' });
    const done = poll(accepted, res(200, {}, { id: 'x', properties: { provisioningState: 'Succeeded' } }));
    expect(done.snapshot).toMatchObject({ state: 'succeeded', status: 'Succeeded', result: { id: 'x' } });
  });

  it('R4 PATCH with a top-level provisioningState is polled the same way', () => {
    const step = start('PATCH', res(200, {}, { provisioningState: 'Updating' }));
    expect(step.state.token.mode).toBe('body');
    const failed = poll(step, res(200, {}, { provisioningState: 'Failed' }));
    expect(failed.snapshot).toMatchObject({ state: 'failed', error: { code: 'Unknown' } });
  });

  const immediate: Array<[string, LroMethod, HttpResponse, object]> = [
    [
      'PUT 200 with a terminal provisioningState, stale polling headers ignored',
      'PUT',
      res(200, { 'Azure-AsyncOperation': MONITOR }, { properties: { provisioningState: 'Succeeded' } }),
      { state: 'succeeded', status: 'Succeeded' },
    ],
    [
      'PUT 201 with Failed',
      'PUT',
      res(201, { Location: LOCATION }, { properties: { provisioningState: 'Failed' } }),
      { state: 'failed', status: 'Failed' },
    ],
    ['POST 200 with a body and no header', 'POST', res(200, {}, { output: 1 }), { state: 'succeeded', result: { output: 1 } }],
    ['DELETE 204', 'DELETE', res(204), { state: 'succeeded', httpStatus: 204 }],
    ['DELETE 200 with no body', 'DELETE', res(200), { state: 'succeeded', httpStatus: 200 }],
    ['PUT 201 with no provisioningState', 'PUT', res(201, {}, { name: 'sa1' }), { state: 'succeeded', result: { name: 'sa1' } }],
  ];
  for (const [name, method, response, expected] of immediate) {
    it(`R5 finished at once: ${name}`, () => {
      const step = start(method, response);
      expect(step.snapshot).toMatchObject({ done: true, polls: 0, ...expected });
      expect(step.next).toEqual({ kind: 'done' });
    });
  }

  for (const method of ['POST', 'DELETE'] as const) {
    it(`R6 a 202 to ${method} with no polling header is a ProtocolError`, () => {
      const error = errorOf(start(method, res(202, {}, { note: 'accepted' })));
      expect(error).toBeInstanceOf(ProtocolError);
      expect(error).toMatchObject({ code: 'protocol', rule: 'R6', body: { note: 'accepted' } });
    });
  }

  it('F1 an initial 4xx is an HttpError, a 503 a transient one', () => {
    const bad = start('PUT', res(400, {}, { error: { code: 'BadRequest', message: 'no' } }));
    expect(bad.next).toMatchObject({ kind: 'error', error: { code: 'http', status: 400 } });
    expect(bad.next).toHaveProperty('transient', false);
    expect(start('PUT', res(503)).next).toMatchObject({ kind: 'error', transient: true });
  });
});

describe('R7 headers and URLs', () => {
  it('R7 header names are case-insensitive', () => {
    const step = start('POST', res(202, { 'AZURE-ASYNCOPERATION': MONITOR }));
    expect(step.state.token.pollUrl).toBe(MONITOR);
  });
  it('R7 relative URLs resolve against the URL of the response that carried them', () => {
    const step = start(
      'POST',
      res(202, { 'Azure-AsyncOperation': '../operations/op9?api-version=2024-01-01' }),
      {},
      `${ARM}/a/b/c/start?api-version=2024-01-01`,
    );
    expect(step.state.token.pollUrl).toBe(`${ARM}/a/b/operations/op9?api-version=2024-01-01`);
    const moved = poll(step, res(200, { 'Azure-AsyncOperation': 'op10' }, { status: 'Running' }));
    expect(moved.state.token.pollUrl).toBe(`${ARM}/a/b/operations/op10?api-version=2024-01-01`);
  });
  it('R7 a polling header that is not a usable URL is a ProtocolError', () => {
    for (const value of ['', 'ftp://example.com/op', 'http://[broken']) {
      expect(errorOf(start('POST', res(202, { 'Azure-AsyncOperation': value })))).toMatchObject({ code: 'protocol', rule: 'R7' });
    }
  });
  it('R7 a broken Location beside a good Azure-AsyncOperation does not fail the operation', () => {
    const step = start('POST', res(202, { 'Azure-AsyncOperation': MONITOR, Location: 'javascript:alert(1)' }));
    expect(step.next).toMatchObject({ kind: 'poll', url: MONITOR });
    expect(step.state.token).not.toHaveProperty('locationUrl');
  });
});

describe('R8 moving status monitors', () => {
  it('R8 a new Azure-AsyncOperation on a poll response is used by the next poll', () => {
    const step = start('POST', res(202, { 'Azure-AsyncOperation': MONITOR }));
    const moved = poll(step, res(200, { 'Azure-AsyncOperation': `${ARM}/moved/op1` }, { status: 'Running' }));
    expect(moved.next).toMatchObject({ kind: 'poll', url: `${ARM}/moved/op1?api-version=2024-01-01` });
  });
  it('R8 a new Location on a 202 Location poll is used by the next poll', () => {
    const step = start('DELETE', res(202, { Location: LOCATION }));
    const moved = poll(step, res(202, { Location: `${ARM}/next/result?api-version=2024-01-01` }));
    expect(moved.next).toMatchObject({ kind: 'poll', url: `${ARM}/next/result?api-version=2024-01-01` });
  });
});

describe('R9–R12 reading status', () => {
  const monitor = () => start('POST', res(202, { 'Azure-AsyncOperation': MONITOR }));
  const broken: Array<[string, HttpResponse]> = [
    ['missing body', res(200)],
    ['status missing', res(200, {}, { percentComplete: 5 })],
    ['status a number', res(200, {}, { status: 3 })],
    ['status null', res(200, {}, { status: null })],
    ['a JSON array', res(200, {}, [{ status: 'Running' }])],
    ['not JSON', { status: 200, headers: {}, rawBody: '<html>oops</html>' }],
  ];
  for (const [name, response] of broken) {
    it(`R9 a status monitor body with ${name} is a ProtocolError carrying the raw body`, () => {
      const error = errorOf(poll(monitor(), response));
      expect(error).toBeInstanceOf(ProtocolError);
      expect(error).toMatchObject({ rule: 'R9' });
      expect((error as ProtocolError).body).toEqual(response.body ?? response.rawBody);
    });
  }

  it('R10 percentComplete, startTime, endTime, id and name are surfaced', () => {
    const body = {
      status: 'InProgress',
      percentComplete: 42.5,
      startTime: '2017-01-06T18:58:24Z',
      endTime: '2017-01-06T19:00:00Z',
      id: '/ops/1',
      name: 'op1',
    };
    expect(poll(monitor(), res(200, {}, body)).snapshot).toMatchObject({
      percentComplete: 42.5,
      operation: { id: '/ops/1', name: 'op1', startTime: '2017-01-06T18:58:24Z', endTime: '2017-01-06T19:00:00Z' },
    });
  });
  it('R10 out-of-range or wrongly typed optional fields are dropped without failure', () => {
    const snapshot = poll(monitor(), res(200, {}, { status: 'InProgress', percentComplete: 140, startTime: 5, name: null })).snapshot!;
    expect(snapshot.state).toBe('running');
    expect(snapshot).not.toHaveProperty('percentComplete');
    expect(snapshot).not.toHaveProperty('operation');
    expect(poll(monitor(), res(200, {}, { status: 'InProgress', percentComplete: '50' })).snapshot).not.toHaveProperty('percentComplete');
  });

  it('R11 the error is surfaced whole on Failed, nested details included', () => {
    const error = {
      code: 'DeploymentFailed',
      message: 'At least one resource deployment operation failed.',
      target: 'vm1',
      details: [{ code: 'Conflict', message: 'inner', details: [{ code: 'Deeper', message: 'deepest' }] }],
      additionalInfo: [{ type: 'PolicyViolation', info: { policy: 'p1' } }],
    };
    const failed = poll(monitor(), res(200, {}, { status: 'Failed', error }));
    expect(failed.snapshot).toMatchObject({ state: 'failed', done: true, status: 'Failed' });
    expect(failed.snapshot!.error).toEqual(error);
    expect(failed.next).toEqual({ kind: 'done' });
  });
  it('R11 innererror, nested innererrors and fields of the service’s own are kept whole', () => {
    const error = {
      code: 'Conflict',
      message: 'The operation failed.',
      innererror: { code: 'DeepCode', message: 'the root cause', innererror: { code: 'DeeperCode', trace: ['a', 'b'] } },
      correlationId: 'c-1',
      details: [{ code: 'Inner', message: 'inner', innererror: { code: 'InDetail' } }],
    };
    const failed = poll(monitor(), res(200, {}, { status: 'Failed', error }));
    expect(failed.snapshot!.error).toEqual(error);
    expect(JSON.parse(JSON.stringify(failed.snapshot))).toEqual(failed.snapshot);
  });
  it('R11 a hostile error nests no deeper than a bound, and wrongly typed known fields are dropped', () => {
    let inner: Record<string, unknown> = { code: 'Bottom' };
    for (let i = 0; i < 50; i++) inner = { code: `L${i}`, innererror: inner };
    const failed = poll(
      monitor(),
      res(200, {}, { status: 'Failed', error: { code: 'Top', message: 1, target: 2, additionalInfo: 'x', innererror: inner } }),
    );
    const error = failed.snapshot!.error!;
    expect(error).toMatchObject({ code: 'Top', message: '' });
    expect(error).not.toHaveProperty('target');
    expect(error).not.toHaveProperty('additionalInfo');
    let depth = 0;
    for (let at = error.innererror; at; at = at['innererror'] as Record<string, unknown> | undefined) depth++;
    expect(depth).toBeGreaterThan(0);
    expect(depth).toBeLessThanOrEqual(8);
  });
  it('R11 a missing or malformed error still fails, with code Unknown and the raw body kept', () => {
    for (const body of [{ status: 'Failed' }, { status: 'Failed', error: 'boom' }, { status: 'Failed', error: { message: 'no code' } }]) {
      const failed = poll(monitor(), res(200, {}, body));
      expect(failed.snapshot).toMatchObject({ state: 'failed', error: { code: 'Unknown', raw: body } });
    }
  });
  it('R12 Canceled and the spelling Cancelled are both canceled, kept verbatim', () => {
    for (const status of ['Canceled', 'Cancelled', 'CANCELLED']) {
      expect(poll(monitor(), res(200, {}, { status })).snapshot).toMatchObject({ state: 'canceled', status, done: true });
    }
  });

  it('R12 unknown values are running, kept verbatim; never substring matching', () => {
    for (const status of ['Accepted', 'NotStarted', 'Deleting', 'failover-in-progress', 'SucceededPartially', 'Completed']) {
      expect(poll(monitor(), res(200, {}, { status })).snapshot).toMatchObject({ state: 'running', status });
    }
  });
  it('R12 custom terminal values are configurable, compared case-insensitively', () => {
    const options = { terminalStates: { succeeded: ['Completed'], failed: ['Faulted'], canceled: ['Aborted'] } };
    const step = start('POST', res(202, { 'Azure-AsyncOperation': MONITOR }), options);
    expect(poll(step, res(200, {}, { status: 'completed', properties: { ok: 1 } }), options).snapshot).toMatchObject({
      state: 'succeeded',
      status: 'completed',
      result: { ok: 1 },
    });
    expect(poll(step, res(200, {}, { status: 'Faulted' }), options).snapshot).toMatchObject({ state: 'failed' });
    expect(poll(step, res(200, {}, { status: 'ABORTED' }), options).snapshot).toMatchObject({ state: 'canceled' });
  });
});

describe('R15 api-version', () => {
  it('R15 a polling URL without api-version gets the initial request’s', () => {
    const step = start('POST', res(202, { 'Azure-AsyncOperation': `${ARM}/ops/1?foo=a%20b` }));
    expect(step.state.token.pollUrl).toBe(`${ARM}/ops/1?foo=a%20b&api-version=2024-01-01`);
    expect(start('POST', res(202, { Location: `${ARM}/ops/2` })).state.token.pollUrl).toBe(`${ARM}/ops/2?api-version=2024-01-01`);
  });
  it('R15 an existing api-version is never replaced', () => {
    const step = start('POST', res(202, { 'Azure-AsyncOperation': `${ARM}/ops/1?api-version=2016-03-30` }));
    expect(step.state.token.pollUrl).toBe(`${ARM}/ops/1?api-version=2016-03-30`);
  });
  it('R15 the caller asks: options.apiVersion replaces the service’s on polling, Location and resourceLocation URLs', () => {
    const opts = { apiVersion: '2025-05-01' };
    const step = start(
      'POST',
      res(202, { 'Azure-AsyncOperation': `${ARM}/ops/1?x=1&api-version=2016-03-30#f`, Location: `${ARM}/results/1` }),
      opts,
    );
    expect(step.state.token.pollUrl).toBe(`${ARM}/ops/1?x=1&api-version=2025-05-01#f`);
    expect(step.state.token.locationUrl).toBe(`${ARM}/results/1?api-version=2025-05-01`);
    expect(step.state.token).toMatchObject({ apiVersion: '2025-05-01', replaceApiVersion: true });
    const moved = poll(step, res(200, { 'Azure-AsyncOperation': `${ARM}/ops/2?api-version=2016-03-30` }, { status: 'Running' }), opts);
    expect(moved.state.token.pollUrl).toBe(`${ARM}/ops/2?api-version=2025-05-01`);
    const done = poll(moved, res(200, {}, { status: 'Succeeded', resourceLocation: `${ARM}/things/1?api-version=2016-03-30` }), opts);
    expect(done.next).toEqual({ kind: 'final', url: `${ARM}/things/1?api-version=2025-05-01` });
  });
  it('options.apiVersion is validated', () => {
    expect(() => resolveOptions({ apiVersion: '' })).toThrow(/options.apiVersion must be a non-empty api-version/);
    expect(() => resolveOptions({ apiVersion: 'a b' as string })).toThrow(TypeError);
  });
  it('R15 nothing is added when the initial request had none', () => {
    const step = start('POST', res(202, { 'Azure-AsyncOperation': `${ARM}/ops/1` }), {}, `${ARM}/vm/start`);
    expect(step.state.token.pollUrl).toBe(`${ARM}/ops/1`);
  });
});

describe('T1 the initial Retry-After', () => {
  it('T1 the first poll waits for the initial response’s Retry-After', () => {
    const step = start('PUT', res(202, { Location: LOCATION, 'Retry-After': '17' }));
    expect(step.next).toEqual({ kind: 'poll', url: LOCATION, delayMs: 17_000 });
    expect(step.snapshot!.nextPollInMs).toBe(17_000);
  });
});

describe('X1–X7 the final result', () => {
  const succeededMonitor = (method: LroMethod, headers: Record<string, string>, body: object = {}, options: PollOptions = {}) =>
    poll(start(method, res(method === 'PUT' ? 201 : 202, headers), options), res(200, {}, { status: 'Succeeded', ...body }), options);

  it('X1 PUT and PATCH: the original URL is fetched after the monitor succeeds', () => {
    for (const method of ['PUT', 'PATCH'] as const) {
      const step = succeededMonitor(method, { 'Azure-AsyncOperation': MONITOR, Location: LOCATION });
      expect(step.next).toEqual({ kind: 'final', url: RESOURCE });
      expect(step.snapshot).toBeUndefined();
      const done = final(step, res(200, {}, { name: 'sa1' }));
      expect(done.snapshot).toMatchObject({ state: 'succeeded', status: 'Succeeded', httpStatus: 200, polls: 2, result: { name: 'sa1' } });
    }
  });
  it('X2 POST: the initial Location is fetched when there was one', () => {
    expect(succeededMonitor('POST', { 'Azure-AsyncOperation': MONITOR, Location: LOCATION }).next).toEqual({
      kind: 'final',
      url: LOCATION,
    });
  });
  it('X2 POST without Location: the result is the monitor’s result (data plane) or properties', () => {
    expect(succeededMonitor('POST', { 'Operation-Location': MONITOR }, { result: { n: 1 } }).snapshot).toMatchObject({
      state: 'succeeded',
      result: { n: 1 },
    });
    expect(succeededMonitor('POST', { 'Azure-AsyncOperation': MONITOR }, { properties: { n: 2 } }).snapshot).toMatchObject({
      result: { n: 2 },
    });
  });
  it('X3 DELETE: no final GET', () => {
    const step = succeededMonitor('DELETE', { 'Azure-AsyncOperation': MONITOR, Location: LOCATION }, { resourceLocation: RESOURCE });
    expect(step.next).toEqual({ kind: 'done' });
    expect(step.snapshot).toMatchObject({ state: 'succeeded', done: true });
  });
  it('X4 resourceLocation in a succeeded monitor body overrides X1 and X2', () => {
    const other = `${ARM}/subscriptions/s1/real/resource`;
    expect(succeededMonitor('PUT', { 'Azure-AsyncOperation': MONITOR }, { resourceLocation: other }).next).toEqual({
      kind: 'final',
      url: `${other}?api-version=2024-01-01`,
    });
    expect(
      succeededMonitor('POST', { 'Azure-AsyncOperation': MONITOR, Location: LOCATION }, { resourceLocation: other }).next,
    ).toMatchObject({ kind: 'final', url: expect.stringContaining(other) });
  });

  it('X2 X5 a POST monitor with neither result nor properties: the monitor body is the result', () => {
    const step = succeededMonitor(
      'POST',
      { 'Azure-AsyncOperation': MONITOR, Location: LOCATION },
      { id: '100' },
      { finalStateVia: 'azure-async-operation' },
    );
    expect(step.next).toEqual({ kind: 'done' });
    expect(step.snapshot!.result).toEqual({ status: 'Succeeded', id: '100' });
  });
  it('X5 in Location mode finalStateVia changes nothing: the terminal Location response is the result', () => {
    for (const via of [undefined, 'azure-async-operation', 'operation-location', 'location', 'original-uri'] as const) {
      for (const method of ['PUT', 'PATCH', 'POST', 'GET'] as const) {
        const options = via === undefined ? {} : { finalStateVia: via };
        const step = poll(start(method, res(202, { Location: LOCATION }), options), res(200, {}, { name: 'sa1' }), options);
        expect(step.next, `${method} ${via}`).toEqual({ kind: 'done' });
        expect(step.snapshot).toMatchObject({ state: 'succeeded', result: { name: 'sa1' } });
      }
    }
  });
  it('X5 in Location mode only a PUT or PATCH with original-uri whose terminal response has no body GETs the original URL', () => {
    const options = { finalStateVia: 'original-uri' as const };
    for (const method of ['PUT', 'PATCH'] as const) {
      expect(poll(start(method, res(202, { Location: LOCATION }), options), res(204), options).next).toEqual({
        kind: 'final',
        url: RESOURCE,
      });
      const plain = poll(start(method, res(202, { Location: LOCATION })), res(204));
      expect(plain.next).toEqual({ kind: 'done' });
      expect(plain.snapshot).toMatchObject({ state: 'succeeded', httpStatus: 204 });
      expect(plain.snapshot).not.toHaveProperty('result');
    }
    expect(poll(start('POST', res(202, { Location: LOCATION }), options), res(204), options).next).toEqual({ kind: 'done' });
  });

  it('X6 Failed or Canceled: no final GET, the monitor’s error stands', () => {
    for (const status of ['Failed', 'Canceled']) {
      const step = poll(
        start('PUT', res(201, { 'Azure-AsyncOperation': MONITOR })),
        res(200, {}, { status, error: { code: 'E', message: 'm' } }),
      );
      expect(step.next).toEqual({ kind: 'done' });
      expect(step.snapshot).toMatchObject({ done: true, error: { code: 'E' } });
    }
  });

  const Account = t.type({ name: t.string, properties: t.type({ sku: t.string, size: t.number }) });
  it('X7 the result is decoded with the caller’s codec', () => {
    const step = final(
      succeededMonitor('PUT', { 'Azure-AsyncOperation': MONITOR }, {}, { result: Account }),
      res(200, {}, { name: 'sa1', properties: { sku: 'LRS', size: 3 } }),
      { result: Account },
    );
    expect(step.snapshot!.result).toEqual({ name: 'sa1', properties: { sku: 'LRS', size: 3 } });
  });
  it('X7 a decode failure is a DecodeError naming every failing path', () => {
    const step = final(
      succeededMonitor('PUT', { 'Azure-AsyncOperation': MONITOR }, {}, { result: Account }),
      res(200, {}, { name: 7, properties: { sku: 'LRS' } }),
      { result: Account },
    );
    const error = errorOf(step) as DecodeError;
    expect(error).toBeInstanceOf(DecodeError);
    expect(error.paths.sort()).toEqual(['name', 'properties.size']);
    expect(error.message).toContain('at name expected string, got 7');
    expect(error.message).toContain('at properties.size expected number, got undefined');
  });
  it('a final GET that fails is an HttpError, not a made-up success', () => {
    const step = final(
      succeededMonitor('PUT', { 'Azure-AsyncOperation': MONITOR }),
      res(404, {}, { error: { code: 'NotFound', message: 'gone' } }),
    );
    expect(errorOf(step)).toBeInstanceOf(HttpError);
    expect(errorOf(step)).toMatchObject({ status: 404, url: RESOURCE });
  });
});

describe('R13 R14 error statuses while polling', () => {
  const under = `${RESOURCE.split('?')[0]}/operationResults/op1?api-version=2024-01-01`;
  const wrong = `${ARM}/foo`;

  it('R13 a Location poll 4xx without an error body fails with a code and message naming the status and the URL, no query string', () => {
    const step = poll(start('POST', res(202, { Location: `${LOCATION}&sig=SECRET` })), res(404, {}, {}));
    expect(step.next).toEqual({ kind: 'done' });
    const error = step.snapshot!.error!;
    expect(step.snapshot).toMatchObject({ state: 'failed', status: 'Failed', httpStatus: 404 });
    expect(error.code).toBe('Http404');
    expect(error.message).toContain('HTTP 404');
    expect(error.message).toContain(LOCATION.split('?')[0]);
    expect(error.message).not.toContain('?');
    expect(error.message).not.toContain('SECRET');
    expect(error.raw).toEqual({});
  });
  it('R13 a Location poll 4xx whose body has an error fails with the service’s error', () => {
    const step = poll(start('POST', res(202, { Location: LOCATION })), res(409, {}, { error: { code: 'Conflict', message: 'taken' } }));
    expect(step.snapshot).toMatchObject({ state: 'failed', httpStatus: 409, error: { code: 'Conflict', message: 'taken' } });
  });
  it('R13 a non-JSON Location error body is kept as the excerpt', () => {
    const response: HttpResponse = { status: 500 + 1, headers: {}, rawBody: '<html>oops</html>' };
    const step = poll(start('POST', res(202, { Location: LOCATION })), response);
    expect(step.snapshot!.error).toMatchObject({ code: 'Http501', raw: '<html>oops</html>' });
  });
  it('R14 a DELETE whose Location under the resource’s path answers 404 succeeded: the resource is gone', () => {
    const step = poll(start('DELETE', res(202, { Location: under })), res(404));
    expect(step.snapshot).toMatchObject({ state: 'succeeded', httpStatus: 404 });
  });
  it('R14 a DELETE whose Location is a wrong URL (/foo) answering 404 is not reported done: R13 makes it failed', () => {
    const step = poll(start('DELETE', res(202, { Location: '/foo' })), res(404));
    expect(step.state.token.pollUrl).toBe(`${wrong}?api-version=2024-01-01`);
    expect(step.snapshot).toMatchObject({ state: 'failed', httpStatus: 404, error: { code: 'Http404' } });
    expect(step.snapshot!.error!.message).toContain(wrong);
  });
  it('R14 a DELETE whose monitor is a wrong URL answering 404 is an HttpError (R13), not success', () => {
    const step = poll(start('DELETE', res(202, { 'Azure-AsyncOperation': '/foo' })), res(404));
    expect(errorOf(step)).toBeInstanceOf(HttpError);
    expect(errorOf(step)).toMatchObject({ status: 404 });
  });
  it('R14 the resource itself answering 404 (other case, trailing slash) counts; a sibling or a parent does not', () => {
    const path = RESOURCE.split('?')[0]!;
    for (const [url, gone] of [
      [`${path.toUpperCase().replace('HTTPS://MANAGEMENT.AZURE.COM', ARM)}/`, true],
      [`${path}/operationStatuses/x`, true],
      [`${path}2/operationStatuses/x`, false],
      [path.slice(0, path.lastIndexOf('/')), false],
      [`https://other.example.com${new URL(path).pathname}`, false],
    ] as const) {
      const step = poll(start('DELETE', res(202, { Location: url })), res(404));
      expect(step.snapshot?.state, url).toBe(gone ? 'succeeded' : 'failed');
    }
  });
  it("R14 deleteNotFound: 'error' makes the resource-scoped 404 an HttpError", () => {
    const step = poll(start('DELETE', res(202, { Location: under })), res(404), { deleteNotFound: 'error' });
    expect(errorOf(step)).toBeInstanceOf(HttpError);
  });
});

describe('R16 an operation started with GET', () => {
  it('R16 a GET answered 202 with Operation-Location is polled like a POST, and its result is the monitor’s (X2)', () => {
    const first = start('GET', res(202, { 'Operation-Location': MONITOR }));
    expect(first.state.token).toMatchObject({ method: 'GET', mode: 'status', pollUrl: MONITOR });
    const done = poll(first, res(200, {}, { status: 'Succeeded', result: { rows: 3 } }));
    expect(done.snapshot).toMatchObject({ state: 'succeeded', result: { rows: 3 } });
  });
  it('R16 R6 a GET answered 202 with no polling header is a ProtocolError; a plain 200 is done at once', () => {
    expect(errorOf(start('GET', res(202)))).toBeInstanceOf(ProtocolError);
    expect(start('GET', res(200, {}, { rows: 1 })).snapshot).toMatchObject({ state: 'succeeded', result: { rows: 1 } });
  });
});
