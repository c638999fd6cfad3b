// Shared helpers of the integration suite: the real simulator over real HTTP, the default client.
import type { Observable } from 'rxjs';
import { afterAll, beforeAll, expect } from 'vitest';
import { trackOperation, type LroMethod, type OperationSnapshot, type PollOptions } from '../../src/index';
import { startSimulator, type ArmError, type OperationScript, type RecordedRequest, type Simulator } from '../../src/testing/index';

export const API_VERSION = '2024-01-01';

/** A nested ARM error, surfaced whole on failure (PROTOCOL R11). */
export const NESTED_ERROR: ArmError = {
  code: 'DeploymentFailed',
  message: 'At least one resource deployment operation failed.',
  target: 'widgets/w1',
  details: [
    {
      code: 'Conflict',
      message: 'The widget is locked.',
      details: [{ code: 'LockHeld', message: 'A delete lock is held by policy.' }],
    },
    { code: 'QuotaExceeded', message: 'Too many widgets.', target: 'quota' },
  ],
  additionalInfo: [{ type: 'PolicyViolation', info: { policyName: 'no-widgets', rule: 7 } }],
};

/** One simulator for a test file: started before its tests, closed after them. */
export function useSimulator(): () => Simulator {
  let sim: Simulator | undefined;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(() => sim?.close());
  return () => {
    if (!sim) throw new Error('the simulator is not started');
    return sim;
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Client options that keep the suite fast: 10 ms between polls, 5 ms retry backoff, no jitter. */
export function fast<T = unknown>(extra: PollOptions<T> = {}): PollOptions<T> {
  return { delay: 10, retry: { baseDelayMs: 5, jitter: 0 }, ...extra };
}

/** One test's resource: a subscription id of its own, so its requests are easy to pick out of the log. */
export interface Target {
  uid: string;
  /** `/subscriptions/<uid>/resourceGroups/rg/providers/Microsoft.Test/widgets/<name>` */
  path: string;
  /** The absolute URL of the initial request, with `api-version`. */
  url: string;
  /** `path?api-version=…`, as the simulator logs the initial request. */
  pathAndQuery: string;
}

let counter = 0;

export function target(sim: Simulator, name = 'w1'): Target {
  counter += 1;
  const uid = `sub-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
  const path = `/subscriptions/${uid}/resourceGroups/rg/providers/Microsoft.Test/widgets/${name}`;
  const pathAndQuery = `${path}?api-version=${API_VERSION}`;
  return { uid, path, url: `${sim.url}${pathAndQuery}`, pathAndQuery };
}

/** Every request the simulator saw for this target, on either listener, oldest first. */
export function requestsFor(sim: Simulator, t: Target): RecordedRequest[] {
  return sim.requests.filter((r) => r.url.includes(`/subscriptions/${t.uid}/`));
}

export function kinds(requests: readonly RecordedRequest[]): string[] {
  return requests.map((r) => r.kind);
}

/** The path (no query) of a logged URL. */
export function pathOf(url: string): string {
  return url.split('?')[0] ?? url;
}

export interface Run<T> {
  snapshots: OperationSnapshot<T>[];
  error: unknown;
  completed: boolean;
}

/**
 * Subscribes, collects every snapshot until the stream ends (or `limitMs` passes: then the run is
 * unsubscribed and reported as hung), and checks what must hold for every run: each snapshot is
 * plain JSON (README "Snapshots"), `done` mirrors `state`, only the last snapshot is terminal,
 * `polls` never decreases, and a completed stream ends with a terminal snapshot. Pass `merged` for
 * the stream of several trackers (only the JSON check, per snapshot).
 */
export async function collect<T>(source: Observable<OperationSnapshot<T>>, limitMs = 8_000, merged = false): Promise<Run<T>> {
  const run = await new Promise<Run<T>>((resolve) => {
    const snapshots: OperationSnapshot<T>[] = [];
    let ended = false;
    const end = (value: Run<T>): void => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      resolve(value);
    };
    const timer = setTimeout(() => {
      subscription.unsubscribe();
      end({ snapshots, error: new Error(`the stream did not end within ${limitMs} ms`), completed: false });
    }, limitMs);
    const subscription = source.subscribe({
      next: (s) => snapshots.push(s),
      error: (error: unknown) => end({ snapshots, error, completed: false }),
      complete: () => end({ snapshots, error: undefined, completed: true }),
    });
  });
  // A merged stream (several trackers) is checked per operation by the caller; plain JSON always.
  if (merged) for (const s of run.snapshots) expect(JSON.parse(JSON.stringify(s))).toStrictEqual(s);
  else checkSnapshots(run);
  return run;
}

export function checkSnapshots<T>(run: Run<T>): void {
  const { snapshots } = run;
  snapshots.forEach((s, i) => {
    expect(JSON.parse(JSON.stringify(s))).toStrictEqual(s);
    expect(s.done).toBe(s.state !== 'running');
    if (i < snapshots.length - 1) expect(s.done, `snapshot ${i} of ${snapshots.length} is terminal`).toBe(false);
    if (i > 0) expect(s.polls).toBeGreaterThanOrEqual(snapshots[i - 1]!.polls);
    if (s.state === 'running') expect(typeof s.nextPollInMs).toBe('number');
  });
  if (run.completed) {
    expect(snapshots.length).toBeGreaterThan(0);
    expect(snapshots[snapshots.length - 1]!.done).toBe(true);
  }
}

/** The terminal snapshot of a run that must have completed. */
export function last<T>(run: Run<T>): OperationSnapshot<T> {
  expect(run.error).toBeUndefined();
  expect(run.completed).toBe(true);
  const s = run.snapshots[run.snapshots.length - 1];
  if (!s) throw new Error('no snapshot');
  return s;
}

/** The `[state, status, httpStatus, polls]` of every snapshot. */
export function digest<T>(run: Run<T>): [string, string, number, number][] {
  return run.snapshots.map((s) => [s.state, s.status, s.httpStatus, s.polls]);
}

/**
 * PROTOCOL T6: nothing is sent after the end. The log for this target does not grow over `ms`
 * (several polling intervals), and every request that was answered or reset is accounted for.
 */
export async function expectQuiet(sim: Simulator, t: Target, ms = 40, settleMs = 0): Promise<void> {
  // A stream ended by a deadline (or an unsubscribe) may have aborted a poll already on the wire,
  // which can still land just after: `settleMs` lets it before the count starts.
  if (settleMs > 0) await sleep(settleMs);
  const before = requestsFor(sim, t).length;
  await sleep(ms);
  expect(requestsFor(sim, t).length, 'requests sent after the stream ended').toBe(before);
}

/** `polls` of the terminal snapshot counts every request after the initial one(s) (README "Snapshots"). */
export function expectPollsCount<T>(run: Run<T>, sim: Simulator, t: Target): void {
  const after = requestsFor(sim, t).filter((r) => r.kind !== 'initial').length;
  expect(run.snapshots[run.snapshots.length - 1]!.polls).toBe(after);
}

/** The error of a run that must have errored, as plain data plus its class name. */
export function errorOf(run: Run<unknown>): Record<string, unknown> {
  expect(run.completed).toBe(false);
  expect(run.error).toBeInstanceOf(Error);
  const error = run.error as Error & Record<string, unknown>;
  // F4: errors are plain serializable data.
  const data = JSON.parse(JSON.stringify(error)) as Record<string, unknown>;
  expect(data['name']).toBe(error.name);
  expect(data['code']).toBe(error['code']);
  expect(data['message']).toBe(error.message);
  return { ...data, instance: error };
}

export const PUT_BODY = { location: 'westus', properties: { size: 3 } };
export const PATCH_BODY = { properties: { size: 5 } };
export const POST_RESULT = { outputs: { ok: true, count: 2 } };

function lastSegment(path: string): string {
  return path.split('/').pop() ?? '';
}

/** The PUT resource of `PUT_BODY` as the simulator serves it, with this provisioningState. */
export function putResource(t: Target, state: string): Record<string, unknown> {
  return { id: t.path, name: lastSegment(t.path), location: 'westus', properties: { size: 3, provisioningState: state } };
}

/** The PATCHed resource of `PATCH_BODY` (no resource before), with this provisioningState. */
export function patchResource(t: Target, state: string): Record<string, unknown> {
  return { id: t.path, name: lastSegment(t.path), properties: { size: 5, provisioningState: state } };
}

export interface OpRun {
  t: Target;
  run: Run<unknown>;
  reqs: RecordedRequest[];
}

/** Defines a script for a fresh target, tracks it with `trackOperation` (fast options merged with `options`). */
export async function runOp(
  sim: Simulator,
  method: LroMethod,
  script: OperationScript,
  options: PollOptions = {},
  limitMs = 8_000,
): Promise<OpRun> {
  const t = target(sim);
  // A GET starts an operation only on a path defined for it (R16); other methods start one anywhere.
  sim.define(method === 'GET' ? `GET ${t.path}` : t.path, script);
  const body = method === 'PUT' ? PUT_BODY : method === 'PATCH' ? PATCH_BODY : undefined;
  const request = body === undefined ? { method, url: t.url } : { method, url: t.url, body };
  const run = await collect(trackOperation(request, fast(options)), limitMs);
  return { t, run, reqs: requestsFor(sim, t) };
}

/** The end-of-run checks: `polls` counted right when completed, and no request after the end (T6). */
export async function finish(sim: Simulator, { t, run }: OpRun, settleMs = 0): Promise<void> {
  if (run.completed) expectPollsCount(run, sim, t);
  await expectQuiet(sim, t, 40, settleMs);
}
