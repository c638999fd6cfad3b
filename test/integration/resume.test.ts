// S3 resume tokens over real HTTP: for every pattern of the simulator, a token taken from any snapshot
// (the tab closed right there) resumes to the same final snapshot as an uninterrupted run, and the
// initial request is never sent again.
import { lastValueFrom, take, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resumeOperation, trackOperation, type LroMethod, type OperationSnapshot, type ResumeToken } from '../../src/index';
import { startSimulator, type LroPattern, type OperationScript, type Simulator } from '../../src/testing/index';
import { POST_RESULT, fast, requestsFor, target } from './helpers';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
});

const CASES: Array<[LroPattern, LroMethod, OperationScript]> = [
  ['azure-async-operation', 'PUT', { percentComplete: true }],
  ['azure-async-operation', 'POST', { location: true, resource: POST_RESULT }],
  ['azure-async-operation', 'DELETE', {}],
  ['operation-location', 'PATCH', {}],
  ['operation-location', 'POST', { resource: POST_RESULT }],
  ['location', 'PUT', {}],
  ['location', 'POST', { resource: POST_RESULT }],
  ['location', 'DELETE', {}],
  ['provisioning-state', 'PUT', {}],
  ['provisioning-state', 'PATCH', {}],
  ['azure-async-operation', 'PUT', { outcome: 'Failed' }],
  ['location', 'DELETE', { outcome: 'Canceled', locationFailure: 'provisioning-state' }],
];

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/**
 * What must be the same whichever way the operation was followed: everything but the counters, the
 * times and the ids of the simulator's operation (a fresh one per run), which are kept as their keys.
 */
function outcome(s: OperationSnapshot, uid: string): unknown {
  const { polls: _p, resumeToken: _t, httpStatus: _h, operation, ...rest } = s;
  const text = JSON.stringify({ ...rest, operation: Object.keys(operation ?? {}).sort() });
  return JSON.parse(text.replace(UUID, '<operation>').replaceAll(uid, '<subscription>'));
}

const body = (method: LroMethod) =>
  method === 'PUT' ? { location: 'westus', properties: { size: 3 } } : method === 'PATCH' ? { properties: { size: 5 } } : undefined;

describe.concurrent('resuming from every snapshot of every pattern', () => {
  for (const [pattern, method, extra] of CASES) {
    const name = `${method} ${pattern}${extra.outcome ? ` (${extra.outcome})` : ''}`;
    it(`${name}: a token from each snapshot resumes to the uninterrupted final snapshot, no initial request again`, async () => {
      const script: OperationScript = { pattern, polls: 3, ...extra };
      const track = (url: string) => trackOperation({ method, url, ...(body(method) ? { body: body(method) } : {}) }, fast());
      const whole = target(sim);
      sim.define(whole.path, script);
      const uninterrupted = await lastValueFrom(track(whole.url).pipe(toArray()));
      const final = uninterrupted.at(-1)!;
      expect(final.done).toBe(true);

      for (let k = 0; k < uninterrupted.length - 1; k++) {
        // A fresh operation, followed up to its k-th snapshot, then the page "closes".
        const t = target(sim);
        sim.define(t.path, script);
        const seen = await lastValueFrom(track(t.url).pipe(take(k + 1), toArray()));
        const token = JSON.parse(JSON.stringify(seen.at(-1)!.resumeToken)) as ResumeToken;
        const resumed = await lastValueFrom(resumeOperation(token, fast()).pipe(toArray()));
        const end = resumed.at(-1)!;
        expect(outcome(end, t.uid), `${name}, token of snapshot ${k}`).toStrictEqual(outcome(final, whole.uid));
        expect(
          requestsFor(sim, t).filter((r) => r.kind === 'initial'),
          `${name}, token of snapshot ${k}`,
        ).toHaveLength(1);
      }
    });
  }
});
