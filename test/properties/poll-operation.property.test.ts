// Property-based test of pollOperation (fast-check, RUNS cases): a stream of 1–5 starts emitted at
// arbitrary virtual times, each with its own script of answers. Every tracker must behave exactly as
// it does alone (same requests at the same times, same snapshots), until the merged stream ends.
import fc from 'fast-check';
import { map, merge, timer, type Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { pollOperation, type LroMethod, type OperationSnapshot, type OperationStart } from '../../src/index';
import {
  RESOURCE_PATH,
  RUNS,
  jsonEqual,
  materializeReply,
  method,
  optionsSpec,
  pollOptions,
  recordingScheduler,
  reply,
  scriptedHttp,
  startStatusCode,
  virtualScheduler,
  wellFormedScript,
  type Answer,
  type Event,
  type OptionsSpec,
  type Reply,
  type SentRequest,
} from './lro-arbitraries';

interface StartCase {
  at: number;
  method: LroMethod;
  initial: Reply;
  polls: Reply[];
  /** R7: the case of the start's header names. */
  headerCase: 'lower' | 'canonical' | 'upper';
}

// A start's initial answer carries a status a real start can have (pollOperation validates 100–599).
const startReply: fc.Arbitrary<Reply> = fc.tuple(reply, startStatusCode).map(([r, status]) => ({ ...r, status, fail: false }));

const startCase: fc.Arbitrary<StartCase> = fc
  .record({
    at: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5000 })),
    method,
    headerCase: fc.constantFrom<StartCase['headerCase']>('lower', 'canonical', 'upper'),
    flow: fc.oneof(wellFormedScript, fc.record({ initial: startReply, polls: fc.array(reply, { maxLength: 6 }) })),
  })
  .map(({ flow, ...rest }) => ({ ...rest, initial: flow.initial, polls: flow.polls }));

const CANONICAL: Record<string, string> = {
  'azure-asyncoperation': 'Azure-AsyncOperation',
  'operation-location': 'Operation-Location',
  location: 'Location',
  'retry-after': 'Retry-After',
  'retry-after-ms': 'retry-after-ms',
  'x-ms-retry-after-ms': 'x-ms-retry-after-ms',
  date: 'Date',
};

const originOf = (i: number): string => `https://tracker${i}.management.example`;

function startOf(c: StartCase, i: number, nowMs: number, headerCase: StartCase['headerCase']): OperationStart {
  const { response } = materializeReply(c.initial, nowMs, originOf(i));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    headers[headerCase === 'lower' ? name : headerCase === 'upper' ? name.toUpperCase() : (CANONICAL[name] ?? name)] = value;
  }
  const body = c.initial.body.kind === 'text' ? c.initial.body.text : response.body;
  return {
    request: { method: c.method, url: `${originOf(i)}${RESOURCE_PATH}` },
    response: body === undefined ? { status: response.status, headers } : { status: response.status, headers, body },
  };
}

type Entry = { kind: 'request'; time: number; method: string; url: string } | { kind: 'next'; time: number; snapshot: OperationSnapshot };

interface MultiRun {
  /** Per tracker: its requests and snapshots, in order. */
  logs: Entry[][];
  events: Event[];
  requests: SentRequest[];
  end?: { kind: 'complete' | 'error'; time: number; error?: unknown };
  ends: number;
  lastFrame: number;
}

/**
 * Runs pollOperation over the starts `which` (indexes into `cases`), each emitted at its time, with
 * its header names in the generated case, or all in lower case.
 */
