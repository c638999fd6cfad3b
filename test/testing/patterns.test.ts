import { describe, expect, it } from 'vitest';
import {
  API,
  DEPLOYMENT,
  STORAGE,
  VM,
  isTerminalMonitor,
  pollUntil,
  provisioningStateOf,
  send,
  sleep,
  statusOf,
  useSimulator,
} from './helpers';

const sim = useSimulator();

function monitorOf(headers: Headers, name = 'azure-asyncoperation'): string {
  const url = headers.get(name);
  expect(url, `${name} header`).toBeTruthy();
  return url as string;
}

describe('azure-async-operation', () => {
  it('PUT: 201 + Accepted body + Azure-AsyncOperation on the simulator with api-version, then Running → Succeeded, then the resource (E2)', async () => {
    const resource = { id: DEPLOYMENT, name: 'dep1', properties: { mode: 'Incremental' } };
    sim().define(DEPLOYMENT, { runningStatuses: ['Running'], polls: 2, resource });
    const initial = await send(`${sim().url}${DEPLOYMENT}?${API}`, {
      method: 'PUT',
      body: JSON.stringify({ properties: { mode: 'Incremental' } }),
    });
    expect(initial.status).toBe(201);
    expect(initial.headers.get('content-type')).toBe('application/json');
    expect(initial.json).toEqual({ ...resource, properties: { mode: 'Incremental', provisioningState: 'Accepted' } });
    expect(initial.headers.get('location')).toBeNull();
    const monitor = monitorOf(initial.headers);
    expect(monitor.startsWith(`${sim().url}/subscriptions/sub1/providers/Microsoft.Resources/locations/westus/operationStatuses/`)).toBe(
      true,
    );
    expect(new URL(monitor).searchParams.get('api-version')).toBe('2016-03-30');

    const first = await send(monitor);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ status: 'Running' });
    expect(first.json).not.toHaveProperty('endTime');
    const last = await send(monitor);
    expect(last.json).toMatchObject({ status: 'Succeeded', name: expect.any(String), id: expect.stringContaining('/operationStatuses/') });
    const body = last.json as { startTime: string; endTime: string };
    expect(Date.parse(body.endTime)).toBeGreaterThanOrEqual(Date.parse(body.startTime));
    expect(last.json).not.toHaveProperty('error');

    const final = await send(`${sim().url}${DEPLOYMENT}?${API}`);
    expect(final.status).toBe(200);
    expect(final.json).toEqual({ ...resource, properties: { mode: 'Incremental', provisioningState: 'Succeeded' } });
    expect(sim().requests.map((r) => r.kind)).toEqual(['initial', 'poll', 'poll', 'final']);
    const opId = sim().requests[0]?.operationId;
    expect(opId).toBeTruthy();
    expect(sim().requests.every((r) => r.operationId === opId)).toBe(true);
  });

  it('POST: 202 without a body; the monitor shows InProgress with startTime and name, then Succeeded (E1)', async () => {
    sim().define(`${VM}/start`, { polls: 2 });
    const initial = await send(`${sim().url}${VM}/start?${API}`, { method: 'POST' });
    expect(initial.status).toBe(202);
    expect(initial.text).toBe('');
    const monitor = monitorOf(initial.headers);
    const running = await send(monitor);
    expect(running.json).toMatchObject({ status: 'InProgress', startTime: expect.any(String), name: expect.any(String) });
    expect(new Date((running.json as { startTime: string }).startTime).toISOString()).toBe(
      (running.json as { startTime: string }).startTime,
    );
    const done = await send(monitor);
    expect(statusOf(done)).toBe('Succeeded');
    expect(done.json).not.toHaveProperty('properties');
  });

  it('POST with Location: the monitor carries the result in properties, Location answers 202 until done then 200 with the result', async () => {
    const result = { powerState: 'running' };
    // The early Location GET is a poll too (it counts towards `polls`).
    sim().define(`${VM}/start`, { polls: 3, location: true, resource: result });
    const initial = await send(`${sim().url}${VM}/start?${API}`, { method: 'POST' });
    const monitor = monitorOf(initial.headers);
    const location = initial.headers.get('location') as string;
    expect(location).toContain('/operationResults/');
    expect(new URL(location).searchParams.get('api-version')).toBe('2016-03-30');
    const early = await send(location);
    expect(early.status).toBe(202);
    expect(early.text).toBe('');
    expect(statusOf(await send(monitor))).toBe('InProgress');
    const done = await send(monitor);
    expect(done.json).toMatchObject({ status: 'Succeeded', properties: result });
    const final = await send(location);
    expect(final.status).toBe(200);
    expect(final.json).toEqual(result);
    expect(sim().requests.map((r) => r.kind)).toEqual(['initial', 'poll', 'poll', 'poll', 'final']);
  });

  it('DELETE: 202, the resource reads as Deleting while running, and 404 with an ARM error once done', async () => {
    sim().define(VM, { durationMs: 120 });
    const initial = await send(`${sim().url}${VM}?${API}`, { method: 'DELETE' });
    expect(initial.status).toBe(202);
    const during = await send(`${sim().url}${VM}?${API}`);
    expect(during.status).toBe(200);
    expect(provisioningStateOf(during)).toBe('Deleting');
    const answers = await pollUntil(monitorOf(initial.headers), isTerminalMonitor);
    expect(statusOf(answers[answers.length - 1]!)).toBe('Succeeded');
    const after = await send(`${sim().url}${VM}?${API}`);
    expect(after.status).toBe(404);
    expect(after.json).toMatchObject({ error: { code: 'ResourceNotFound', message: expect.any(String) } });
  });

  it('Failed: the monitor carries the whole nested ARM error, and the resource reads as Failed', async () => {
    const error = {
      code: 'DeploymentFailed',
      message: 'At least one resource deployment operation failed.',
      target: 'dep1',
      details: [{ code: 'Conflict', message: 'outer', details: [{ code: 'QuotaExceeded', message: 'inner', target: 'cores' }] }],
      additionalInfo: [{ type: 'PolicyViolation', info: { policy: 'p1' } }],
    };
    sim().define(DEPLOYMENT, { polls: 1, outcome: 'Failed', error });
    const initial = await send(`${sim().url}${DEPLOYMENT}?${API}`, { method: 'PUT' });
    const done = await send(monitorOf(initial.headers));
    expect(done.json).toMatchObject({ status: 'Failed', error });
    const resource = await send(`${sim().url}${DEPLOYMENT}?${API}`);
    expect(provisioningStateOf(resource)).toBe('Failed');
  });

  it.each(['Canceled', 'Cancelled'])('%s: the spelling is kept verbatim, with a default error', async (outcome) => {
    sim().define(`${VM}/restart`, { polls: 1, outcome });
    const initial = await send(`${sim().url}${VM}/restart?${API}`, { method: 'POST' });
    const done = await send(monitorOf(initial.headers));
    expect(done.json).toMatchObject({ status: outcome, error: { code: 'OperationCanceled', message: expect.any(String) } });
  });

  it('a custom outcome (Completed) is sent verbatim, without an error', async () => {
    sim().define(`${VM}/start`, { polls: 1, outcome: 'Completed' });
    const initial = await send(`${sim().url}${VM}/start?${API}`, { method: 'POST' });
    const done = await send(monitorOf(initial.headers));
    expect(statusOf(done)).toBe('Completed');
    expect(done.json).not.toHaveProperty('error');
  });

  it('error: null leaves the error out of a Failed body; a string error is sent verbatim (malformed)', async () => {
    sim().define(`${VM}/a`, { polls: 1, outcome: 'Failed', error: null });
    sim().define(`${VM}/b`, { polls: 1, outcome: 'Failed', error: 'boom' });
    const a = await send(`${sim().url}${VM}/a?${API}`, { method: 'POST' });
    const b = await send(`${sim().url}${VM}/b?${API}`, { method: 'POST' });
    const doneA = await send(monitorOf(a.headers));
    const doneB = await send(monitorOf(b.headers));
    expect(doneA.json).toEqual(expect.objectContaining({ status: 'Failed' }));
    expect(doneA.json).not.toHaveProperty('error');
    expect(doneB.json).toMatchObject({ status: 'Failed', error: 'boom' });
  });

  it('runningStatuses are shown in turn (counted in polls), then the outcome', async () => {
    sim().define(DEPLOYMENT, { polls: 3, runningStatuses: ['Accepted', 'Running'] });
    const initial = await send(`${sim().url}${DEPLOYMENT}?${API}`, { method: 'PUT' });
    const monitor = monitorOf(initial.headers);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(statusOf(await send(monitor)));
    expect(statuses).toEqual(['Accepted', 'Running', 'Succeeded']);
  });

  it('real time: running before durationMs, terminal after it, endTime = startTime + durationMs', async () => {
    sim().define(DEPLOYMENT, { durationMs: 150 });
    const initial = await send(`${sim().url}${DEPLOYMENT}?${API}`, { method: 'PUT' });
    const monitor = monitorOf(initial.headers);
    expect(statusOf(await send(monitor))).toBe('InProgress');
    await sleep(200);
    const done = await send(monitor);
    const body = done.json as { status: string; startTime: string; endTime: string };
    expect(body.status).toBe('Succeeded');
    expect(Date.parse(body.endTime) - Date.parse(body.startTime)).toBe(150);
  });

  it('percentComplete: linear with true, or any curve of the elapsed fraction', async () => {
    sim().define(`${VM}/a`, { polls: 4, percentComplete: true });
    sim().define(`${VM}/b`, { polls: 2, percentComplete: (f) => Math.round(f * f * 100) });
    const a = await send(`${sim().url}${VM}/a?${API}`, { method: 'POST' });
    const b = await send(`${sim().url}${VM}/b?${API}`, { method: 'POST' });
    const percents = [];
    for (let i = 0; i < 4; i++) percents.push((await send(monitorOf(a.headers))).json);
    expect(percents.map((p) => (p as { percentComplete: number }).percentComplete)).toEqual([25, 50, 75, 100]);
    const b1 = await send(monitorOf(b.headers));
    expect(b1.json).toMatchObject({ status: 'InProgress', percentComplete: 25 });
    const c = await send(`${sim().url}${DEPLOYMENT}?${API}`, { method: 'PUT' });
    expect((await send(monitorOf(c.headers))).json).not.toHaveProperty('percentComplete');
  });

  it('monitorFields and monitorExtra shape the monitor body', async () => {
    sim().define(`${VM}/start`, { polls: 2, monitorFields: ['name'], monitorExtra: { percentComplete: 'half', provider: 'x' } });
    const initial = await send(`${sim().url}${VM}/start?${API}`, { method: 'POST' });
    const body = (await send(monitorOf(initial.headers))).json as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['name', 'percentComplete', 'provider', 'status']);
    expect(body.percentComplete).toBe('half');
  });

  it('resourceLocation: true points at a URL the simulator serves as the final result; a path string is served too', async () => {
    const resource = { id: 'x', properties: { size: 3 } };
    sim().define(DEPLOYMENT, { polls: 1, resourceLocation: true, resource });
    sim().define(`${VM}/capture`, { polls: 1, resourceLocation: '/results/capture1', resource: { vhd: 'a.vhd' } });
    const initial = await send(`${sim().url}${DEPLOYMENT}?${API}`, { method: 'PUT' });
    const done = await send(monitorOf(initial.headers));
    const location = (done.json as { resourceLocation: string }).resourceLocation;
    expect(location.startsWith(`${sim().url}/`)).toBe(true);
    expect(location).not.toContain('/deployments/dep1');
    const final = await send(location);
    expect(final.json).toEqual({ id: 'x', properties: { size: 3, provisioningState: 'Succeeded' } });

    const capture = await send(`${sim().url}${VM}/capture?${API}`, { method: 'POST' });
    const captured = await send(monitorOf(capture.headers));
    expect(captured.json).toMatchObject({ resourceLocation: `${sim().url}/results/capture1` });
    const result = await send(`${sim().url}/results/capture1`);
    expect(result.json).toEqual({ vhd: 'a.vhd' });
    expect(
      sim()
        .requests.filter((r) => r.kind === 'final')
        .map((r) => r.url),
    ).toEqual([new URL(location).pathname + new URL(location).search, '/results/capture1']);
  });

  it('keepApiVersion: false drops api-version from polling URLs; relativeUrls writes paths', async () => {
    sim().define(`${VM}/a`, { keepApiVersion: false, location: true });
    sim().define(`${VM}/b`, { relativeUrls: true });
    const a = await send(`${sim().url}${VM}/a?${API}`, { method: 'POST' });
    expect(monitorOf(a.headers)).not.toContain('api-version');
    expect(a.headers.get('location')).not.toContain('api-version');
    const b = await send(`${sim().url}${VM}/b?${API}`, { method: 'POST' });
    expect(monitorOf(b.headers)).toMatch(
      /^\/subscriptions\/sub1\/providers\/Microsoft\.Compute\/locations\/westus\/operationStatuses\/[0-9a-f-]{36}\?api-version=2016-03-30$/,
    );
  });

  it('PUT without a scripted resource keeps the request body; PATCH merges into it', async () => {
    sim().define(STORAGE, { polls: 1 });
    const put = await send(`${sim().url}${STORAGE}?${API}`, {
      method: 'PUT',
      body: JSON.stringify({ location: 'westus', properties: { tier: 'Hot' } }),
    });
    expect(put.json).toEqual({
      id: STORAGE,
      name: 'acct1',
      location: 'westus',
      properties: { tier: 'Hot', provisioningState: 'Accepted' },
    });
    await send(monitorOf(put.headers));
    const patch = await send(`${sim().url}${STORAGE}?${API}`, {
      method: 'PATCH',
      body: JSON.stringify({ properties: { tier: 'Cool' }, tags: { a: '1' } }),
    });
    expect(patch.status).toBe(201);
    await send(monitorOf(patch.headers));
    const final = await send(`${sim().url}${STORAGE}?${API}`);
    expect(final.json).toEqual({
      id: STORAGE,
      name: 'acct1',
      location: 'westus',
      tags: { a: '1' },
      properties: { tier: 'Cool', provisioningState: 'Succeeded' },
    });
  });
});

