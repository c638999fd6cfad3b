import { describe, expect, it } from 'vitest';
import { constantDelay, defaultDelay, exponentialBackoff, nextDelayMs, retryDelayMs, type DelaySettings } from '../../src/protocol/delay';
import type { HttpResponse } from '../../src/protocol/http-response';

const response = (headers: Record<string, string> = {}): HttpResponse => ({ status: 202, headers });
const settings = (patch: Partial<DelaySettings> = {}): DelaySettings => ({
  delay: defaultDelay,
  retryAfter: 'honor',
  minDelayMs: 0,
  maxDelayMs: 600_000,
  ...patch,
});

describe('T2 default delay policy', () => {
  it('T2 backs off 1 s, 2 s, 4 s, … capped at 30 s', () => {
    const waits = Array.from({ length: 8 }, (_, polls) => nextDelayMs(settings(), { polls, response: response() }, 0));
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });
  it('T2 stays finite after thousands of polls', () => {
    expect(defaultDelay({ polls: 5000, response: response() })).toBe(30_000);
  });
  it('T2 the policy is an option: constant and custom backoff', () => {
    expect(nextDelayMs(settings({ delay: constantDelay(250) }), { polls: 7, response: response() }, 0)).toBe(250);
    const backoff = exponentialBackoff(100, 350);
    expect([0, 1, 2, 3].map((polls) => backoff({ polls, response: response() }))).toEqual([100, 200, 350, 350]);
  });
  it('T2 a policy that returns garbage falls back to the default', () => {
    for (const bad of [NaN, -1, Infinity, '5' as unknown as number]) {
      expect(nextDelayMs(settings({ delay: () => bad }), { polls: 1, response: response() }, 0)).toBe(2000);
    }
  });
});

describe('T1/T3/T4 Retry-After against the policy', () => {
  it('T1 Retry-After wins over the policy', () => {
    expect(nextDelayMs(settings(), { polls: 3, response: response({ 'retry-after': '17' }) }, 0)).toBe(17_000);
  });
  it('T3 a Retry-After above the ceiling is clamped to it (10 minutes by default)', () => {
    expect(nextDelayMs(settings(), { polls: 0, response: response({ 'retry-after': '1000000000000' }) }, 0)).toBe(600_000);
  });
  it('T3 a negative or malformed Retry-After falls back to the policy', () => {
    expect(nextDelayMs(settings(), { polls: 2, response: response({ 'retry-after': '-3' }) }, 0)).toBe(4000);
    expect(nextDelayMs(settings(), { polls: 2, response: response({ 'retry-after': 'later' }) }, 0)).toBe(4000);
  });
  it("T4 retryAfter: 'ignore' uses the policy only", () => {
    const s = settings({ retryAfter: 'ignore', delay: constantDelay(500) });
    expect(nextDelayMs(s, { polls: 0, response: response({ 'retry-after': '17' }) }, 0)).toBe(500);
  });
  it('T4 minDelayMs and maxDelayMs bound the server and the policy', () => {
    const s = settings({ minDelayMs: 2000, maxDelayMs: 5000 });
    expect(nextDelayMs(s, { polls: 0, response: response({ 'retry-after': '0' }) }, 0)).toBe(2000);
    expect(nextDelayMs(s, { polls: 0, response: response({ 'retry-after': '60' }) }, 0)).toBe(5000);
    expect(nextDelayMs(s, { polls: 9, response: response() }, 0)).toBe(5000);
  });
});

describe('F1 retry backoff', () => {
  const retry = { baseDelayMs: 1000, maxDelayMs: 8000, jitter: 0 };
  it('F1 doubles per attempt up to its cap', () => {
    expect([0, 1, 2, 3, 4].map((a) => retryDelayMs(retry, a, undefined, 0.5, 0, 600_000))).toEqual([1000, 2000, 4000, 8000, 8000]);
  });
  it("F1 honours a transient response's Retry-After", () => {
    expect(retryDelayMs(retry, 0, response({ 'retry-after': '7' }), 0.5, 0, 600_000)).toBe(7000);
  });
  it('F1 jitter spreads the wait within ±jitter', () => {
    const jittered = { ...retry, jitter: 0.2 };
    expect(retryDelayMs(jittered, 0, undefined, 0, 0, 600_000)).toBe(800);
    expect(retryDelayMs(jittered, 0, undefined, 0.999999, 0, 600_000)).toBeCloseTo(1200, 0);
  });
});
