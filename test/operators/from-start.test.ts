// fromStart, faultAsData and snapshot.key: many trackers merged, each fault kept to its own tracker.
import { EMPTY, from, mergeMap, of, toArray, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  faultAsData,
  fromStart,
  pollOperation,
  resumeOperation,
  trackOperation,
  type OperationSnapshot,
  type OperationStart,
  type StartInput,
  type TrackerFault,
} from '../../src/index';
import { httpDouble, type Reply } from '../support/http-double';
import { testScheduler } from '../support/virtual';

const ARM = 'https://management.azure.com/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines';
const vm = (n: number): string => `${ARM}/vm${n}/start?api-version=2024-07-01`;
const monitor = (n: number, query = 'api-version=2024-07-01'): string =>
  `https://management.azure.com/subscriptions/s1/providers/Microsoft.Compute/locations/westus/operations/op${n}?${query}`;

const started = (n: number): OperationStart => ({
  request: { method: 'POST', url: vm(n) },
  response: { status: 202, headers: { 'Azure-AsyncOperation': monitor(n) } },
});

type Item = OperationSnapshot | TrackerFault;

/** Runs `source` in virtual time against scripted replies; returns what it emitted and how it ended. */
function run(routes: Record<string, Reply[]>, make: (http: ReturnType<typeof httpDouble>['http']) => Observable<Item>) {
  const scheduler = testScheduler();
  const result = { items: [] as Item[], error: undefined as unknown, completed: false, sent: [] as string[] };
  scheduler.run((helpers) => {
    const { http, sent } = httpDouble(scheduler, helpers, routes);
    make(http).subscribe({
      next: (item) => result.items.push(item),
      error: (error) => (result.error = error),
      complete: () => (result.completed = true),
    });
    scheduler.flush();
    result.sent = sent.map((r) => r.url);
  });
  return result;
}

const succeeding = (): Reply[] => [
  { status: 200, body: { status: 'InProgress' } },
  { status: 200, body: { status: 'Succeeded' } },
];

describe('fromStart and faultAsData: many trackers, one fault stays with its operation', () => {
  it('merged through faultAsData, a tracker whose monitor answers 403 ends alone, as data; the others finish', () => {
    const routes = {
      [monitor(1)]: succeeding(),
      [monitor(2)]: [{ status: 403, body: { error: { code: 'AuthorizationFailed', message: 'no' } } }],
      [monitor(3)]: succeeding(),
    };
    const { items, error, completed } = run(routes, (http) =>
      from([1, 2, 3]).pipe(mergeMap((n) => fromStart(started(n), { http, delay: 1000 }).pipe(faultAsData()))),
    );
    expect(error).toBeUndefined();
    expect(completed).toBe(true);
    const last = new Map(items.map((item) => [item.key, item]));
    expect(last.get(monitor(1).split('?')[0]!)).toMatchObject({ state: 'succeeded', done: true });
    expect(last.get(monitor(3).split('?')[0]!)).toMatchObject({ state: 'succeeded', done: true });
    expect(last.get(monitor(2).split('?')[0]!)).toMatchObject({
      state: 'error',
      done: true,
      error: { name: 'HttpError', code: 'http', status: 403, serviceError: { code: 'AuthorizationFailed', message: 'no' } },
    });
  });

  it('the same merge without faultAsData, as pollOperation does: the first fault errors the whole stream', () => {
    const routes = { [monitor(1)]: succeeding(), [monitor(2)]: [{ status: 403 }], [monitor(3)]: succeeding() };
    const { error, items } = run(routes, (http) => of(started(1), started(2), started(3)).pipe(pollOperation({ http, delay: 1000 })));
    expect(error).toMatchObject({ name: 'HttpError', status: 403 });
    expect(items.some((item) => item.state === 'succeeded')).toBe(false);
  });

  it('a malformed start is a fault of its own tracker: a TypeError as data, with an empty key', () => {
    const { items, completed } = run({ [monitor(1)]: succeeding() }, (http) =>
      from([started(1), { request: { method: 'HEAD', url: vm(2) }, response: { status: 202 } } as StartInput]).pipe(
        mergeMap((start) => fromStart(start, { http, delay: 1000 }).pipe(faultAsData())),
      ),
    );
    expect(completed).toBe(true);
    expect(items.filter((item) => item.done).map((item) => item.state)).toEqual(['error', 'succeeded']);
    expect(items.find((item) => item.state === 'error')).toMatchObject({
      key: '',
      error: { name: 'TypeError', message: expect.stringContaining('HEAD') },
    });
  });

  it('an error before any snapshot still says whose it is: the key of method and initial URL', () => {
    const { items } = run({ [vm(4)]: [{ status: 400, body: { error: { code: 'BadRequest', message: 'bad' } } }] }, (http) =>
      trackOperation({ method: 'POST', url: vm(4) }, { http }).pipe(faultAsData()),
    );
    expect(items).toEqual([expect.objectContaining({ key: `POST ${vm(4).split('?')[0]}`, state: 'error' })]);
  });

  it('a lazy start is called only when its tracker starts: a concurrency of 1 sends one initial request at a time', () => {
    const calls: number[] = [];
    const scheduler = testScheduler();
    scheduler.run((helpers) => {
      const { http } = httpDouble(scheduler, helpers, { [monitor(1)]: succeeding(), [monitor(2)]: succeeding() });
      const lazy = (n: number) => (): StartInput => {
        calls.push(scheduler.now());
        return started(n);
      };
      from([1, 2])
        .pipe(mergeMap((n) => fromStart(lazy(n), { http, delay: 1000 }), 1))
        .subscribe();
      scheduler.flush();
    });
    // The second start is made when the first tracker has ended (two polls of 100 ms after a 1 s wait each).
    expect(calls).toEqual([0, 2200]);
  });

  it('a promise as a start is refused: its request was already sent, before a slot was free', () => {
    const { items } = run({}, (http) =>
      from([Promise.resolve(started(1))]).pipe(
        mergeMap((start) => fromStart(start as unknown as StartInput, { http }).pipe(faultAsData())),
      ),
    );
    expect(items[0]).toMatchObject({ state: 'error', error: { name: 'TypeError', message: expect.stringContaining('got a promise') } });
  });

  it('fromStart is cold: nothing is sent before subscribe, and each subscription tracks anew', () => {
    const scheduler = testScheduler();
    scheduler.run((helpers) => {
      const { http, sent } = httpDouble(scheduler, helpers, { [monitor(1)]: [{ status: 200, body: { status: 'Succeeded' } }] });
      const tracker = fromStart(started(1), { http, delay: 10 });
      scheduler.flush();
      expect(sent).toHaveLength(0);
      tracker.subscribe();
      tracker.subscribe();
      scheduler.flush();
      expect(sent).toHaveLength(2);
    });
  });
});