describe('operation-location', () => {
  it('POST: Operation-Location header (no Azure-AsyncOperation), the monitor carries `result`', async () => {
    sim().define('/language/analyze-jobs', { pattern: 'operation-location', polls: 2, resource: { documents: 3 } });
    const initial = await send(`${sim().url}/language/analyze-jobs?api-version=2023-04-01`, { method: 'POST' });
    expect(initial.status).toBe(202);
    expect(initial.headers.get('azure-asyncoperation')).toBeNull();
    const monitor = monitorOf(initial.headers, 'operation-location');
    expect(monitor).toMatch(new RegExp(`^${sim().url}/operationStatuses/[0-9a-f-]{36}\\?api-version=2023-04-01$`));
    expect(statusOf(await send(monitor))).toBe('InProgress');
    expect((await send(monitor)).json).toMatchObject({ status: 'Succeeded', result: { documents: 3 } });
  });

  it('PUT: 201 with the Accepted body; Failed carries the error', async () => {
    sim().define('/models/m1', { pattern: 'operation-location', polls: 1, outcome: 'Failed', error: { code: 'BadModel', message: 'no' } });
    const initial = await send(`${sim().url}/models/m1`, { method: 'PUT' });
    expect(initial.status).toBe(201);
    expect(provisioningStateOf(initial)).toBe('Accepted');
    expect((await send(monitorOf(initial.headers, 'operation-location'))).json).toMatchObject({
      status: 'Failed',
      error: { code: 'BadModel', message: 'no' },
    });
  });

  it('initialStatus 201 for a POST is honoured', async () => {
    sim().define('/jobs', { pattern: 'operation-location', initialStatus: 201 });
    const initial = await send(`${sim().url}/jobs`, { method: 'POST' });
    expect(initial.status).toBe(201);
    expect(initial.headers.get('operation-location')).toBeTruthy();
  });
});

