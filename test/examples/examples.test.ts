// The examples run here, against the simulator over real HTTP: they must work as users copy them.
import { firstValueFrom, filter } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSimulator, type RecordedRequest, type Simulator } from '../../src/testing/index';
import { OperationsService } from '../../examples/angular-service';
import { main as mergeMany } from '../../examples/merge-many';
import { operationCanceled, operationStarted } from '../../examples/operations-slice';
import { createOperationsStore as createListenerStore } from '../../examples/redux-listener';
import { createOperationsStore as createEpicStore } from '../../examples/redux-observable';
import { createOperationsStore as createZustandStore } from '../../examples/zustand-store';
import { resumeParked, trackOrPark, type Parking } from '../../examples/resume-later';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ defaults: { polls: 3, percentComplete: true } });
});
afterAll(async () => {
  await sim.close();
});

const url = (name: string, query = ''): string =>
  `${sim.url}/subscriptions/examples/resourceGroups/rg/providers/Microsoft.Test/widgets/${name}-${Math.random().toString(36).slice(2, 8)}?api-version=2024-01-01${query}`;

/** Every request of the operation started at `target`: its initial request, polls and final GET. */
function requestsOf(target: string): RecordedRequest[] {
  const path = new URL(target).pathname;
  const ids = new Set(sim.requests.filter((r) => r.kind === 'initial' && r.url.startsWith(path)).map((r) => r.operationId));
  return sim.requests.filter((r) => ids.has(r.operationId));
}

