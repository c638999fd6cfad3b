import { describe, expect, it } from 'vitest';
import type { RetryAfter } from '../../src/testing/index';
import { retryAfterHeader } from '../../src/testing/retry-after';
import { API, STORAGE, VM, send, useSimulator } from './helpers';

const sim = useSimulator();
const HINT_HEADERS = ['retry-after', 'retry-after-ms', 'x-ms-retry-after-ms'];

function hints(headers: Headers): Record<string, string> {
  const found: Record<string, string> = {};
  for (const name of HINT_HEADERS) {
    const value = headers.get(name);
    if (value !== null) found[name] = value;
  }
  return found;
}

describe('Retry-After forms on the initial response and on every running poll, none when terminal', () => {
  it.each([
    ['integer seconds', 2, { 'retry-after': '2' }],
    ['decimal seconds', { form: 'seconds', value: 1.5 }, { 'retry-after': '1.5' }],
    ['retry-after-ms', { form: 'ms', value: 250 }, { 'retry-after-ms': '250' }],
    ['x-ms-retry-after-ms', { form: 'x-ms', value: 40 }, { 'x-ms-retry-after-ms': '40' }],
    ['raw nonsense', { form: 'raw', value: 'soon' }, { 'retry-after': 'soon' }],
    ['none', { form: 'none' }, {}],
  ] as [string, RetryAfter | number, Record<string, string>][])('%s', async (_name, retryAfter, expected) => {
    sim().define(`${VM}/start`, { polls: 3, retryAfter });
    const initial = await send(`${sim().url}${VM}/start?${API}`, { method: 'POST' });
    expect(hints(initial.headers)).toEqual(expected);
    const monitor = initial.headers.get('azure-asyncoperation') as string;
    const polls = [await send(monitor), await send(monitor), await send(monitor)];
    expect(polls.map((p) => hints(p.headers))).toEqual([expected, expected, {}]);
  });

  it('http-date: an IMF-fixdate `value` seconds ahead (rounded up, never early)', async () => {
    sim().define(`${VM}/start`, { polls: 2, retryAfter: { form: 'http-date', value: 3 } });
    const before = Date.now();
    const initial = await send(`${sim().url}${VM}/start?${API}`, { method: 'POST' });
    const header = initial.headers.get('retry-after') as string;
    expect(header).toMatch(
      /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/,
    );
    // The simulator dated it between `before` and `after`, 3 s ahead rounded up to the second.
    const after = Date.now();
    const date = Date.parse(header);
    expect(date).toBeGreaterThanOrEqual(before + 3000 - 1000);
    expect(date).toBeLessThanOrEqual(after + 3000 + 1000);
    const poll = await send(initial.headers.get('azure-asyncoperation') as string);
    expect(poll.headers.get('retry-after')).toMatch(/GMT$/);
  });

  it('location pattern: the 202 polls carry it; provisioning-state pattern: the running GETs carry it', async () => {
    sim().define(STORAGE, { pattern: 'location', polls: 2, retryAfter: { form: 'x-ms', value: 10 } });
    sim().define(`${STORAGE}2`, { pattern: 'provisioning-state', polls: 2, retryAfter: 1 });
    const a = await send(`${sim().url}${STORAGE}?${API}`, { method: 'PUT' });
    const location = a.headers.get('location') as string;
    expect([hints((await send(location)).headers), hints((await send(location)).headers)]).toEqual([{ 'x-ms-retry-after-ms': '10' }, {}]);
    const b = await send(`${sim().url}${STORAGE}2?${API}`, { method: 'PUT' });
    expect(b.headers.get('retry-after')).toBe('1');
    const running = await send(`${sim().url}${STORAGE}2?${API}`);
    const done = await send(`${sim().url}${STORAGE}2?${API}`);
    expect([running.headers.get('retry-after'), done.headers.get('retry-after')]).toEqual(['1', null]);
  });
});

describe('retryAfterHeader', () => {
  it('writes past dates too (a client must treat them as 0) and rounds a date up to the next second', () => {
    const now = Date.UTC(2024, 0, 1, 12, 0, 0, 400);
    expect(retryAfterHeader({ form: 'http-date', value: -10 }, now)).toEqual(['Retry-After', 'Mon, 01 Jan 2024 11:59:51 GMT']);
    expect(retryAfterHeader({ form: 'http-date', value: 1 }, now)).toEqual(['Retry-After', 'Mon, 01 Jan 2024 12:00:02 GMT']);
    expect(retryAfterHeader({ form: 'none' }, now)).toBeUndefined();
  });
});
