import { BehaviorSubject, NEVER } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { HttpClient } from '../../src/index';
import {
  createOperationRegistry,
  documentVisibility,
  type OperationRegistry,
  type RegistryOptions,
  type RegistryState,
  type RegistryStorage,
} from '../../src/registry/index';
import { httpDouble, type Reply, type SentRequest } from '../support/http-double';
import { testScheduler } from '../support/virtual';

const ARM = 'https://management.azure.com';
const resource = (i: number): string =>
  `${ARM}/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Web/sites/app${i}?api-version=2024-01-01`;
const monitor = (i: number): string => `${ARM}/subscriptions/s1/providers/Microsoft.Web/operations/op${i}?api-version=2024-01-01`;

// Operation i: PUT 201 + Azure-AsyncOperation; the monitor runs (Retry-After 10 s) `running` times, then Succeeded.
function routes(count: number, running = 2): Record<string, Reply[]> {
  const table: Record<string, Reply[]> = {};
  for (let i = 0; i < count; i++) {
    table[resource(i)] = [
      {
        status: 201,
        headers: { 'azure-asyncoperation': monitor(i), 'retry-after': '10' },
        body: { properties: { provisioningState: 'Accepted' } },
      },
      { status: 200, body: { name: `app${i}` } },
    ];
    table[monitor(i)] = [
      ...Array.from({ length: running }, (_, n) => ({
        status: 200,
        headers: { 'retry-after': '10' },
        body: { status: 'Running', percentComplete: (n + 1) * 30 },
      })),
      { status: 200, body: { status: 'Succeeded' } },
    ];
  }
  return table;
}

