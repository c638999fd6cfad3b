// F1 under stress: many trackers at once against the simulator, through bursts of 5xx, 429 storms,
// connections cut mid-body and answers slower than the per-request deadline. Every tracker keeps its
// polling state through the retries and ends as its operation did; when the attempts run out, the
// stream errors with the last cause.
import { merge } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestLimiter } from '../../src/limiter/index';
import { fetchHttpClient, trackOperation, type FetchLike, type OperationSnapshot } from '../../src/index';
import { startSimulator, type Fault, type OperationScript, type Simulator } from '../../src/testing/index';
import { collect, requestsFor, target, type Target } from './helpers';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
});

const TRACKERS = 40;

/** Fast client settings; a short body stall so that cut bodies are seen quickly with node-fetch. */
const options = {
  delay: 10,
  retry: { maxRetries: 4, baseDelayMs: 5, maxDelayMs: 50, jitter: 0.5 },
  requestTimeoutMs: 150,
  http: fetchHttpClient(undefined, { bodyStallMs: 100 }),
};

// Each tracker gets its own operation with a mix of faults, none more often in a row than the retries allow.
function faultsFor(i: number): Fault[] {
  switch (i % 4) {
    case 0:
      return [{ on: 'poll', nth: 1, count: 3, kind: 503 }];
    case 1:
      return [{ on: 'poll', nth: 2, count: 2, kind: 429, retryAfter: { form: 'ms', value: 20 } }];
    case 2:
      return [
        { on: 'poll', nth: 1, kind: 'reset-mid-body' },
        { on: 'final', kind: 'reset' },
      ];
    default:
      return [
        { on: 'poll', nth: 2, kind: 'slow', delayMs: 400 },
        { on: 'final', kind: 500 },
      ];
  }
}

function define(i: number, script: OperationScript): Target {
  const t = target(sim, `w${i}`);
  sim.define(t.path, script);
  return t;
}

describe('F1 transient faults under stress', () => {
  it(`F1 ${TRACKERS} concurrent trackers through 5xx bursts, 429 storms, cut bodies and slow answers all succeed, polls counting every request`, async () => {
    const targets = Array.from({ length: TRACKERS }, (_, i) =>
      define(i, { pattern: 'azure-async-operation', polls: 3, faults: faultsFor(i) }),
    );
    const streams = targets.map((t) => trackOperation({ method: 'PUT', url: t.url, body: {} }, options));
    const run = await collect(merge(...streams), 20_000, true);
    expect(run.error).toBeUndefined();
    const byUrl = new Map<string, OperationSnapshot[]>();
    for (const s of run.snapshots) byUrl.set(s.resumeToken.url, [...(byUrl.get(s.resumeToken.url) ?? []), s]);
    for (const t of targets) {
      const snapshots = byUrl.get(t.url)!;
      const end = snapshots.at(-1)!;
      expect(end, t.path).toMatchObject({ state: 'succeeded', status: 'Succeeded' });
      // The polling state survived: the same monitor throughout, and polls = every request after the initial one.
      expect(new Set(snapshots.map((s) => s.resumeToken.pollUrl)).size).toBe(1);
      const sent = requestsFor(sim, t);
      expect(end.polls).toBe(sent.filter((r) => r.kind !== 'initial').length);
      expect(sent.some((r) => r.fault !== undefined)).toBe(true);
    }
  }, 30_000);

  it('F1 when the attempts run out, the stream errors with the last cause (a 503 burst longer than maxRetries)', async () => {
    const t = define(100, { pattern: 'azure-async-operation', polls: 3, faults: [{ on: 'poll', nth: 2, count: 10, kind: 503 }] });
    const run = await collect(trackOperation({ method: 'PUT', url: t.url, body: {} }, options));
    expect(run.error).toMatchObject({ name: 'HttpError', status: 503, method: 'GET' });
    expect(requestsFor(sim, t).filter((r) => r.kind === 'poll')).toHaveLength(1 + 1 + options.retry.maxRetries);
  });

  it('F1 a 429 with Retry-After seen by one tracker holds all trackers sharing a limiter until then', async () => {
    // Tracker 0's first poll is throttled for 400 ms; the 19 others run unhindered on their own.
    const group = (offset: number): Target[] =>
      Array.from({ length: 20 }, (_, i) =>
        define(offset + i, {
          pattern: 'azure-async-operation',
          polls: 4,
          faults: i === 0 ? [{ on: 'poll', nth: 1, kind: 429, retryAfter: { form: 'ms', value: 400 } }] : [],
        }),
      );
    // Requests of the group that reached the simulator from 100 ms after the 429 to 350 ms after it
    // (the margins cover requests already on the wire when the 429 was read).
    const duringPause = (targets: Target[]): number => {
      const log = targets.flatMap((t) => requestsFor(sim, t));
      const throttled = log.find((r) => r.status === 429)!;
      return log.filter((r) => r.time > throttled.time + 100 && r.time < throttled.time + 350).length;
    };
    const slow = { ...options, delay: 40 };

    const alone = group(200);
    const runAlone = await collect(merge(...alone.map((t) => trackOperation({ method: 'PUT', url: t.url, body: {} }, slow))), 20_000, true);
    expect(runAlone.error).toBeUndefined();

    const shared = group(300);
    const limiter = createRequestLimiter();
    const runShared = await collect(
      merge(...shared.map((t) => trackOperation({ method: 'PUT', url: t.url, body: {} }, { ...slow, limiter }))),
      20_000,
      true,
    );
    expect(runShared.error).toBeUndefined();
    expect(runShared.snapshots.filter((s) => s.done).map((s) => s.state)).toEqual(Array(20).fill('succeeded'));

    expect(duringPause(alone)).toBeGreaterThan(0);
    expect(duringPause(shared)).toBe(0);
  }, 30_000);
});

describe('F1 the global fetch too', () => {
  it('F1 mixed faults with the global fetch: every tracker succeeds', async () => {
    const http = fetchHttpClient(globalThis.fetch as unknown as FetchLike);
    const targets = Array.from({ length: 12 }, (_, i) => define(500 + i, { pattern: 'location', polls: 3, faults: faultsFor(i) }));
    const run = await collect(
      merge(...targets.map((t) => trackOperation({ method: 'PUT', url: t.url, body: {} }, { ...options, http }))),
      20_000,
      true,
    );
    expect(run.error).toBeUndefined();
    expect(run.snapshots.filter((s) => s.done).map((s) => s.state)).toEqual(Array(12).fill('succeeded'));
  }, 30_000);
});
