// Timing over real HTTP: Retry-After in every form, the caller's overrides, the default policy, progress.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trackOperation } from '../../src/index';
import { startSimulator, type RecordedRequest, type RetryAfter, type Simulator } from '../../src/testing/index';
import { PUT_BODY, collect, digest, finish, kinds, last, putResource, requestsFor, runOp, target } from './helpers';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
});

/** Timers may fire a hair early and the log clock is another clock: a small tolerance, never an upper bound that could flake. */
const TOLERANCE_MS = 5;
/** The upper bound of a wait: far above a loaded machine's delays, far below a hint misread by a unit. */
const GENEROUS_MS = 10_000;

function gap(a: RecordedRequest, b: RecordedRequest): number {
  return b.time - a.time;
}

describe.concurrent('T1 Retry-After on every response, the initial one included', () => {
  const FORMS: [string, RetryAfter, number][] = [
    ['seconds with decimals (Retry-After: 0.15)', { form: 'seconds', value: 0.15 }, 150],
    ['retry-after-ms', { form: 'ms', value: 120 }, 120],
    ['x-ms-retry-after-ms', { form: 'x-ms', value: 120 }, 120],
  ];

  it.each(FORMS)('T1 %s is honoured before every poll (status monitor)', async (_name, retryAfter, askedMs) => {
    const result = await runOp(sim, 'PUT', { pattern: 'azure-async-operation', polls: 2, retryAfter });
    const { run, reqs } = result;
    expect(digest(run)).toEqual([
      ['running', 'Accepted', 201, 0],
      ['running', 'InProgress', 200, 1],
      ['succeeded', 'Succeeded', 200, 3],
    ]);
    // The service's hint wins over `delay: 10`.
    expect(run.snapshots.slice(0, 2).map((s) => s.nextPollInMs)).toEqual([askedMs, askedMs]);
    expect(kinds(reqs)).toEqual(['initial', 'poll', 'poll', 'final']);
    const [initial, poll1, poll2] = reqs as [RecordedRequest, RecordedRequest, RecordedRequest];
    expect(gap(initial, poll1)).toBeGreaterThanOrEqual(askedMs - TOLERANCE_MS);
    expect(gap(poll1, poll2)).toBeGreaterThanOrEqual(askedMs - TOLERANCE_MS);
    expect(gap(initial, poll2)).toBeLessThan(2 * askedMs + GENEROUS_MS);
    await finish(sim, result);
  });

  it('T1 Retry-After seconds on a Location 202 (E3 style) delays the first poll and the next', async () => {
    const result = await runOp(sim, 'PUT', { pattern: 'location', polls: 2, retryAfter: { form: 'seconds', value: 0.1 } });
    const { run, reqs } = result;
    expect(digest(run)).toEqual([
      ['running', 'Accepted', 202, 0],
      ['running', 'InProgress', 202, 1],
      ['succeeded', 'Succeeded', 200, 2],
    ]);
    expect(run.snapshots[0]!.nextPollInMs).toBe(100);
    const [initial, poll1, poll2] = reqs as [RecordedRequest, RecordedRequest, RecordedRequest];
    expect(gap(initial, poll1)).toBeGreaterThanOrEqual(100 - TOLERANCE_MS);
    expect(gap(poll1, poll2)).toBeGreaterThanOrEqual(100 - TOLERANCE_MS);
    expect(last(run).result).toStrictEqual(putResource(result.t, 'Succeeded'));
    await finish(sim, result);
  });

  it('T1 Retry-After as an HTTP-date one second ahead is honoured', async () => {
    const result = await runOp(sim, 'POST', { pattern: 'azure-async-operation', polls: 1, retryAfter: { form: 'http-date', value: 1 } });
    const { run, reqs } = result;
    const asked = run.snapshots[0]!.nextPollInMs!;
    // Whole-second dates, rounded up: at most about 2 s from the moment the client read the answer, and
    // at least 1 s less the time the answer took to be read (so the wait itself is the check below:
    // the poll comes at least 1 s after the initial request, whatever the machine's load).
    expect(asked).toBeGreaterThan(0);
    expect(asked).toBeLessThanOrEqual(2000 + 1000);
    expect(kinds(reqs)).toEqual(['initial', 'poll']);
    expect(gap(reqs[0]!, reqs[1]!)).toBeGreaterThanOrEqual(1000 - TOLERANCE_MS);
    expect(gap(reqs[0]!, reqs[1]!)).toBeGreaterThanOrEqual(asked - TOLERANCE_MS);
    expect(last(run)).toMatchObject({ state: 'succeeded', polls: 1 });
    await finish(sim, result);
  });

  it('T1 an HTTP-date in the past means no wait', async () => {
    const result = await runOp(sim, 'POST', { pattern: 'azure-async-operation', polls: 2, retryAfter: { form: 'http-date', value: -30 } });
    expect(result.run.snapshots.slice(0, 2).map((s) => s.nextPollInMs)).toEqual([0, 0]);
    expect(last(result.run).state).toBe('succeeded');
    await finish(sim, result);
  });

  it.each(['soon', '-3', '1e3', ''])('T3 a malformed Retry-After %j falls back to the delay policy', async (raw) => {
    const result = await runOp(sim, 'POST', { pattern: 'azure-async-operation', polls: 2, retryAfter: { form: 'raw', value: raw } });
    expect(result.run.snapshots.slice(0, 2).map((s) => s.nextPollInMs)).toEqual([10, 10]);
    expect(last(result.run).state).toBe('succeeded');
    await finish(sim, result);
  });
});