describe('location', () => {
  it('PUT: 202 + Location + Retry-After: 17; the Location answers 202 (with Retry-After) until done, then 200 with the account (E3)', async () => {
    const account = { id: STORAGE, name: 'acct1', properties: { accessTier: 'Hot' } };
    sim().define(STORAGE, { pattern: 'location', retryAfter: 17, polls: 2, resource: account });
    const initial = await send(`${sim().url}${STORAGE}?${API}`, { method: 'PUT' });
    expect(initial.status).toBe(202);
    expect(initial.text).toBe('');
    expect(initial.headers.get('retry-after')).toBe('17');
    expect(initial.headers.get('azure-asyncoperation')).toBeNull();
    const location = initial.headers.get('location') as string;
    expect(location).toMatch(
      new RegExp(`^${sim().url}/subscriptions/sub1/providers/Microsoft\\.Storage/locations/westus/operationResults/`),
    );
    const running = await send(location);
    expect(running.status).toBe(202);
    expect(running.headers.get('retry-after')).toBe('17');
    expect(running.headers.get('location')).toBe(location);
    const done = await send(location);
    expect(done.status).toBe(200);
    expect(done.headers.get('retry-after')).toBeNull();
    expect(done.json).toEqual({ ...account, properties: { accessTier: 'Hot', provisioningState: 'Succeeded' } });
    expect(sim().requests.map((r) => r.kind)).toEqual(['initial', 'poll', 'poll']);
  });

  it('DELETE ends with 204; POST ends with 204 without a result and 200 with one', async () => {
    sim().define(VM, { pattern: 'location', polls: 1 });
    sim().define(`${VM}/start`, { pattern: 'location', polls: 1 });
    sim().define(`${VM}/capture`, { pattern: 'location', polls: 1, resource: { vhd: 'a' } });
    const del = await send(`${sim().url}${VM}?${API}`, { method: 'DELETE' });
    expect(del.status).toBe(202);
    expect((await send(del.headers.get('location') as string)).status).toBe(204);
    const start = await send(`${sim().url}${VM}/start?${API}`, { method: 'POST' });
    const startDone = await send(start.headers.get('location') as string);
    expect(startDone.status).toBe(204);
    expect(startDone.text).toBe('');
    const capture = await send(`${sim().url}${VM}/capture?${API}`, { method: 'POST' });
    const captured = await send(capture.headers.get('location') as string);
    expect(captured.status).toBe(200);
    expect(captured.json).toEqual({ vhd: 'a' });
    expect((await send(`${sim().url}${VM}?${API}`)).status).toBe(404);
  });

  it.each([
    [undefined, 400],
    [500, 500],
    [409, 409],
  ] as const)('Failed with locationFailure %s answers %s with an { error } body', async (locationFailure, status) => {
    sim().define(`${VM}/start`, {
      pattern: 'location',
      polls: 1,
      outcome: 'Failed',
      error: { code: 'VMFailed', message: 'no' },
      ...(locationFailure ? { locationFailure } : {}),
    });
    const initial = await send(`${sim().url}${VM}/start?${API}`, { method: 'POST' });
    const done = await send(initial.headers.get('location') as string);
    expect(done.status).toBe(status);
    expect(done.headers.get('content-type')).toBe('application/json');
    expect(done.json).toEqual({ error: { code: 'VMFailed', message: 'no' } });
  });

  it("Failed/Canceled with locationFailure 'provisioning-state' answers 200 with provisioningState Failed/Canceled", async () => {
    sim().define(STORAGE, { pattern: 'location', polls: 1, outcome: 'Failed', locationFailure: 'provisioning-state' });
    sim().define(`${STORAGE}/x`, { pattern: 'location', polls: 1, outcome: 'Canceled', locationFailure: 'provisioning-state' });
    const initial = await send(`${sim().url}${STORAGE}?${API}`, { method: 'PUT' });
    const done = await send(initial.headers.get('location') as string);
    expect(done.status).toBe(200);
    expect(provisioningStateOf(done)).toBe('Failed');
    const x = await send(`${sim().url}${STORAGE}/x?${API}`, { method: 'PUT' });
    expect(provisioningStateOf(await send(x.headers.get('location') as string))).toBe('Canceled');
  });
});

