// F1 under stress: many trackers at once against the simulator, through bursts of 5xx, 429 storms,
// connections cut mid-body and answers slower than the per-request deadline. Every tracker keeps its
// polling state through the retries and ends as its operation did; when the attempts run out, the
// stream errors with the last cause.
import crossFetch from 'cross-fetch';
import { defer, merge, tap } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestLimiter } from '../../src/limiter/index';
import { fetchHttpClient, trackOperation, type FetchLike, type HttpClient, type OperationSnapshot } from '../../src/index';
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

/**
 * Fast client settings, with deadlines far from anything but the faults: a request gets 2 s (the
 * simulator answers in milliseconds; a `slow` fault answers after 30 s), and a Node stream body that
 * goes silent is taken as cut after the default 2 s. A loaded machine makes answers later, never
 * late enough to be taken for a fault. Over cross-fetch, the fallback transport, whose Node stream
 * bodies are the ones a stall timer watches.
 */
const REQUEST_TIMEOUT_MS = 2_000;
const options = {
  delay: 10,
  retry: { maxRetries: 4, baseDelayMs: 5, maxDelayMs: 50, jitter: 0.5 },
  requestTimeoutMs: REQUEST_TIMEOUT_MS,
  http: fetchHttpClient(crossFetch as unknown as FetchLike),
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
        { on: 'poll', nth: 2, kind: 'slow', delayMs: 15 * REQUEST_TIMEOUT_MS },
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
    // Tracker 0's first poll is throttled for 400 ms; the 19 others poll on, every 40 ms.
    const PAUSE_MS = 400;
    const group = (offset: number): Target[] =>
      Array.from({ length: 20 }, (_, i) =>
        define(offset + i, {
          pattern: 'azure-async-operation',
          polls: 8,
          faults: i === 0 ? [{ on: 'poll', nth: 1, kind: 429, retryAfter: { form: 'ms', value: PAUSE_MS } }] : [],
        }),
      );
    // What the trackers did, in the order they did it: each request as it left (past any limiter),
    // and the 429 as it was read. The order, not the clock, says what left after the 429 was read.
    interface Event {
      kind: 'sent' | '429';
      url: string;
      at: number;
    }
    const client = (): { http: HttpClient; afterThe429: () => { throttled: Event; sent: Event[] } } => {
      const events: Event[] = [];
      const inner = fetchHttpClient(crossFetch as unknown as FetchLike);
      const http: HttpClient = (request) =>
        defer(() => {
          events.push({ kind: 'sent', url: request.url, at: Date.now() });
          return inner(request).pipe(
            tap((response) => response.status === 429 && events.push({ kind: '429', url: request.url, at: Date.now() })),
          );
        });
      const afterThe429 = () => {
        const index = events.findIndex((e) => e.kind === '429');
        expect(index).toBeGreaterThanOrEqual(0);
        return { throttled: events[index]!, sent: events.slice(index + 1).filter((e) => e.kind === 'sent') };
      };
      return { http, afterThe429 };
    };
    const slow = { ...options, delay: 40 };

    const alone = client();
    const runAlone = await collect(
      merge(...group(200).map((t) => trackOperation({ method: 'PUT', url: t.url, body: {} }, { ...slow, http: alone.http }))),
      20_000,
      true,
    );
    expect(runAlone.error).toBeUndefined();

    const shared = client();
    const limiter = createRequestLimiter();
    const runShared = await collect(
      merge(...group(300).map((t) => trackOperation({ method: 'PUT', url: t.url, body: {} }, { ...slow, limiter, http: shared.http }))),
      20_000,
      true,
    );
    expect(runShared.error).toBeUndefined();
    expect(runShared.snapshots.filter((s) => s.done).map((s) => s.state)).toEqual(Array(20).fill('succeeded'));

    // Without a shared limiter the others poll on while tracker 0 waits out its Retry-After: requests
    // of theirs leave before tracker 0's own retry does.
    const free = alone.afterThe429();
    const retried = free.sent.findIndex((e) => e.url === free.throttled.url);
    expect(retried).toBeGreaterThan(0);
    // With one, nothing leaves between the 429 being read and the end of its Retry-After (25 ms less,
    // for the timers' millisecond rounding): a busy machine can only make them leave later.
    const held = shared.afterThe429();
    expect(held.sent.length).toBeGreaterThan(0);
    expect(Math.min(...held.sent.map((e) => e.at - held.throttled.at))).toBeGreaterThanOrEqual(PAUSE_MS - 25);
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