describe.concurrent("T2 T4 the caller's schedule", () => {
  it('T2 without Retry-After and without `delay`, the default policy waits 1 s before the first poll', async () => {
    const t = target(sim);
    sim.define(t.path, { pattern: 'azure-async-operation', polls: 1 });
    const run = await collect(trackOperation({ method: 'PUT', url: t.url, body: PUT_BODY }));
    const reqs = requestsFor(sim, t);
    expect(run.snapshots[0]!.nextPollInMs).toBe(1000);
    expect(kinds(reqs)).toEqual(['initial', 'poll', 'final']);
    expect(gap(reqs[0]!, reqs[1]!)).toBeGreaterThanOrEqual(1000 - TOLERANCE_MS);
    expect(last(run).result).toStrictEqual(putResource(t, 'Succeeded'));
    await finish(sim, { t, run, reqs });
  });

  it("T4 retryAfter: 'ignore' polls on the caller's schedule despite Retry-After: 600", async () => {
    // Ten minutes asked: a client that waited for it would not finish within runOp's limit (8 s).
    const result = await runOp(sim, 'PUT', { pattern: 'azure-async-operation', polls: 2, retryAfter: 600 }, { retryAfter: 'ignore' });
    expect(result.run.snapshots.slice(0, 2).map((s) => s.nextPollInMs)).toEqual([10, 10]);
    expect(result.run.completed).toBe(true);
    expect(last(result.run).state).toBe('succeeded');
    await finish(sim, result);
  });

  it('T4 maxDelayMs clamps a long Retry-After', async () => {
    const result = await runOp(sim, 'PUT', { pattern: 'azure-async-operation', polls: 2, retryAfter: 600 }, { maxDelayMs: 40 });
    expect(result.run.snapshots.slice(0, 2).map((s) => s.nextPollInMs)).toEqual([40, 40]);
    const [initial, poll1] = result.reqs as [RecordedRequest, RecordedRequest];
    expect(gap(initial, poll1)).toBeGreaterThanOrEqual(40 - TOLERANCE_MS);
    expect(last(result.run).state).toBe('succeeded');
    await finish(sim, result);
  });

  it('T4 minDelayMs raises a short delay', async () => {
    const result = await runOp(
      sim,
      'PUT',
      { pattern: 'azure-async-operation', polls: 2, retryAfter: { form: 'ms', value: 1 } },
      { minDelayMs: 60 },
    );
    expect(result.run.snapshots.slice(0, 2).map((s) => s.nextPollInMs)).toEqual([60, 60]);
    const [initial, poll1, poll2] = result.reqs as [RecordedRequest, RecordedRequest, RecordedRequest];
    expect(gap(initial, poll1)).toBeGreaterThanOrEqual(60 - TOLERANCE_MS);
    expect(gap(poll1, poll2)).toBeGreaterThanOrEqual(60 - TOLERANCE_MS);
    await finish(sim, result);
  });

  it('T2 `delay` as a number spaces the polls at least that far apart', async () => {
    const result = await runOp(sim, 'PUT', { pattern: 'provisioning-state', polls: 3 }, { delay: 50 });
    const polls = result.reqs.filter((r) => r.kind === 'poll');
    expect(polls).toHaveLength(3);
    expect(gap(result.reqs[0]!, polls[0]!)).toBeGreaterThanOrEqual(50 - TOLERANCE_MS);
    expect(gap(polls[0]!, polls[1]!)).toBeGreaterThanOrEqual(50 - TOLERANCE_MS);
    expect(gap(polls[1]!, polls[2]!)).toBeGreaterThanOrEqual(50 - TOLERANCE_MS);
    await finish(sim, result);
  });
});

describe.concurrent('R10 what the status monitor reports about itself', () => {
  it('R10 percentComplete, id, name, startTime and endTime are surfaced', async () => {
    const result = await runOp(sim, 'PUT', { pattern: 'azure-async-operation', polls: 4, percentComplete: true });
    const { run } = result;
    expect(run.snapshots.map((s) => s.percentComplete)).toEqual([undefined, 25, 50, 75, 100]);
    expect('percentComplete' in run.snapshots[0]!).toBe(false);
    const running = run.snapshots[1]!;
    expect(running.operation).toEqual({
      id: expect.stringContaining('/operationStatuses/'),
      name: expect.any(String),
      startTime: expect.any(String),
    });
    expect(Number.isNaN(Date.parse(running.operation!.startTime!))).toBe(false);
    const end = last(run);
    expect(end).toMatchObject({ state: 'succeeded', percentComplete: 100 });
    expect(end.operation).toEqual({ ...running.operation, endTime: expect.any(String) });
    expect(Date.parse(end.operation!.endTime!)).toBeGreaterThanOrEqual(Date.parse(running.operation!.startTime!));
    await finish(sim, result);
  });

  it('R10 percentComplete of the operation-location monitor of a POST', async () => {
    const result = await runOp(sim, 'POST', {
      pattern: 'operation-location',
      polls: 2,
      percentComplete: (f) => Math.round(f * 80),
      resource: { ok: 1 },
    });
    expect(result.run.snapshots.map((s) => s.percentComplete)).toEqual([undefined, 40, 100]);
    expect(last(result.run).result).toEqual({ ok: 1 });
    await finish(sim, result);
  });

  it.each([
    ['a string', 'half'],
    ['above 100', 150],
    ['negative', -1],
  ])('R10 a percentComplete that is %s is dropped, no failure', async (_name, value) => {
    const result = await runOp(sim, 'PUT', {
      pattern: 'azure-async-operation',
      polls: 2,
      monitorFields: ['name'],
      monitorExtra: { percentComplete: value, startTime: 12 },
    });
    for (const s of result.run.snapshots) expect('percentComplete' in s).toBe(false);
    expect(result.run.snapshots[1]!.operation).toEqual({ name: expect.any(String) });
    expect(last(result.run).state).toBe('succeeded');
    await finish(sim, result);
  });
});