describe('provisioning-state', () => {
  it('PUT: 201 with a non-terminal provisioningState and no polling header; GET shows it move to Succeeded', async () => {
    sim().define(STORAGE, { pattern: 'provisioning-state', polls: 3, runningStatuses: ['Creating', 'Updating'] });
    const initial = await send(`${sim().url}${STORAGE}?${API}`, { method: 'PUT' });
    expect(initial.status).toBe(201);
    expect(provisioningStateOf(initial)).toBe('Creating');
    for (const name of ['azure-asyncoperation', 'operation-location', 'location']) expect(initial.headers.get(name)).toBeNull();
    const states = [];
    for (let i = 0; i < 3; i++) states.push(provisioningStateOf(await send(`${sim().url}${STORAGE}?${API}`)));
    expect(states).toEqual(['Creating', 'Updating', 'Succeeded']);
    await send(`${sim().url}${STORAGE}?${API}`);
    expect(sim().requests.map((r) => r.kind)).toEqual(['initial', 'poll', 'poll', 'poll', 'other']);
  });

  it('initialStatus 200 with Accepted; a custom terminal state; top-level provisioningState', async () => {
    sim().define(STORAGE, {
      pattern: 'provisioning-state',
      initialStatus: 200,
      runningStatuses: ['Accepted'],
      polls: 1,
      outcome: 'Ready',
      provisioningStateAt: 'root',
    });
    const initial = await send(`${sim().url}${STORAGE}?${API}`, { method: 'PUT' });
    expect(initial.status).toBe(200);
    expect(initial.json).toMatchObject({ provisioningState: 'Accepted' });
    const done = await send(`${sim().url}${STORAGE}?${API}`);
    expect(done.json).toMatchObject({ provisioningState: 'Ready' });
    expect(done.json).not.toHaveProperty('properties.provisioningState');
  });

  it('Failed: the resource ends with provisioningState Failed', async () => {
    sim().define(STORAGE, { pattern: 'provisioning-state', durationMs: 0, outcome: 'Failed' });
    const initial = await send(`${sim().url}${STORAGE}?${API}`, { method: 'PATCH' });
    expect(provisioningStateOf(initial)).toBe('InProgress');
    expect(provisioningStateOf(await send(`${sim().url}${STORAGE}?${API}`))).toBe('Failed');
  });

  it('POST with this pattern is refused with 400 and an ARM error naming the reason', async () => {
    sim().define(`${VM}/start`, { pattern: 'provisioning-state' });
    const answer = await send(`${sim().url}${VM}/start?${API}`, { method: 'POST' });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: { code: 'InvalidSimulatorScenario', message: expect.stringContaining('PUT and PATCH') } });
  });
});

