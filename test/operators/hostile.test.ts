// Hostile or broken responses (PROTOCOL F2, S4, T3, R7, R9–R11): each gives its typed error or its
// fallback, promptly; nothing hangs, nothing is polluted.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import crossFetch from 'cross-fetch';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchHttpClient, trackOperation, type FetchLike, type LroMethod, type OperationSnapshot } from '../../src/index';
import { httpDouble, type Reply } from '../support/http-double';
import { testScheduler } from '../support/virtual';

const ARM = 'https://management.azure.com';
const RESOURCE = `${ARM}/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Web/sites/app1?api-version=2024-01-01`;
const MONITOR = `${ARM}/subscriptions/s1/providers/Microsoft.Web/operations/op1?api-version=2024-01-01`;

interface Outcome {
  snapshots: OperationSnapshot[];
  error?: unknown;
  endedAt?: number;
  sent: { url: string; time: number }[];
}

function track(routes: Record<string, Reply[]>, method: LroMethod = 'PUT', options: Parameters<typeof trackOperation>[1] = {}): Outcome {
  const scheduler = testScheduler();
  const outcome: Outcome = { snapshots: [], sent: [] };
  scheduler.run((helpers) => {
    const double = httpDouble(scheduler, helpers, routes);
    outcome.sent = double.sent;
    trackOperation({ method, url: RESOURCE }, { http: double.http, ...options }).subscribe({
      next: (s) => outcome.snapshots.push(s),
      error: (e) => {
        outcome.error = e;
        outcome.endedAt = scheduler.now();
      },
      complete: () => {
        outcome.endedAt = scheduler.now();
      },
    });
  });
  return outcome;
}

const accepted = (headers: Record<string, string>): Reply => ({
  status: 201,
  headers,
  body: { properties: { provisioningState: 'Accepted' } },
});

describe('R7 T3 absurd headers', () => {
  it('R7 a 100 KB polling header is a ProtocolError at once, never requested', () => {
    const huge = `${ARM}/operations/${'a'.repeat(100 * 1024)}`;
    const outcome = track({ [RESOURCE]: [accepted({ 'Azure-AsyncOperation': huge })] });
    expect(outcome.error).toMatchObject({ name: 'ProtocolError', rule: 'R7' });
    expect(outcome.sent).toHaveLength(1);
    expect(outcome.endedAt).toBe(100);
  });

  it('T3 a 100 KB Retry-After falls back to the delay policy', () => {
    const outcome = track(
      {
        [RESOURCE]: [accepted({ 'Azure-AsyncOperation': MONITOR, 'Retry-After': '9'.repeat(100 * 1024) })],
        [MONITOR]: [{ status: 200, body: { status: 'Succeeded' } }],
      },
      'PUT',
      { maxDelayMs: 60_000 },
    );
    // 10^(100k) seconds is not a finite number: the policy's first delay (1 s) applies.
    expect(outcome.sent[1]!.time).toBe(100 + 1000);
  });

  for (const [value, expected] of [
    ['1000000000000', 600_000],
    ['1e12', 1000],
    ['-5', 1000],
    ['0x10', 1000],
    ['Infinity', 1000],
  ] as const) {
    it(`T3 Retry-After ${JSON.stringify(value)} waits ${expected} ms (clamped to the ceiling or the policy's)`, () => {
      const outcome = track({
        [RESOURCE]: [accepted({ 'Azure-AsyncOperation': MONITOR, 'Retry-After': value })],
        [MONITOR]: [{ status: 200, body: { status: 'Succeeded' } }],
      });
      expect(outcome.sent[1]!.time - 100).toBe(expected);
    });
  }
});

describe('R9 R10 R11 S4 bodies of the wrong shape', () => {
  it('R9 a status that is an object is a ProtocolError carrying the body', () => {
    const body = { status: { value: 'Succeeded' } };
    const outcome = track({ [RESOURCE]: [accepted({ 'Azure-AsyncOperation': MONITOR })], [MONITOR]: [{ status: 200, body }] });
    expect(outcome.error).toMatchObject({ name: 'ProtocolError', rule: 'R9', body });
  });

  it('R10 R11 wrongly typed optional fields are dropped; an error that is a string still fails with code Unknown', () => {
    const outcome = track({
      [RESOURCE]: [accepted({ 'Azure-AsyncOperation': MONITOR })],
      [MONITOR]: [
        { status: 200, headers: { 'Retry-After': '1' }, body: { status: 'Running', percentComplete: '50', startTime: 7, name: ['x'] } },
        { status: 200, body: { status: 'Failed', error: 'it broke' } },
      ],
    });
    expect(outcome.error).toBeUndefined();
    expect(outcome.snapshots[1]).not.toHaveProperty('percentComplete');
    expect(outcome.snapshots.at(-1)).toMatchObject({ state: 'failed', error: { code: 'Unknown' } });
  });

  it('S4 a __proto__ key in a result never reaches a prototype', () => {
    const result = JSON.parse('{"name":"app1","__proto__":{"polluted":true},"properties":{"constructor":{"prototype":{"bad":1}}}}');
    const outcome = track({ [RESOURCE]: [{ status: 200, body: result }] });
    expect(outcome.snapshots.at(-1)!.state).toBe('succeeded');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['bad']).toBeUndefined();
  });
});

describe('F1 a 100 KB response header over real HTTP', () => {
  let server: Server;
  let base = '';
  let polls = 0;
  beforeAll(async () => {
    server = createServer({ maxHeaderSize: 1024 * 1024 }, (req, res) => {
      if (req.method === 'PUT') {
        res.writeHead(201, { 'Azure-AsyncOperation': `${base}/op`, 'Content-Type': 'application/json' });
        res.end('{}');
        return;
      }
      polls += 1;
      res.writeHead(200, { 'X-Padding': 'p'.repeat(100 * 1024), 'Content-Type': 'application/json' });
      res.end('{"status":"Succeeded"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  for (const [name, http] of [
    ['cross-fetch', fetchHttpClient(crossFetch as unknown as FetchLike)],
    ['the global fetch', fetchHttpClient(globalThis.fetch as unknown as FetchLike)],
  ] as const) {
    it(`F1 with ${name}: the transport refuses it, retried, then a NetworkError`, async () => {
      polls = 0;
      const options = { delay: 1, retry: { maxRetries: 2, baseDelayMs: 5, jitter: 0 }, http };
      const error = await lastValueFrom(trackOperation({ method: 'PUT', url: `${base}/things/1` }, options).pipe(toArray())).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ name: 'NetworkError', method: 'GET' });
      expect(polls).toBe(3);
    });
  }
});