/** A synchronous Storage, like localStorage. */
function memoryStorage(): RegistryStorage & { data: Map<string, string>; writes: number } {
  const data = new Map<string, string>();
  const storage = {
    data,
    writes: 0,
    getItem: (key: string) => data.get(key) ?? null,
    setItem: (key: string, value: string) => {
      storage.writes += 1;
      data.set(key, value);
    },
  };
  return storage;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** An asynchronous Storage whose every read and write stays pending until the test settles it. */
function asyncStorage(): RegistryStorage & {
  reads: Deferred<string | null>[];
  writes: Array<Deferred<void> & { value: string }>;
} {
  const reads: Deferred<string | null>[] = [];
  const writes: Array<Deferred<void> & { value: string }> = [];
  return {
    reads,
    writes,
    getItem: () => {
      const read = deferred<string | null>();
      reads.push(read);
      return read.promise;
    },
    setItem: (_key, value) => {
      const write = { ...deferred<void>(), value };
      writes.push(write);
      return write.promise;
    },
  };
}

/** The phase of `key` in a saved record. */
const phaseOf = (saved: string, key: string): unknown =>
  (JSON.parse(saved) as { entries: Record<string, { phase?: unknown }> }).entries[key]?.phase;

/** Lets pending promise callbacks run. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

interface Session {
  scheduler: TestScheduler;
  registry: OperationRegistry;
  sent: SentRequest[];
  states: RegistryState[];
  http: HttpClient;
}

/** Runs `body` in virtual time with a registry over the HTTP double; returns what was seen. */
function session(
  table: Record<string, Reply[]>,
  options: Omit<RegistryOptions, 'poll'> & { poll?: RegistryOptions['poll'] } = {},
  body: (s: Session) => void = () => undefined,
): Omit<Session, 'scheduler' | 'http'> {
  const scheduler = testScheduler();
  let result: Omit<Session, 'scheduler' | 'http'> | undefined;
  scheduler.run((helpers) => {
    const double = httpDouble(scheduler, helpers, table);
    const registry = createOperationRegistry({
      visibility: new BehaviorSubject(true),
      ...options,
      poll: { http: double.http, ...options.poll },
    });
    const states: RegistryState[] = [];
    registry.state$.subscribe((s) => states.push(s));
    const s: Session = { scheduler, registry, sent: double.sent, states, http: double.http };
    body(s);
    scheduler.flush();
    result = { registry, sent: double.sent, states };
  });
  return result!;
}

const at = (s: Session, ms: number, action: () => void): void => {
  s.scheduler.schedule(action, ms);
};

describe('rx-lro/registry: many trackers by key', () => {
  it('track(): state$ goes queued → starting → running → done, each entry the last snapshot plus key and phase, all plain JSON', () => {
    const { states, registry, sent } = session(routes(1), {}, (s) =>
      s.registry.track('web', { method: 'PUT', url: resource(0), body: { location: 'westus' } }),
    );
    const phases = states.map((s) => s['web']?.phase).filter(Boolean);
    expect(phases[0]).toBe('queued');
    expect(phases).toContain('starting');
    expect(phases).toContain('running');
    expect(phases.at(-1)).toBe('done');
    const end = registry.getState()['web']!;
    expect(end).toMatchObject({ key: 'web', phase: 'done', state: 'succeeded', result: { name: 'app0' }, polls: 4 });
    for (const state of states) expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(sent.map((r) => r.method)).toEqual(['PUT', 'GET', 'GET', 'GET', 'GET']);
  });

  it('maxConcurrent: at most that many operations at once, the rest queued in order; all finish', () => {
    const { registry, sent } = session(routes(4), { maxConcurrent: 2 }, (s) => {
      for (let i = 0; i < 4; i++) s.registry.track(`op${i}`, { method: 'PUT', url: resource(i) });
      expect(Object.values(s.registry.getState()).map((e) => e.phase)).toEqual(['starting', 'starting', 'queued', 'queued']);
    });
    expect(Object.values(registry.getState()).map((e) => e.state)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    // The third operation starts only when the first two are done (each takes 30.4 s of virtual time).
    const starts = sent.filter((r) => r.method === 'PUT').map((r) => r.time);
    expect(starts.slice(0, 2)).toEqual([0, 0]);
    expect(starts[2]).toBeGreaterThan(30_000);
  });

  it('maxConcurrent: a queued entry canceled and tracked again goes to the back of the queue; a removed one never starts', () => {
    const { registry, sent } = session(routes(4), { maxConcurrent: 1 }, (s) => {
      for (let i = 0; i < 4; i++) s.registry.track(`op${i}`, { method: 'PUT', url: resource(i) });
      s.registry.cancel('op1');
      s.registry.track('op1', { method: 'PUT', url: resource(1) });
      s.registry.remove('op2');
    });
    expect(sent.filter((r) => r.method === 'PUT').map((r) => r.url)).toEqual([resource(0), resource(3), resource(1)]);
    expect(registry.getState()['op2']).toBeUndefined();
    expect(['op0', 'op1', 'op3'].map((key) => registry.getState()[key]?.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  });

  it('T6 cancel(): the tracker stops (no request after), the entry stays with its last snapshot in phase canceled', () => {
    const { registry, sent } = session(routes(2), {}, (s) => {
      s.registry.track('a', { method: 'PUT', url: resource(0) });
      s.registry.track('b', { method: 'PUT', url: resource(1) });
      at(s, 15_000, () => s.registry.cancel('a'));
    });
    expect(registry.getState()['a']).toMatchObject({ phase: 'canceled', state: 'running', status: 'Running', percentComplete: 30 });
    expect(registry.getState()['b']).toMatchObject({ phase: 'done', state: 'succeeded' });
    expect(sent.filter((r) => r.url === monitor(0) && r.time > 15_000)).toEqual([]);
  });

  it('remove() forgets an entry; track() on an active key is refused, on a finished one starts again', () => {
    session(routes(1), {}, (s) => {
      s.registry.track('a', { method: 'PUT', url: resource(0) });
      expect(() => s.registry.track('a', { method: 'PUT', url: resource(0) })).toThrow(
        /key "a" is still starting; cancel or remove it first/,
      );
      s.registry.remove('a');
      expect(s.registry.getState()).toEqual({});
      s.registry.track('a', { method: 'PUT', url: resource(0) });
      expect(s.registry.getState()['a']!.phase).toBe('starting');
    });
  });

  it('F4 a stream error is an entry in phase error with the error as plain data', () => {
    const table = routes(1);
    table[monitor(0)] = [{ status: 403, body: { error: { code: 'AuthorizationFailed', message: 'no' } } }];
    const { registry } = session(table, {}, (s) => s.registry.track('a', { method: 'PUT', url: resource(0) }));
    const entry = registry.getState()['a']!;
    expect(entry).toMatchObject({ phase: 'error', state: 'running', fault: { name: 'HttpError', code: 'http', status: 403 } });
    expect(JSON.parse(JSON.stringify(entry))).toEqual(entry);
  });

  it('S3 a tampered resume token is an entry in phase error, nothing sent', () => {
    const { registry, sent } = session(routes(1), {}, (s) =>
      s.registry.resume('a', { v: 1, method: 'PUT', url: resource(0), mode: 'status', pollUrl: 'https://evil.example.com/op' }),
    );
    expect(registry.getState()['a']).toMatchObject({ phase: 'error', fault: { name: 'SecurityError' } });
    expect(sent).toEqual([]);
  });

  it('adopt(): an initial response already in hand is tracked without sending it again', () => {
    // The resource answers only the final GET here: the initial response is the one handed over.
    const table = routes(1);
    table[resource(0)] = [{ status: 200, body: { name: 'app0' } }];
    const { registry, sent } = session(table, {}, (s) =>
      s.registry.adopt('vm', {
        request: { method: 'PUT', url: resource(0) },
        response: {
          status: 201,
          headers: { 'Azure-AsyncOperation': monitor(0), 'Retry-After': '10' },
          body: { properties: { provisioningState: 'Accepted' } },
        },
      }),
    );
    expect(sent.map((r) => r.method)).toEqual(['GET', 'GET', 'GET', 'GET']);
    expect(registry.getState()['vm']).toMatchObject({ phase: 'done', state: 'succeeded', result: { name: 'app0' } });
  });

  it('a retry wait that ends while the page is hidden sends nothing until it is visible', () => {
    const table = routes(1);
    table[monitor(0)] = [
      { status: 503, headers: { 'retry-after': '2' } },
      { status: 200, body: { status: 'Succeeded' } },
    ];
    const visibility = new BehaviorSubject(true);
    const { sent } = session(table, { visibility, poll: { retry: { baseDelayMs: 1000, jitter: 0 } } }, (s) => {
      s.registry.track('a', { method: 'PUT', url: resource(0) });
      at(s, 10_500, () => visibility.next(false));
      at(s, 60_000, () => visibility.next(true));
    });
    // The monitor's 503 comes back at 10.2 s; its retry, due at 12.2 s, waits for the page: 60 s.
    const monitorRequests = sent.filter((r) => r.url === monitor(0)).map((r) => r.time);
    expect(monitorRequests).toEqual([10_100, 60_000]);
  });

  it('rejects bad keys, requests and options with TypeErrors', () => {
    session(routes(1), {}, (s) => {
      expect(() => s.registry.track('', { method: 'PUT', url: resource(0) })).toThrow(/a key must be a non-empty string/);
      expect(() => s.registry.track('a', { method: 'HEAD' as never, url: resource(0) })).toThrow(TypeError);
      expect(() => s.registry.track('a', null as never)).toThrow(/track needs a request/);
    });
    expect(() => createOperationRegistry({ maxConcurrent: 0 })).toThrow(/maxConcurrent must be a number >= 1/);
    expect(() => createOperationRegistry({ storage: {} as never })).toThrow(/storage must have getItem and setItem/);
    expect(() => createOperationRegistry({ poll: { delay: -1 } })).toThrow(/options.delay/);
    expect(() => createOperationRegistry({ visibility: true as never })).toThrow(/visibility must be an Observable/);
  });
});

describe('reload and resume through storage', () => {
  it('a new registry over the same storage resumes running operations without their initial request; finished ones keep their last snapshot', () => {
    const storage = memoryStorage();
    // First page: two operations; one finishes quickly, the page closes (dispose) at 15 s.
    const table = routes(2);
    table[monitor(1)] = [{ status: 200, body: { status: 'Succeeded' } }];
    session(table, { storage }, (s) => {
      s.registry.track('slow', { method: 'PUT', url: resource(0), headers: { authorization: 'Bearer secret' } });
      s.registry.track('quick', { method: 'PUT', url: resource(1) });
      at(s, 15_000, () => s.registry.dispose());
    });
    const saved = storage.data.get('rx-lro')!;
    expect(saved).not.toContain('secret');
    expect(JSON.parse(saved).entries.slow).toMatchObject({ phase: 'running', percentComplete: 30 });

    // Second page: resumes "slow" from its token, polls at once, never PUTs again (its resource
    // answers only the final GET here).
    const again = routes(2);
    again[resource(0)] = [{ status: 200, body: { name: 'app0' } }];
    const { registry, sent } = session(again, { storage });
    expect(sent.map((r) => r.method)).not.toContain('PUT');
    expect(sent[0]).toMatchObject({ method: 'GET', url: monitor(0), time: 0 });
    expect(registry.getState()['slow']).toMatchObject({ phase: 'done', state: 'succeeded', result: { name: 'app0' } });
    expect(registry.getState()['quick']).toMatchObject({ phase: 'done', state: 'succeeded', result: { name: 'app1' } });
  });

  it('queued requests start after the reload; a POST whose answer never came is not sent again, a PUT is', () => {
    const storage = memoryStorage();
    storage.data.set(
      'rx-lro',
      JSON.stringify({
        v: 1,
        entries: {
          waiting: { key: 'waiting', phase: 'queued', request: { method: 'PUT', url: resource(0) } },
          put: { key: 'put', phase: 'starting', request: { method: 'PUT', url: resource(1) } },
          post: { key: 'post', phase: 'starting', request: { method: 'POST', url: `${ARM}/vm/start` } },
        },
      }),
    );
    const { registry, sent } = session(routes(2), { storage });
    expect(registry.getState()['waiting']).toMatchObject({ phase: 'done', state: 'succeeded' });
    expect(registry.getState()['put']).toMatchObject({ phase: 'done', state: 'succeeded' });
    expect(registry.getState()['post']).toMatchObject({ phase: 'error', fault: { code: 'network' } });
    expect(registry.getState()['post']!.fault!.message).toMatch(/not sent again/);
    expect(sent.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('the fault of a POST lost to a reload is the NetworkError it stands for: method, URL (query values redacted) and reason', () => {
    const storage = memoryStorage();
    const url = `${ARM}/vm/start?api-version=2024-07-01&sig=secret-signature`;
    storage.data.set(
      'rx-lro',
      JSON.stringify({ v: 1, entries: { post: { key: 'post', phase: 'starting', request: { method: 'POST', url } } } }),
    );
    const { registry } = session(routes(0), { storage });
    const fault = registry.getState()['post']!.fault!;
    expect(fault).toMatchObject({ name: 'NetworkError', code: 'network', method: 'POST', reason: expect.stringMatching(/not sent again/) });
    expect(fault['url']).toBe(`${ARM}/vm/start?api-version=2024-07-01&sig=REDACTED`);
    expect(JSON.stringify(fault)).not.toContain('secret-signature');
  });

  it('a resume still queued when the page closed is resumed from its token after the reload, nothing re-sent', () => {
    const storage = memoryStorage();
    const token = { v: 1 as const, method: 'PUT' as const, url: resource(1), mode: 'status' as const, pollUrl: monitor(1) };
    storage.data.set('rx-lro', JSON.stringify({ v: 1, entries: { second: { key: 'second', phase: 'queued', resumeToken: token } } }));
    const { registry, sent } = session(routes(2), { storage });
    expect(registry.getState()['second']).toMatchObject({ phase: 'done', state: 'succeeded' });
    expect(sent.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET ${monitor(1)}`,
      `GET ${monitor(1)}`,
      `GET ${monitor(1)}`,
      `GET ${resource(1)}`,
    ]);
  });

  it('what a queued resume saves is its token, so that a reload can resume it', () => {
    const storage = memoryStorage();
    const token = { v: 1 as const, method: 'PUT' as const, url: resource(1), mode: 'status' as const, pollUrl: monitor(1) };
    const scheduler = testScheduler();
    scheduler.run(() => {
      const registry = createOperationRegistry({
        storage,
        maxConcurrent: 1,
        visibility: new BehaviorSubject(true),
        poll: { http: () => NEVER },
      });
      registry.track('first', { method: 'PUT', url: resource(0) });
      registry.resume('second', token);
      const saved = JSON.parse(storage.data.get('rx-lro')!) as { entries: Record<string, unknown> };
      expect(saved.entries['second']).toEqual({ key: 'second', phase: 'queued', resumeToken: token });
      registry.dispose();
    });
  });

  it('an asynchronous storage: one write at a time, changes made meanwhile coalesce into one write of the latest record', async () => {
    const storage = asyncStorage();
    const registry = createOperationRegistry({ storage, visibility: new BehaviorSubject(true), poll: { http: () => NEVER } });
    storage.reads[0]!.resolve(null);
    await registry.ready;
    registry.track('a', { method: 'PUT', url: resource(0) }); // queued, then starting: two changes
    registry.cancel('a'); // and a third
    // The first change is being written; the other two wait for it.
    expect(storage.writes.map((w) => phaseOf(w.value, 'a'))).toEqual(['queued']);
    storage.writes[0]!.resolve();
    await settle();
    // Then one write, of the record as it is now: the intermediate `starting` is never written.
    expect(storage.writes.map((w) => phaseOf(w.value, 'a'))).toEqual(['queued', 'canceled']);
    storage.writes[1]!.resolve();
    await settle();
    expect(storage.writes).toHaveLength(2);
    registry.dispose();
  });

  it('an asynchronous storage: a failed write is reported, and the next change is written again', async () => {
    const errors: unknown[] = [];
    const storage = asyncStorage();
    const registry = createOperationRegistry({
      storage,
      visibility: new BehaviorSubject(true),
      poll: { http: () => NEVER },
      onStorageError: (e) => errors.push(e),
    });
    storage.reads[0]!.resolve(null);
    await registry.ready;
    registry.track('a', { method: 'PUT', url: resource(0) });
    storage.writes[0]!.reject(new Error('QuotaExceededError'));
    await settle();
    expect(errors.map(String)).toEqual(['Error: QuotaExceededError']);
    registry.cancel('a');
    expect(storage.writes.map((w) => phaseOf(w.value, 'a'))).toEqual(['queued', 'canceled']);
    registry.dispose();
  });

  it('an asynchronous storage: entries changed while the saved state is still loading win over the saved ones; ready waits for the load', async () => {
    const storage = asyncStorage();
    const registry = createOperationRegistry({ storage, visibility: new BehaviorSubject(true), poll: { http: () => NEVER } });
    let ready = false;
    void registry.ready.then(() => (ready = true));
    registry.track('a', { method: 'PUT', url: resource(0) });
    await settle();
    expect(ready).toBe(false);
    storage.reads[0]!.resolve(
      JSON.stringify({
        v: 1,
        entries: {
          a: { key: 'a', phase: 'done', state: 'failed', status: 'Failed', polls: 7 },
          old: { key: 'old', phase: 'done', state: 'succeeded', status: 'Succeeded', polls: 3 },
        },
      }),
    );
    await registry.ready;
    expect(ready).toBe(true);
    expect(registry.getState()['a']).toEqual({ key: 'a', phase: 'starting' });
    expect(registry.getState()['old']).toEqual({ key: 'old', phase: 'done', state: 'succeeded', status: 'Succeeded', polls: 3 });
    registry.dispose();
  });

  it('unreadable storage and failing writes are reported to onStorageError, never thrown', () => {
    const errors: unknown[] = [];
    const storage: RegistryStorage = {
      getItem: () => '{not json',
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    session(routes(1), { storage, onStorageError: (e) => errors.push(e) }, (s) =>
      s.registry.track('a', { method: 'PUT', url: resource(0) }),
    );
    expect(String(errors[0])).toMatch(/unreadable/);
    expect(errors.some((e) => String(e).includes('QuotaExceededError'))).toBe(true);
  });
});

describe('visibility', () => {
  it('while the page is hidden nothing is sent; when it is visible again, waiting trackers poll at once', () => {
    const visibility = new BehaviorSubject(true);
    const { sent, registry } = session(routes(1, 5), { visibility }, (s) => {
      s.registry.track('a', { method: 'PUT', url: resource(0) });
      at(s, 5_000, () => visibility.next(false));
      at(s, 45_000, () => visibility.next(true));
    });
    // Polls due at 10.1 s, 20.2 s … are held while hidden (5 s – 45 s); the page's return polls at 45 s.
    expect(sent.filter((r) => r.time > 5_000 && r.time < 45_000)).toEqual([]);
    expect(sent.find((r) => r.time >= 45_000)!.time).toBe(45_000);
    expect(registry.getState()['a']).toMatchObject({ phase: 'done', state: 'succeeded' });
  });

  it('without a document (Node, SSR) the default visibility is always visible: polls go on at their times', () => {
    expect((globalThis as { document?: unknown }).document).toBeUndefined();
    const visibility = documentVisibility();
    const seen: boolean[] = [];
    let completed = false;
    visibility.subscribe({ next: (v) => seen.push(v), complete: () => (completed = true) });
    expect(seen).toEqual([true]);
    expect(completed).toBe(true);
    // No `visibility` option: the registry takes the default, and nothing holds the polls back.
    const { sent, registry } = session(routes(1, 2), { visibility: undefined }, (s) =>
      s.registry.track('a', { method: 'PUT', url: resource(0) }),
    );
    expect(sent.map((r) => [r.method, r.time])).toEqual([
      ['PUT', 0],
      ['GET', 10_100],
      ['GET', 20_200],
      ['GET', 30_300],
      ['GET', 30_400],
    ]);
    expect(registry.getState()['a']).toMatchObject({ phase: 'done', state: 'succeeded' });
  });

  it('with a document, the default visibility follows visibilitychange; a document without listeners counts as visible', () => {
    const listeners = new Set<() => void>();
    const doc = {
      visibilityState: 'visible',
      addEventListener: (_type: string, listener: () => void) => listeners.add(listener),
      removeEventListener: (_type: string, listener: () => void) => listeners.delete(listener),
    };
    const change = (state: string): void => {
      doc.visibilityState = state;
      listeners.forEach((listener) => listener());
    };
    const global = globalThis as { document?: unknown };
    try {
      global.document = doc;
      const seen: boolean[] = [];
      const subscription = documentVisibility().subscribe((v) => seen.push(v));
      change('hidden');
      change('visible');
      expect(seen).toEqual([true, false, true]);
      subscription.unsubscribe();
      expect(listeners.size).toBe(0);

      // The registry takes this default: a page hidden from the start sends nothing until it is shown.
      doc.visibilityState = 'hidden';
      const { sent } = session(routes(1), { visibility: undefined }, (s) => {
        s.registry.track('a', { method: 'PUT', url: resource(0) });
        at(s, 5_000, () => change('visible'));
      });
      expect(sent[0]).toMatchObject({ method: 'PUT', time: 5_000 });

      global.document = { visibilityState: 'hidden' };
      const fallback: boolean[] = [];
      documentVisibility().subscribe((v) => fallback.push(v));
      expect(fallback).toEqual([true]);
    } finally {
      delete global.document;
    }
  });
});