function runStarts(cases: readonly StartCase[], which: readonly number[], spec: OptionsSpec, lowerCase: boolean): MultiRun {
  const scheduler: TestScheduler = virtualScheduler();
  const record = { events: [] as Event[], requests: [] as SentRequest[], lastAnswer: [] as (Answer | undefined)[] };
  const run: MultiRun = { logs: cases.map(() => []), events: record.events, requests: record.requests, ends: 0, lastFrame: -1 };
  scheduler.run(() => {
    const http = scriptedHttp(
      scheduler,
      cases.map((_, i) => originOf(i)),
      cases.map((c) => c.polls),
      record,
    );
    const starts: Observable<OperationStart> = merge(
      ...which.map((i) =>
        timer(cases[i]!.at, scheduler).pipe(map(() => startOf(cases[i]!, i, scheduler.now(), lowerCase ? 'lower' : cases[i]!.headerCase))),
      ),
    );
    starts.pipe(pollOperation(pollOptions(spec, recordingScheduler(scheduler, record.events), http))).subscribe({
      next: (snapshot) => {
        record.events.push({ kind: 'next', snapshot, answer: undefined, time: scheduler.now() });
      },
      error: (error: unknown) => {
        record.events.push({ kind: 'error', error, time: scheduler.now() });
        run.ends += 1;
        run.end ??= { kind: 'error', time: scheduler.now(), error };
      },
      complete: () => {
        record.events.push({ kind: 'complete', time: scheduler.now() });
        run.ends += 1;
        run.end ??= { kind: 'complete', time: scheduler.now() };
      },
    });
  });
  // Each tracker's own requests and snapshots, in the order they happened.
  for (const e of run.events) {
    if (e.kind === 'request')
      run.logs[e.request.tracker]?.push({ kind: 'request', time: e.time, method: e.request.method, url: e.request.url });
    if (e.kind === 'next') {
      const tracker = cases.findIndex((_, i) => new URL(e.snapshot.resumeToken.url).origin === originOf(i));
      expect(tracker).toBeGreaterThanOrEqual(0);
      run.logs[tracker]!.push({ kind: 'next', time: e.time, snapshot: e.snapshot });
    }
  }
  run.lastFrame = scheduler.frame;
  return run;
}

const entriesEqual = (a: Entry, b: Entry): boolean => jsonEqual(a, b);

describe('properties of pollOperation over several starts (fast-check)', () => {
  it(`T6 F3 R7 pollOperation tracks each of 1–5 starts independently: each tracker does exactly what it does alone, whatever the case of its header names, until the merged stream ends (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(fc.array(startCase, { minLength: 1, maxLength: 5 }), optionsSpec, (cases, spec) => {
        const all = cases.map((_, i) => i);
        // Together with header names in any case; alone with lower-case ones (R7: names are case-insensitive).
        const merged = runStarts(cases, all, spec, false);
        const solos = all.map((i) => runStarts(cases, [i], spec, true));

        // Alone, every tracker ends exactly once; so does the merged stream, with nothing after its end.
        for (const solo of solos) expect(solo.ends).toBe(1);
        expect(merged.ends).toBe(1);
        const end = merged.end!;
        // Nothing after the end: no emission, no request, none of rx-lro's timers.
        const endAt = merged.events.findIndex((e) => e.kind === 'complete' || e.kind === 'error');
        expect(merged.events.slice(endAt + 1)).toEqual([]);
        for (const r of merged.requests) {
          // S1: each tracker stays on its own origin; nothing is left in flight after the end.
          expect(r.tracker).toBeGreaterThanOrEqual(0);
          expect(r.tornDownAt).toBeDefined();
          expect(r.tornDownAt!).toBeLessThanOrEqual(end.time);
        }
        expect(merged.lastFrame).toBe(end.time);

        const failures = solos.filter((s) => s.end!.kind === 'error');
        if (failures.length === 0) {
          // Nobody fails: the merged stream completes when the last tracker does, and each tracker's
          // requests and snapshots are exactly those it has alone, at the same virtual times.
          expect(end.kind).toBe('complete');
          expect(end.time).toBe(Math.max(...solos.map((s) => s.end!.time)));
          all.forEach((i) => {
            const alone = solos[i]!.logs[i]!;
            const together = merged.logs[i]!;
            expect(together.length).toBe(alone.length);
            together.forEach((e, n) => expect(entriesEqual(e, alone[n]!)).toBe(true));
            expect(together.filter((e) => e.kind === 'next').at(-1)?.snapshot.done).toBe(true);
          });
          return;
        }
        // A tracker's stream error is the merged stream's error (RxJS merge semantics), at the time of
        // the first one; until then every tracker behaves as it does alone, and nothing happens after.
        const first = Math.min(...failures.map((s) => s.end!.time));
        expect(end.kind).toBe('error');
        expect(end.time).toBe(first);
        const candidates = failures.filter((s) => s.end!.time === first).map((s) => JSON.parse(JSON.stringify(s.end!.error)));
        expect(candidates.some((e) => jsonEqual(e, JSON.parse(JSON.stringify(end.error))))).toBe(true);
        all.forEach((i) => {
          const alone = solos[i]!.logs[i]!;
          const together = merged.logs[i]!;
          expect(together.length).toBeLessThanOrEqual(alone.length);
          together.forEach((e, n) => expect(entriesEqual(e, alone[n]!)).toBe(true));
          expect(together.length).toBeGreaterThanOrEqual(alone.filter((e) => e.time < first).length);
          for (const e of together) expect(e.time).toBeLessThanOrEqual(first);
        });
      }),
      { numRuns: RUNS },
    );
  });
});