describe('sync', () => {
  it('PUT answers 200 with a terminal provisioningState and no polling header, 201 when asked', async () => {
    sim().define(STORAGE, { pattern: 'sync' });
    sim().define(`${STORAGE}/b`, { pattern: 'sync', initialStatus: 201 });
    const a = await send(`${sim().url}${STORAGE}?${API}`, { method: 'PUT' });
    expect(a.status).toBe(200);
    expect(provisioningStateOf(a)).toBe('Succeeded');
    expect(a.headers.get('azure-asyncoperation')).toBeNull();
    expect(a.headers.get('location')).toBeNull();
    expect((await send(`${sim().url}${STORAGE}/b`, { method: 'PUT' })).status).toBe(201);
    const read = await send(`${sim().url}${STORAGE}?${API}`);
    expect(read.status).toBe(200);
    expect(provisioningStateOf(read)).toBe('Succeeded');
  });

  it('POST answers 200 with the result or 204 without; DELETE answers 204 and the resource is gone', async () => {
    sim().define(`${VM}/a`, { pattern: 'sync', resource: { ok: true } });
    sim().define(`${VM}/b`, { pattern: 'sync' });
    sim().define(VM, { pattern: 'sync' });
    const a = await send(`${sim().url}${VM}/a`, { method: 'POST' });
    expect([a.status, a.json]).toEqual([200, { ok: true }]);
    const b = await send(`${sim().url}${VM}/b`, { method: 'POST' });
    expect([b.status, b.text]).toEqual([204, '']);
    const d = await send(`${sim().url}${VM}`, { method: 'DELETE' });
    expect(d.status).toBe(204);
    expect((await send(`${sim().url}${VM}`)).status).toBe(404);
  });
});

