import { describe, expect, it } from 'vitest';
import type { Fault } from '../../src/testing/index';
import { API, DEPLOYMENT, STORAGE, VM, send, statusOf, useSimulator } from './helpers';

const sim = useSimulator();
const START = `${VM}/start`;

/** Starts a POST whose monitor stays running for `polls` polls, and returns its monitor URL. */
async function startPost(faults: Fault[], polls = 10): Promise<string> {
  sim().define(START, { polls, faults });
  const initial = await send(`${sim().url}${START}?${API}`, { method: 'POST' });
  expect(initial.status).toBe(202);
  return initial.headers.get('azure-asyncoperation') as string;
}

/** The outcome of one request: its status, or 'reset' when the connection dropped. */
async function attempt(url: string, init: RequestInit = {}): Promise<number | 'reset'> {
  try {
    const res = await fetch(url, init);
    await res.text();
    return res.status;
  } catch {
    return 'reset';
  }
}

describe('HTTP status faults', () => {
  it.each([500, 502, 503, 504, 408])('%s on poll 2 only, with an ARM error body', async (status) => {
    const monitor = await startPost([{ on: 'poll', nth: 2, kind: status }]);
    const answers = [await send(monitor), await send(monitor), await send(monitor)];
    expect(answers.map((a) => a.status)).toEqual([200, status, 200]);
    expect(answers[1]?.headers.get('content-type')).toBe('application/json');
    expect(answers[1]?.json).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
    expect(statusOf(answers[2]!)).toBe('InProgress');
    const polls = sim().requests.filter((r) => r.kind === 'poll');
    expect(polls.map((r) => r.fault)).toEqual([undefined, status, undefined]);
    expect(polls.map((r) => r.status)).toEqual([200, status, 200]);
  });

  it('429 carries Retry-After (1 s by default, or the one given)', async () => {
    const monitor = await startPost([
      { on: 'poll', nth: 1, kind: 429 },
      { on: 'poll', nth: 2, kind: 429, retryAfter: { form: 'ms', value: 250 } },
    ]);
    const first = await send(monitor);
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('1');
    expect(first.json).toMatchObject({ error: { code: 'TooManyRequests' } });
    const second = await send(monitor);
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after-ms')).toBe('250');
    expect((await send(monitor)).status).toBe(200);
  });

  it('a custom error body and count: 503 on polls 2–4, with a given error', async () => {
    const error = { code: 'Busy', message: 'come back later' };
    const monitor = await startPost([{ on: 'poll', nth: 2, count: 3, kind: 503, error }]);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await send(monitor)).status);
    expect(statuses).toEqual([200, 503, 503, 503, 200]);
    expect(sim().requests.filter((r) => r.status === 503)).toHaveLength(3);
  });

  it('503 on the initial request: no operation is created, and the retried request starts it', async () => {
    sim().define(DEPLOYMENT, { polls: 1, faults: [{ on: 'initial', kind: 503 }] });
    const first = await send(`${sim().url}${DEPLOYMENT}?${API}`, { method: 'PUT' });
    expect(first.status).toBe(503);
    expect(first.headers.get('azure-asyncoperation')).toBeNull();
    expect((await send(`${sim().url}${DEPLOYMENT}?${API}`)).status).toBe(404);
    const second = await send(`${sim().url}${DEPLOYMENT}?${API}`, { method: 'PUT' });
    expect(second.status).toBe(201);
    const initials = sim().requests.filter((r) => r.kind === 'initial');
    expect(initials.map((r) => [r.status, r.fault, r.operationId === undefined])).toEqual([
      [503, 503, true],
      [201, undefined, false],
    ]);
  });

  it('a fault on the n-th initial request spares the earlier ones', async () => {
    sim().define(`${VM}/restart`, { faults: [{ on: 'initial', nth: 2, kind: 500 }] });
    const url = `${sim().url}${VM}/restart?${API}`;
    expect([
      await attempt(url, { method: 'POST' }),
      await attempt(url, { method: 'POST' }),
      await attempt(url, { method: 'POST' }),
    ]).toEqual([202, 500, 202]);
  });

  it('500 on the final GET only', async () => {
    sim().define(DEPLOYMENT, { polls: 1, faults: [{ on: 'final', kind: 500 }] });
    const initial = await send(`${sim().url}${DEPLOYMENT}?${API}`, { method: 'PUT' });
    const monitor = await send(initial.headers.get('azure-asyncoperation') as string);
    expect(monitor.status).toBe(200);
    const first = await send(`${sim().url}${DEPLOYMENT}?${API}`);
    const second = await send(`${sim().url}${DEPLOYMENT}?${API}`);
    expect([first.status, second.status]).toEqual([500, 200]);
    expect(
      sim()
        .requests.filter((r) => r.kind === 'final')
        .map((r) => r.status),
    ).toEqual([500, 200]);
  });
});

