// Property-based tests of trackOperation (fast-check, RUNS cases each): arbitrary scripts of answers
// fed through the `http` seam in virtual time (TestScheduler.run, the `scheduler` option), with small
// retries, finite clamps, `timeoutMs` large or absent, and unsubscribes at arbitrary moments.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLroError, type LroMethod } from '../../src/index';
import {
  MAX_LATENCY_MS,
  ORIGIN,
  RUNS,
  clamp,
  jsonEqual,
  method,
  optionsSpec,
  plainJsonViolation,
  play,
  policyMs,
  reply,
  stopPlan,
  wellFormedScript,
  type Event,
  type OptionsSpec,
  type Reply,
  type Run,
  type StopPlan,
} from './lro-arbitraries';

interface Case {
  method: LroMethod;
  script: Reply[];
  options: OptionsSpec;
  stop: StopPlan;
}

// Arbitrary scripts, scripts shaped like real operations, and real ones with arbitrary answers
// (faults, broken headers, garbage) slipped in: so that runs reach every kind of end.
const withFaults: fc.Arbitrary<Reply[]> = fc
  .tuple(wellFormedScript, fc.array(fc.tuple(fc.nat(), reply), { minLength: 1, maxLength: 3 }))
  .map(([{ initial, polls }, inserts]) => {
    const all = [initial, ...polls];
    for (const [at, r] of inserts) all.splice(at % (all.length + 1), 0, r);
    return all;
  });

const script: fc.Arbitrary<Reply[]> = fc.oneof(
  { weight: 1, arbitrary: fc.array(reply, { maxLength: 10 }) },
  { weight: 1, arbitrary: wellFormedScript.map(({ initial, polls }) => [initial, ...polls]) },
  { weight: 2, arbitrary: withFaults },
);

const runCase: fc.Arbitrary<Case> = fc.record({ method, script, options: optionsSpec, stop: stopPlan });

const forEveryRun = (check: (run: Run, c: Case) => void): void => {
  fc.assert(
    fc.property(runCase, (c) => {
      check(play(c.method, c.script, c.options, c.stop), c);
    }),
    { numRuns: RUNS },
  );
};

const isEnd = (e: Event): boolean => e.kind === 'complete' || e.kind === 'error' || e.kind === 'unsubscribe';
const endIndex = (run: Run): number => run.events.findIndex(isEnd);

/** The events that show on the outside: requests, emissions and ends (not rx-lro's inner timers). */
const visible = (run: Run): Event[] => run.events.filter((e) => e.kind !== 'timer');

