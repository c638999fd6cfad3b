// The recipe for many operations, as a property in virtual time: N trackers (up to 1,000) merged
// through fromStart + faultAsData, each with a random script and maybe a fault of its own. Every
// tracker ends on its own outcome, a faulted one as data under its key, the others as their last
// snapshot; the merged stream completes; and the requests sent are exactly what the scripts call for.
import fc from 'fast-check';
import { Observable, from, mergeMap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  faultAsData,
  fromStart,
  type HttpClient,
  type HttpResponse,
  type OperationSnapshot,
  type StartInput,
  type TrackerFault,
} from '../../src/index';
import { testScheduler } from '../support/virtual';

const RUNS = 40;
const ORIGIN = 'https://management.azure.com';

type Fault = 'none' | 'forbidden' | 'no-status' | 'malformed-start';

interface Script {
  method: 'PUT' | 'POST' | 'DELETE';
  /** Running answers before the terminal one. */
  running: number;
  outcome: 'Succeeded' | 'Failed' | 'Canceled';
  fault: Fault;
  /** The poll (1-based, among the monitor's answers) the fault replaces. */
  faultAt: number;
}

const script: fc.Arbitrary<Script> = fc.record({
  method: fc.constantFrom('PUT', 'POST', 'DELETE'),
  running: fc.integer({ min: 0, max: 3 }),
  outcome: fc.constantFrom('Succeeded', 'Failed', 'Canceled'),
  fault: fc.constantFrom<Fault>('none', 'none', 'none', 'forbidden', 'no-status', 'malformed-start'),
  faultAt: fc.integer({ min: 1, max: 4 }),
});

// N itself is drawn from 1 to 1,000 (fast-check's arrays would otherwise stay small).
const scripts1To1000 = fc.integer({ min: 1, max: 1000 }).chain((n) => fc.array(script, { minLength: n, maxLength: n }));

const monitorPath = (i: number): string => `${ORIGIN}/subscriptions/s/providers/P/locations/w/operations/op${i}`;
const resourceUrl = (i: number): string => `${ORIGIN}/subscriptions/s/resourceGroups/rg/providers/P/things/t${i}?api-version=1`;

/** What the script calls for: the monitor's answers until it ends or faults, and a PUT's final GET. */
function expectedRequests(s: Script): number {
  if (s.fault === 'malformed-start') return 0;
  const answers = s.running + 1;
  if (s.fault !== 'none' && s.faultAt <= answers) return s.faultAt;
  return answers + (s.method === 'PUT' && s.outcome === 'Succeeded' ? 1 : 0);
}

function startOf(i: number, s: Script): StartInput {
  const method = s.fault === 'malformed-start' ? 'HEAD' : s.method;
  return {
    request: { method, url: resourceUrl(i) },
    response: { status: s.method === 'PUT' ? 201 : 202, headers: { 'Azure-AsyncOperation': `${monitorPath(i)}?api-version=1` } },
  };
}

describe('the many-operations recipe: one fault stays with its tracker (fast-check, virtual time)', () => {
  it(`R1 X1 R9 R13 N trackers (1–1,000) merged through fromStart + faultAsData end each on its own outcome (${RUNS} cases)`, () => {
    let trackers = 0;
    fc.assert(
      fc.property(scripts1To1000, fc.integer({ min: 1, max: 64 }), (scripts, concurrency) => {
        const scheduler = testScheduler();
        const sent = new Map<number, number>();
        const last = new Map<string, OperationSnapshot | TrackerFault>();
        let completed = false;
        scheduler.run(() => {
          const http: HttpClient = (request) =>
            new Observable<HttpResponse>((subscriber) => {
              const i = Number(/(?:op|things\/t)(\d+)/.exec(request.url)![1]);
              const s = scripts[i]!;
              const n = (sent.get(i) ?? 0) + 1;
              sent.set(i, n);
              const reply = (): HttpResponse => {
                if (request.url.startsWith(resourceUrl(i))) return { status: 200, headers: {}, body: { name: `t${i}` } };
                if (s.fault !== 'none' && n === s.faultAt) {
                  return s.fault === 'forbidden'
                    ? { status: 403, headers: {}, body: { error: { code: 'AuthorizationFailed', message: 'no' } } }
                    : { status: 200, headers: {}, body: { state: 'lost' } };
                }
                return {
                  status: 200,
                  headers: {},
                  body: n <= s.running ? { status: 'InProgress' } : { status: s.outcome, error: { code: 'E', message: 'm' } },
                };
              };
              return scheduler.schedule(() => {
                subscriber.next(reply());
                subscriber.complete();
              }, 10);
            });
          // The recipe, as the README gives it.
          from(scripts.map((s, i) => startOf(i, s)))
            .pipe(mergeMap((start) => fromStart(start, { http, delay: 100 }).pipe(faultAsData()), concurrency))
            .subscribe({
              next: (item) => last.set(item.key === '' ? `malformed-${last.size}` : item.key, item),
              complete: () => (completed = true),
            });
        });
        trackers += scripts.length;
        expect(completed).toBe(true);
        expect(last.size).toBe(scripts.length);
        scripts.forEach((s, i) => {
          expect(sent.get(i) ?? 0, `requests of tracker ${i}`).toBe(expectedRequests(s));
          if (s.fault === 'malformed-start') return;
          const end = last.get(monitorPath(i))!;
          expect(end.done).toBe(true);
          if (s.fault !== 'none' && s.faultAt <= s.running + 1) {
            expect(end).toMatchObject({ state: 'error', error: { name: s.fault === 'forbidden' ? 'HttpError' : 'ProtocolError' } });
          } else {
            expect(end.state).toBe(s.outcome.toLowerCase());
            if (end.state === 'succeeded' && s.method === 'PUT') expect(end.result).toEqual({ name: `t${i}` });
          }
        });
        const malformed = [...last.values()].filter((item) => item.state === 'error' && item.error.name === 'TypeError');
        expect(malformed).toHaveLength(scripts.filter((s) => s.fault === 'malformed-start').length);
      }),
      { numRuns: RUNS },
    );
    // Hundreds of trackers per case on average, not a handful.
    expect(trackers).toBeGreaterThan(RUNS * 100);
  });
});