describe('snapshot.key: the operation’s identity', () => {
  it('is the monitor URL without its query, the same in every snapshot even when the monitor moves (R8)', () => {
    const moved = monitor(9, 'api-version=2024-07-01&sig=x');
    const { items } = run(
      {
        [monitor(1)]: [{ status: 200, headers: { 'Azure-AsyncOperation': moved }, body: { status: 'InProgress' } }],
        [moved]: [{ status: 200, body: { status: 'Succeeded' } }],
      },
      (http) => fromStart(started(1), { http, delay: 10 }),
    );
    expect(items).toHaveLength(3);
    expect(new Set(items.map((item) => item.key))).toEqual(new Set([monitor(1).split('?')[0]]));
  });

  it('two starts of one VM have two keys; the caller’s key wins; after resume the key is the same', () => {
    const twice = (n: number): StartInput => ({ request: { method: 'POST', url: vm(1) }, response: started(n).response });
    const { items } = run({ [monitor(1)]: succeeding(), [monitor(2)]: succeeding() }, (http) =>
      from([twice(1), twice(2)]).pipe(mergeMap((start) => fromStart(start, { http, delay: 10 }))),
    );
    expect(new Set(items.map((item) => item.key)).size).toBe(2);

    const named = run({ [monitor(1)]: succeeding() }, (http) => fromStart(started(1), { http, delay: 10, key: 'vm1-start' }));
    expect(named.items.every((item) => item.key === 'vm1-start')).toBe(true);
    const token = (named.items[0] as OperationSnapshot).resumeToken;
    const resumed = run({ [monitor(1)]: succeeding() }, (http) => resumeOperation(token, { http, delay: 10 }));
    expect(resumed.items.every((item) => item.key === 'vm1-start')).toBe(true);
    const plain = run({ [monitor(1)]: succeeding() }, (http) => fromStart(started(1), { http, delay: 10 }));
    const again = run({ [monitor(1)]: succeeding() }, (http) =>
      resumeOperation((plain.items[0] as OperationSnapshot).resumeToken, { http }),
    );
    expect(again.items.map((item) => item.key)).toEqual(plain.items.slice(1).map((item) => item.key));
  });

  it('without a monitor or Location, the key is the method and the initial URL without its query', () => {
    const url = `${ARM}/vm1?api-version=2024-07-01&sig=secret`;
    const { items } = run({ [url]: [{ status: 200, body: { name: 'vm1', properties: { provisioningState: 'Succeeded' } } }] }, (http) =>
      trackOperation({ method: 'PUT', url, body: {} }, { http }),
    );
    expect(items).toEqual([expect.objectContaining({ key: `PUT ${ARM}/vm1`, state: 'succeeded' })]);
  });

  it('an empty stream gives faultAsData nothing to report', () => {
    const { items, completed } = run({}, () =>
      (EMPTY as Observable<OperationSnapshot>).pipe(
        faultAsData(),
        toArray(),
        mergeMap((list) => from(list)),
      ),
    );
    expect(items).toEqual([]);
    expect(completed).toBe(true);
  });
});