describe('scripts', () => {
  it("a 'METHOD /path' script wins over the path's script for that method; paths are case-insensitive", async () => {
    sim().define(STORAGE, { pattern: 'sync' });
    sim().define(`DELETE ${STORAGE.toUpperCase()}/`, { pattern: 'location', polls: 1 });
    expect((await send(`${sim().url}${STORAGE}`, { method: 'PUT' })).status).toBe(200);
    const del = await send(`${sim().url}${STORAGE}`, { method: 'DELETE' });
    expect(del.status).toBe(202);
    expect(del.headers.get('location')).toBeTruthy();
  });

  it('define throws a precise TypeError on an invalid script', () => {
    expect(() => sim().define(VM, { durationMs: -1 })).toThrow(/durationMs must be a finite number >= 0, got -1/);
    expect(() => sim().define(VM, { faults: [{ on: 'poll', kind: 'explode' as never }] })).toThrow(/faults\[0\]\.kind/);
    expect(() => sim().define(VM, { faults: [{ on: 'poll', kind: 200 }] })).toThrow(/HTTP status 400–599/);
    expect(() => sim().define(VM, { retryAfter: { form: 'minutes' as never, value: 1 } })).toThrow(/retryAfter/);
    expect(() => sim().define('no-slash', {})).toThrow(/must start with '\/'/);
  });

  it('GET of a path nobody created answers 404 with an ARM error body', async () => {
    const answer = await send(`${sim().url}${VM}?${API}`);
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(answer.json).toEqual({ error: { code: 'ResourceNotFound', message: expect.any(String) } });
  });

  it('reset() forgets requests, operations and resources but keeps scripts', async () => {
    sim().define(STORAGE, { pattern: 'sync', initialStatus: 201 });
    const requests = sim().requests;
    await send(`${sim().url}${STORAGE}`, { method: 'PUT' });
    expect(requests.length).toBe(1);
    sim().reset();
    expect(requests.length).toBe(0);
    expect((await send(`${sim().url}${STORAGE}`)).status).toBe(404);
    expect((await send(`${sim().url}${STORAGE}`, { method: 'PUT' })).status).toBe(201);
    expect(sim().requests).toBe(requests);
    expect(requests.length).toBe(2);
  });
});