describe('properties of trackOperation over arbitrary answers, in virtual time (fast-check)', () => {
  it(`T6 every run emits a snapshot or errors, ends exactly once, and ends within bounded virtual time (${RUNS} cases)`, () => {
    forEveryRun((run, c) => {
      // Exactly one end: complete, error, or the plan's unsubscribe; never two of them.
      expect(run.ends).toBe(1);
      const end = run.end!;
      if (end.kind !== 'unsubscribe') expect(run.snapshots.length > 0 || end.kind === 'error').toBe(true);
      // Bounded: one request per scripted answer, plus at most the one that gets the ending answer...
      expect(run.requests.length).toBeLessThanOrEqual(c.script.length + 1);
      // ...each sent after a wait of at most maxDelayMs and answered within the latency.
      if (end.kind !== 'unsubscribe') expect(end.time).toBeLessThanOrEqual(run.requests.length * (c.options.maxDelayMs + MAX_LATENCY_MS));
      if (c.options.timeoutMs !== undefined) expect(end.time).toBeLessThanOrEqual(c.options.timeoutMs);
      if (c.stop.kind === 'at') expect(end.time).toBeLessThanOrEqual(c.stop.ms);
    });
  });

  it(`T6 nothing is emitted after a terminal snapshot: it is the last emission and completion follows at once (${RUNS} cases)`, () => {
    forEveryRun((run, c) => {
      const snapshots = run.snapshots.map((s) => s.snapshot);
      for (const s of snapshots) {
        expect(['running', 'succeeded', 'failed', 'canceled']).toContain(s.state);
        expect(s.done).toBe(s.state !== 'running');
        expect(typeof s.status).toBe('string');
      }
      const terminal = snapshots.findIndex((s) => s.done);
      if (terminal >= 0) {
        expect(terminal).toBe(snapshots.length - 1);
        const events = visible(run);
        const at = events.findIndex((e) => e.kind === 'next' && e.snapshot === snapshots[terminal]);
        const after = events[at + 1];
        const unsubscribedInNext = c.stop.kind === 'in-next' && c.stop.k === snapshots.length;
        expect(after?.kind).toBe(unsubscribedInNext ? 'unsubscribe' : 'complete');
        expect(after?.time).toBe(events[at]!.time);
        expect(events.length).toBe(at + 2);
      }
      // And the converse: a stream only completes right after its terminal snapshot.
      if (run.end!.kind === 'complete') expect(snapshots.at(-1)?.done).toBe(true);
    });
  });

  it(`F1 polls counts exactly the requests sent after the initial one: polls, their retries, redirects and final GETs (${RUNS} cases)`, () => {
    forEveryRun((run, c) => {
      // The initial request (and its retries) go first, then only GETs.
      const initial = run.requests.findIndex((r) => r.method !== c.method);
      const initialAttempts = initial < 0 ? run.requests.length : initial;
      expect(initialAttempts).toBeGreaterThanOrEqual(1);
      for (const r of run.requests.slice(initialAttempts)) expect(r.method).toBe('GET');
      // Every snapshot counts the requests sent so far after the initial one.
      let sent = 0;
      for (const e of run.events) {
        if (e.kind === 'request' && run.requests.indexOf(e.request) >= initialAttempts) sent += 1;
        if (e.kind === 'next') expect(e.snapshot.polls).toBe(sent);
      }
      // A completed stream has sent nothing its last snapshot does not count.
      if (run.end!.kind === 'complete') expect(run.snapshots.at(-1)!.snapshot.polls).toBe(run.requests.length - initialAttempts);
    });
  });

  it(`T6 F3 no request is sent after the end (complete, error, or an unsubscribe at any virtual time or inside next), and the request in flight is aborted (${RUNS} cases)`, () => {
    forEveryRun((run, c) => {
      const end = run.end!;
      const events = visible(run);
      expect(events.slice(events.findIndex(isEnd) + 1)).toEqual([]);
      if (c.stop.kind === 'at' && end.kind === 'unsubscribe') expect(end.time).toBe(c.stop.ms);
      for (const r of run.requests) {
        expect(r.time).toBeLessThanOrEqual(end.time);
        // Answered or aborted, by the end: nothing is left in flight.
        expect(r.tornDownAt).toBeDefined();
        expect(r.tornDownAt!).toBeLessThanOrEqual(end.time);
      }
    });
  });

  it(`F3 T6 no timer is left behind: none of rx-lro's timers fires after the end, and the virtual clock stops at the end (${RUNS} cases)`, () => {
    forEveryRun((run) => {
      // None of rx-lro's timers fires after the end (every pending one would: run() flushes them all)...
      const at = endIndex(run);
      expect(run.events.slice(at + 1).filter((e) => e.kind === 'timer')).toEqual([]);
      // ...and nothing at all is left scheduled past the end's virtual time.
      expect(run.lastFrame).toBe(run.end!.time);
    });
  });

  it(`F4 every snapshot and every stream error is plain JSON: JSON.parse(JSON.stringify(x)) deep-equals x (${RUNS} cases)`, () => {
    forEveryRun((run) => {
      for (const { snapshot } of run.snapshots) {
        expect(plainJsonViolation(snapshot)).toBeUndefined();
        expect(jsonEqual(JSON.parse(JSON.stringify(snapshot)), snapshot)).toBe(true);
      }
      const end = run.end!;
      if (end.kind !== 'error') return;
      // Stream errors are rx-lro's typed errors, whose data is plain (name, code, message, …).
      expect(isLroError(end.error)).toBe(true);
      const data = (end.error as { toJSON(): Record<string, unknown> }).toJSON();
      expect(typeof data['name']).toBe('string');
      expect(typeof data['code']).toBe('string');
      expect(typeof data['message']).toBe('string');
      expect(plainJsonViolation(data)).toBeUndefined();
      expect(jsonEqual(JSON.parse(JSON.stringify(end.error)), data)).toBe(true);
    });
  });

  it(`T1 T2 T3 T4 the wait before each poll is the answer's Retry-After clamped to [minDelayMs, maxDelayMs], else the policy, and the next request goes exactly then (${RUNS} cases)`, () => {
    forEveryRun((run, c) => {
      run.snapshots.forEach(({ snapshot, answer, time }, i) => {
        // A snapshot comes from an answer, at the moment it arrives.
        expect(answer?.time).toBe(time);
        if (snapshot.state !== 'running') {
          expect(snapshot.nextPollInMs).toBeUndefined();
          return;
        }
        const wait = snapshot.nextPollInMs!;
        const means = c.options.retryAfter === 'ignore' ? 'policy' : answer!.retryAfter.means;
        if (means === 'any') {
          expect(Number.isFinite(wait)).toBe(true);
          expect(wait).toBeGreaterThanOrEqual(c.options.minDelayMs);
          expect(wait).toBeLessThanOrEqual(c.options.maxDelayMs);
        } else {
          expect(wait).toBe(clamp(c.options, means === 'policy' ? policyMs(c.options, snapshot.polls) : means));
        }
        // The next request (if the stream lives that long) is the poll, exactly after the wait.
        const at = run.events.findIndex((e) => e.kind === 'next' && e.snapshot === snapshot);
        const next = run.events.slice(at + 1).find((e) => e.kind === 'request');
        if (next) expect(next.time).toBe(time + wait);
        else expect(run.end!.time).toBeLessThanOrEqual(time + wait);
        const between = run.snapshots[i + 1];
        if (next && between) expect(between.time).toBeGreaterThanOrEqual(next.time);
      });
    });
  });

  it(`S1 S2 whatever URLs the answers carry, no request leaves the initial origin or https (${RUNS} cases)`, () => {
    forEveryRun((run) => {
      for (const r of run.requests) expect(new URL(r.url).origin).toBe(ORIGIN);
    });
  });
});