async function until(check: () => boolean, limitMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > limitMs) throw new Error('timed out waiting for the condition');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('examples', () => {
  it('F5 resume-later.ts: a tracker that gives up parks its resume token; resuming finishes without a second initial request', async () => {
    // Terminal from the 25th poll: at 20 ms between polls the 300 ms deadline passes first.
    const target = url('parked');
    const path = new URL(target).pathname;
    sim.define(path, { pattern: 'azure-async-operation', polls: 25, resource: { name: 'parked' } });
    const parking: Parking = new Map();
    const first = await trackOrPark('deploy', { method: 'PUT', url: target, body: {} }, parking, 300, 20);
    expect(first).toBe('parked');
    const token = parking.get('deploy')!;
    expect(token).toMatchObject({ v: 1, method: 'PUT', mode: 'status' });
    const done = await resumeParked('deploy', parking, 20);
    expect(done).toMatchObject({ state: 'succeeded', result: { name: 'parked' } });
    expect(parking.size).toBe(0);
    const initial = sim.requests.filter((r) => r.kind === 'initial' && r.url.startsWith(path));
    expect(initial).toHaveLength(1);
  });

  it('merge-many.ts: 50 operations, 8 at a time: 44 succeed, 5 fail, and the one whose monitor answers 403 ends alone, as data', async () => {
    const lines: string[] = [];
    const summary = await mergeMany((line) => lines.push(line));
    expect(summary).toMatchObject({ succeeded: 44, failed: 5, faulted: 1 });
    expect(lines).toHaveLength(51);
    expect(lines.find((l) => l.startsWith('sa13: '))).toMatch(/^sa13: HttpError \(GET .* answered HTTP 403/);
    expect(lines.at(-1)).toMatch(/^44 succeeded, 5 failed, 1 faulted, \d+ requests$/);
  });

  for (const [file, createStore] of [
    ['redux-listener.ts', createListenerStore],
    ['redux-observable.ts', createEpicStore],
  ] as const) {
    it(`${file}: every snapshot lands in the store under its key; a canceled key stops; nothing unserializable`, async () => {
      const complaints = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        const store = createStore({ delay: 20 });
        const rg = url('rg', '&sim-polls=50');
        store.dispatch(operationStarted({ key: 'vm', request: { method: 'POST', url: url('vm', '&sim-pattern=azure-async-operation') } }));
        store.dispatch(
          operationStarted({
            key: 'sa',
            request: { method: 'PUT', url: url('sa', '&sim-pattern=location'), body: { location: 'westus' } },
          }),
        );
        store.dispatch(operationStarted({ key: 'rg', request: { method: 'DELETE', url: rg } }));
        const byKey = () => store.getState().operations.byKey;
        await until(() => (byKey()['rg']?.snapshot?.polls ?? 0) >= 1);
        expect(requestsOf(rg).length).toBeGreaterThan(1);
        store.dispatch(operationCanceled('rg'));
        const sentForRg = () => requestsOf(rg).length;
        const atCancel = sentForRg();
        await until(() => byKey()['vm']?.snapshot?.done === true && byKey()['sa']?.snapshot?.done === true);
        expect(byKey()['vm']!.snapshot).toMatchObject({ key: 'vm', state: 'succeeded' });
        expect(byKey()['sa']!.snapshot).toMatchObject({ key: 'sa', state: 'succeeded', result: { location: 'westus' } });
        expect(byKey()['rg']!.snapshot!.done).toBe(false);
        // Two more polls of the others went by at 20 ms; the canceled one sent nothing more.
        expect(sentForRg()).toBe(atCancel);
        expect(complaints).not.toHaveBeenCalled();
      } finally {
        complaints.mockRestore();
      }
    });
  }

  it('zustand-store.ts: after a reload, running, starting and queued operations all finish; removed keys leave the store', async () => {
    const saved = new Map<string, string>();
    const storage = { getItem: (k: string) => saved.get(k) ?? null, setItem: (k: string, v: string) => void saved.set(k, v) };
    const running = url('running', '&sim-polls=6');
    // Its initial response takes 2 s: the page closes while it is in flight.
    const starting = url('starting', '&sim-fault=initial:1:slow:2000');
    const queued = url('queued');
    const first = createZustandStore(storage, { maxConcurrent: 2, poll: { delay: 20 } });
    first.getState().start('running', { method: 'PUT', url: running, body: {} });
    first.getState().start('starting', { method: 'PUT', url: starting, body: {} });
    first.getState().start('queued', { method: 'PUT', url: queued, body: {} });
    await until(() => (first.getState().operations['running']?.polls ?? 0) >= 2);
    expect(Object.values(first.getState().operations).map((e) => [e.key, e.phase])).toEqual([
      ['running', 'running'],
      ['starting', 'starting'],
      ['queued', 'queued'],
    ]);
    first.getState().dispose(); // the tab closes

    const second = createZustandStore(storage, { maxConcurrent: 2, poll: { delay: 20 } });
    await until(() => Object.values(second.getState().operations).every((e) => e.phase === 'done'));
    expect(Object.values(second.getState().operations).map((e) => [e.key, e.state])).toEqual([
      ['running', 'succeeded'],
      ['starting', 'succeeded'],
      ['queued', 'succeeded'],
    ]);
    const initial = (target: string) => sim.requests.filter((r) => r.kind === 'initial' && r.url.startsWith(new URL(target).pathname));
    // Resumed, not re-sent; a PUT in flight at the reload is sent again (idempotent); the queued one once.
    expect([running, starting, queued].map((target) => initial(target).length)).toEqual([1, 2, 1]);

    second.getState().remove('queued');
    expect(Object.keys(second.getState().operations)).toEqual(['running', 'starting']);
    expect(Object.keys(JSON.parse(saved.get('rx-lro')!).entries)).toEqual(['running', 'starting']);
    second.getState().dispose();
  });

  it('angular-service.ts: state$ lists the operations, active$ counts down to zero', async () => {
    const service = new OperationsService({ delay: 20 });
    service.start('a', { method: 'PUT', url: url('a'), body: {} });
    service.start('b', { method: 'POST', url: url('b', '&sim-pattern=operation-location') });
    expect(await firstValueFrom(service.active$)).toBe(2);
    await firstValueFrom(service.active$.pipe(filter((n) => n === 0)));
    const entries = await firstValueFrom(service.state$);
    expect(entries.map((e) => [e.key, e.phase, e.state])).toEqual([
      ['a', 'done', 'succeeded'],
      ['b', 'done', 'succeeded'],
    ]);
    service.ngOnDestroy();
  });
});