describe('connection faults', () => {
  it('reset on poll 2: the connection drops without an answer; polls 1 and 3 are normal', async () => {
    const monitor = await startPost([{ on: 'poll', nth: 2, kind: 'reset' }]);
    expect([await attempt(monitor), await attempt(monitor), await attempt(monitor)]).toEqual([200, 'reset', 200]);
    const polls = sim().requests.filter((r) => r.kind === 'poll');
    expect(polls.map((r) => r.status)).toEqual([200, undefined, 200]);
    expect(polls[1]?.fault).toBe('reset');
  });

  it('reset on the initial request: no operation is created', async () => {
    sim().define(DEPLOYMENT, { faults: [{ on: 'initial', kind: 'reset' }] });
    expect(await attempt(`${sim().url}${DEPLOYMENT}?${API}`, { method: 'PUT', body: '{}' })).toBe('reset');
    expect((await send(`${sim().url}${DEPLOYMENT}?${API}`)).status).toBe(404);
    expect(await attempt(`${sim().url}${DEPLOYMENT}?${API}`, { method: 'PUT', body: '{}' })).toBe(201);
  });

  it('reset-mid-body: the status and headers arrive, the body breaks off; only on the chosen poll', async () => {
    const monitor = await startPost([{ on: 'poll', nth: 2, kind: 'reset-mid-body' }]);
    expect((await send(monitor)).status).toBe(200);
    const res = await fetch(monitor);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    await expect(res.text()).rejects.toThrow();
    expect((await send(monitor)).status).toBe(200);
  });

  it('reset-mid-body on the initial POST: the operation exists although the client never heard', async () => {
    sim().define(START, { faults: [{ on: 'initial', kind: 'reset-mid-body' }] });
    const res = await fetch(`${sim().url}${START}?${API}`, { method: 'POST' });
    expect(res.status).toBe(202);
    await expect(res.text()).rejects.toThrow();
    expect(sim().requests[0]?.operationId).toEqual(expect.any(String));
  });

  it('slow: the chosen poll answers normally after delayMs, the next one at once', async () => {
    // A delay far above a loaded machine's answer time, so that "at once" has room: the next poll
    // carries no fault and answers well within the slow one's delay.
    const SLOW_MS = 1_500;
    const monitor = await startPost([{ on: 'poll', nth: 1, kind: 'slow', delayMs: SLOW_MS }]);
    let t = performance.now();
    const slow = await send(monitor);
    const slowMs = performance.now() - t;
    t = performance.now();
    const fast = await send(monitor);
    const fastMs = performance.now() - t;
    expect(slow.status).toBe(200);
    expect(statusOf(slow)).toBe('InProgress');
    expect(slowMs).toBeGreaterThanOrEqual(SLOW_MS - 10);
    expect(
      sim()
        .requests.filter((r) => r.kind === 'poll')
        .map((r) => r.fault),
    ).toEqual(['slow', undefined]);
    expect(fastMs).toBeLessThan(SLOW_MS);
    expect(statusOf(fast)).toBe('InProgress');
  });
});

describe('body faults', () => {
  it('malformed-json: application/json with a truncated text, on the chosen poll only', async () => {
    const monitor = await startPost([{ on: 'poll', nth: 2, kind: 'malformed-json' }]);
    const answers = [await send(monitor), await send(monitor), await send(monitor)];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers[1]?.headers.get('content-type')).toBe('application/json');
    expect(answers[1]?.text.startsWith('{')).toBe(true);
    expect(() => JSON.parse(answers[1]?.text ?? '')).toThrow(SyntaxError);
    expect(answers[0]?.json).toBeDefined();
    expect(answers[2]?.json).toBeDefined();
  });

  it('oversized-json: valid JSON of about `bytes` bytes that keeps the monitor fields', async () => {
    const monitor = await startPost([{ on: 'poll', nth: 1, kind: 'oversized-json', bytes: 300_000 }]);
    const big = await send(monitor);
    expect(big.text.length).toBeGreaterThan(300_000);
    expect(big.json).toMatchObject({ status: 'InProgress' });
    expect(Number(big.headers.get('content-length'))).toBe(Buffer.byteLength(big.text));
    expect((await send(monitor)).text.length).toBeLessThan(1000);
  });

  it.each([
    ['missing-status', (body: Record<string, unknown>) => expect(body).not.toHaveProperty('status')],
    ['numeric-status', (body: Record<string, unknown>) => expect(body.status).toBe(1)],
    ['null-status', (body: Record<string, unknown>) => expect(body.status).toBeNull()],
  ] as const)('%s on poll 1 only', async (kind, check) => {
    const monitor = await startPost([{ on: 'poll', nth: 1, kind }]);
    const faulty = await send(monitor);
    expect(faulty.status).toBe(200);
    const body = faulty.json as Record<string, unknown>;
    check(body);
    expect(body).toHaveProperty('startTime');
    expect(statusOf(await send(monitor))).toBe('InProgress');
  });

  it('empty-body: a 200 with no body at all', async () => {
    const monitor = await startPost([{ on: 'poll', nth: 1, kind: 'empty-body' }]);
    const empty = await send(monitor);
    expect([empty.status, empty.text, empty.headers.get('content-type')]).toEqual([200, '', null]);
    expect(statusOf(await send(monitor))).toBe('InProgress');
  });
});

