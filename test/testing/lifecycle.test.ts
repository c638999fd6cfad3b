import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/testing/index';
import { API, VM, send, sleep } from './helpers';

function countResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

/** Waits until `check` holds (at most 5 s: as long as a loaded machine may need); returns whether it did. */
async function eventually(check: () => boolean, { tries = 500, gapMs = 10 } = {}): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (check()) return true;
    await sleep(gapMs);
  }
  return check();
}

/** A GET over a raw keep-alive socket that the client never closes itself. */
function keepAliveGet(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { connection: 'keep-alive' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('lifecycle', () => {
  it('listens on 127.0.0.1 with two origins on distinct ports', async () => {
    const sim = await startSimulator({ host: 'localhost' });
    try {
      const main = new URL(sim.url);
      const other = new URL(sim.otherOriginUrl);
      expect(main.hostname).toBe('127.0.0.1');
      expect(other.hostname).toBe('127.0.0.1');
      expect(main.port).not.toBe(other.port);
      expect(sim.url).toBe(main.origin);
    } finally {
      await sim.close();
    }
  });

  it('close() stops both listeners, drops keep-alive sockets and clears pending timers: no handle is left', async () => {
    // Timers are followed one by one: a count of all the process's timers would mix in the test
    // runner's own, which come and go on their own schedule.
    const live = new Set<unknown>();
    const { setTimeout: realSet, clearTimeout: realClear } = globalThis;
    globalThis.setTimeout = ((fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      const timer = realSet(
        (...a: unknown[]) => {
          live.delete(timer);
          fn(...a);
        },
        ms,
        ...args,
      );
      live.add(timer);
      return timer;
    }) as typeof setTimeout;
    globalThis.clearTimeout = ((timer?: Parameters<typeof clearTimeout>[0]) => {
      live.delete(timer);
      realClear(timer);
    }) as typeof clearTimeout;
    try {
      await closeLeavesNothing(live);
    } finally {
      globalThis.setTimeout = realSet;
      globalThis.clearTimeout = realClear;
    }
  });

  async function closeLeavesNothing(live: Set<unknown>): Promise<void> {
    const before = countResources();
    const sim = await startSimulator();
    sim.define(`${VM}/start`, { polls: 5, faults: [{ on: 'poll', nth: 1, kind: 'slow', delayMs: 5000 }] });
    const initial = await send(`${sim.url}${VM}/start?${API}`, { method: 'POST' });
    expect(await keepAliveGet(`${sim.url}/`)).toBe(200);
    expect(await keepAliveGet(`${sim.otherOriginUrl}/`)).toBe(200);
    const pending = fetch(initial.headers.get('azure-asyncoperation') as string).then(
      (res) => res.status,
      () => 'dropped',
    );
    const during = countResources();
    expect(during.TCPServerWrap ?? 0).toBe((before.TCPServerWrap ?? 0) + 2);
    await eventually(() => sim.requests.length === 4);
    // The slow answer's timer is pending.
    expect(live.size).toBeGreaterThan(0);

    const closing = sim.close();
    expect(sim.close()).toBe(closing);
    await closing;
    // Both listeners are released by the time close() resolves; client-side sockets may take a moment longer.
    expect(countResources().TCPServerWrap ?? 0).toBe(before.TCPServerWrap ?? 0);
    expect(await pending).toBe('dropped');
    const settled = await eventually(() => {
      const after = countResources();
      return (
        (after.TCPServerWrap ?? 0) === (before.TCPServerWrap ?? 0) &&
        (after.TCPSocketWrap ?? 0) <= (before.TCPSocketWrap ?? 0) &&
        live.size === 0
      );
    });
    expect(settled, JSON.stringify({ before, after: countResources(), timers: live.size })).toBe(true);
    await expect(fetch(`${sim.url}/`)).rejects.toThrow();
  }

  it('refuses a non-loopback host and invalid options with precise TypeErrors', async () => {
    await expect(startSimulator({ host: '0.0.0.0' })).rejects.toThrow(/loopback/);
    await expect(startSimulator({ port: -1 })).rejects.toThrow(/options\.port must be an integer 0–65535/);
    await expect(startSimulator({ maxRecordedRequests: 0 })).rejects.toThrow(/maxRecordedRequests/);
    await expect(startSimulator({ defaults: { pattern: 'nope' as never } })).rejects.toThrow(/options\.defaults\.pattern/);
    await expect(startSimulator({ scenarios: { [VM]: { polls: 0 } } })).rejects.toThrow(/polls must be an integer >= 1/);
  });

  it('two simulators are independent', async () => {
    const [a, b] = await Promise.all([startSimulator(), startSimulator()]);
    try {
      a.define(VM, { pattern: 'sync' });
      expect((await send(`${a.url}${VM}`, { method: 'PUT' })).status).toBe(200);
      expect((await send(`${b.url}${VM}`)).status).toBe(404);
      expect([a.requests.length, b.requests.length]).toEqual([1, 1]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('answers other methods with 405 and an ARM error, and survives a client that hangs up', async () => {
    const sim = await startSimulator();
    try {
      const answer = await send(`${sim.url}${VM}`, { method: 'PURGE' });
      expect(answer.status).toBe(405);
      expect(answer.json).toMatchObject({ error: { code: 'MethodNotAllowed' } });
      const aborted = new AbortController();
      const pending = fetch(`${sim.url}${VM}?sim-duration=10`, { method: 'PUT', body: 'x'.repeat(10), signal: aborted.signal }).catch(
        () => 'aborted',
      );
      aborted.abort();
      await pending;
      expect((await send(`${sim.url}/`)).status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});