describe('other-origin', () => {
  it('on the initial response: the polling headers point at otherOriginUrl, which serves the same monitor', async () => {
    sim().define(START, { polls: 2, location: true, faults: [{ on: 'initial', kind: 'other-origin' }] });
    const initial = await send(`${sim().url}${START}?${API}`, { method: 'POST' });
    const monitor = initial.headers.get('azure-asyncoperation') as string;
    expect(sim().otherOriginUrl).not.toBe(sim().url);
    expect(new URL(sim().otherOriginUrl).origin).not.toBe(new URL(sim().url).origin);
    expect(monitor.startsWith(`${sim().otherOriginUrl}/`)).toBe(true);
    expect(initial.headers.get('location')?.startsWith(`${sim().otherOriginUrl}/`)).toBe(true);
    expect(statusOf(await send(monitor))).toBe('InProgress');
    expect(statusOf(await send(monitor))).toBe('Succeeded');
    expect(sim().requests.map((r) => r.listener)).toEqual(['main', 'other-origin', 'other-origin']);
    expect(sim().requests[1]?.kind).toBe('poll');
  });

  it('on poll 2: that answer carries a fresh polling header on the other origin; poll 1 has none', async () => {
    const monitor = await startPost([{ on: 'poll', nth: 2, kind: 'other-origin' }]);
    const first = await send(monitor);
    expect(first.headers.get('azure-asyncoperation')).toBeNull();
    const second = await send(monitor);
    const moved = second.headers.get('azure-asyncoperation') as string;
    expect(moved.startsWith(`${sim().otherOriginUrl}/`)).toBe(true);
    expect(new URL(moved).pathname).toBe(new URL(monitor).pathname);
    expect(statusOf(second)).toBe('InProgress');
  });

  it('on a Location poll: the running 202 points its Location at the other origin', async () => {
    sim().define(STORAGE, { pattern: 'location', polls: 3, faults: [{ on: 'poll', nth: 1, kind: 'other-origin' }] });
    const initial = await send(`${sim().url}${STORAGE}?${API}`, { method: 'PUT' });
    const location = initial.headers.get('location') as string;
    expect(location.startsWith(sim().url)).toBe(true);
    const moved = await send(location);
    expect(moved.status).toBe(202);
    expect(moved.headers.get('location')?.startsWith(sim().otherOriginUrl)).toBe(true);
    expect((await send(moved.headers.get('location') as string)).status).toBe(202);
  });
});

describe('404 after DELETE', () => {
  it('gone on poll 2 of a DELETE: 404 from then on (monitor, Location and the resource), never before', async () => {
    sim().define(VM, { polls: 10, location: true, faults: [{ on: 'poll', nth: 2, kind: 'gone' }] });
    const initial = await send(`${sim().url}${VM}?${API}`, { method: 'DELETE' });
    const monitor = initial.headers.get('azure-asyncoperation') as string;
    const location = initial.headers.get('location') as string;
    const before = await send(`${sim().url}${VM}?${API}`);
    expect(before.status).toBe(200);
    const statuses = [
      (await send(monitor)).status,
      (await send(monitor)).status,
      (await send(location)).status,
      (await send(monitor)).status,
    ];
    expect(statuses).toEqual([200, 404, 404, 404]);
    const gone = await send(monitor);
    expect(gone.json).toMatchObject({ error: { code: 'ResourceNotFound' } });
    expect((await send(`${sim().url}${VM}?${API}`)).status).toBe(404);
  });

  it('gone on the Location poll of a location-pattern DELETE', async () => {
    sim().define(VM, { pattern: 'location', polls: 10, faults: [{ on: 'poll', nth: 1, kind: 'gone' }] });
    const initial = await send(`${sim().url}${VM}?${API}`, { method: 'DELETE' });
    const answer = await send(initial.headers.get('location') as string);
    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({ error: { code: 'ResourceNotFound', message: expect.any(String) } });
    expect(sim().requests[1]?.fault).toBe('gone');
  });

  it('a plain 404 on the final GET is not sticky', async () => {
    sim().define(DEPLOYMENT, { polls: 1, faults: [{ on: 'final', kind: 404 }] });
    const initial = await send(`${sim().url}${DEPLOYMENT}?${API}`, { method: 'PUT' });
    await send(initial.headers.get('azure-asyncoperation') as string);
    expect([(await send(`${sim().url}${DEPLOYMENT}?${API}`)).status, (await send(`${sim().url}${DEPLOYMENT}?${API}`)).status]).toEqual([
      404, 200,
    ]);
  });
});
