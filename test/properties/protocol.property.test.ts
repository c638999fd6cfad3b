// Property-based tests of the pure protocol core (fast-check): parsers and policies hold their bounds
// for any input at all.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantDelay, defaultDelay, exponentialBackoff } from '../../src/protocol/delay';
import { nextDelayMs, retryDelayMs } from '../../src/protocol/delay';
import { parseJson } from '../../src/protocol/json';
import { retryAfterMs } from '../../src/protocol/retry-after';
import { classifyStatus, statusTable } from '../../src/protocol/status';
import { resolveUrl, withApiVersion } from '../../src/protocol/url';
import { readResumeToken } from '../../src/protocol/resume-token';

const RUNS = 1000;
const NOW = Date.UTC(2026, 10, 23);
const retryAfterValue = fc.oneof(
  fc.string(),
  fc.integer().map(String),
  fc.double().map(String),
  fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
  fc.constantFrom('-1', '1e400', ' 5 ', '0x10', '٣'),
);
const headerSet = fc.record(
  { 'retry-after': retryAfterValue, 'retry-after-ms': retryAfterValue, 'x-ms-retry-after-ms': retryAfterValue, date: retryAfterValue },
  { requiredKeys: [] },
);
const response = fc.record({ status: fc.integer({ min: 100, max: 599 }), headers: headerSet });

describe('properties of the protocol core (fast-check)', () => {
  it(`T1 T3 Retry-After parsing: any header values give undefined or a finite number >= 0 (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(headerSet, fc.integer({ min: 0, max: 4_102_444_800_000 }), (headers, now) => {
        const ms = retryAfterMs(headers, now);
        if (ms !== undefined) expect(Number.isFinite(ms) && ms >= 0).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it(`T2 T3 T4 the delay between polls stays within [minDelayMs, maxDelayMs] for any response and policy (${RUNS} cases)`, () => {
    const policy = fc.oneof(
      fc.constant(defaultDelay),
      fc.integer({ min: 0, max: 10_000 }).map((ms) => constantDelay(ms)),
      fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 100_000 })).map(([base, cap]) => exponentialBackoff(base, cap)),
      fc.constantFrom(
        () => Number.NaN,
        () => -5,
        () => Number.POSITIVE_INFINITY,
        () => 1e300,
      ),
    );
    fc.assert(
      fc.property(
        response,
        policy,
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 5_000 }),
        fc.integer({ min: 5_000, max: 600_000 }),
        fc.constantFrom<'honor' | 'ignore'>('honor', 'ignore'),
        (res, delay, polls, min, max, retryAfter) => {
          const ms = nextDelayMs({ delay, retryAfter, minDelayMs: min, maxDelayMs: max }, { polls, response: res }, NOW);
          expect(Number.isFinite(ms)).toBe(true);
          expect(ms).toBeGreaterThanOrEqual(min);
          expect(ms).toBeLessThanOrEqual(max);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`F1 the retry backoff stays within [0, ceiling] for any attempt, response and random (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(
        fc.record({
          maxRetries: fc.integer({ min: 0, max: 100 }),
          baseDelayMs: fc.integer({ min: 0, max: 60_000 }),
          maxDelayMs: fc.integer({ min: 0, max: 600_000 }),
          jitter: fc.double({ min: 0, max: 1, noNaN: true }),
        }),
        fc.integer({ min: 0, max: 1000 }),
        fc.option(response, { nil: undefined }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 600_000 }),
        (retry, attempt, res, random, ceiling) => {
          const ms = retryDelayMs(retry, attempt, res, random, NOW, ceiling);
          expect(Number.isFinite(ms)).toBe(true);
          expect(ms).toBeGreaterThanOrEqual(0);
          expect(ms).toBeLessThanOrEqual(ceiling);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`R12 status: only the exact terminal words (any case) are terminal; anything else, containing them or not, is running (${RUNS} cases)`, () => {
    const table = statusTable();
    const terminal = ['succeeded', 'failed', 'canceled', 'cancelled'];
    fc.assert(
      fc.property(
        fc.string(),
        fc.constantFrom('Succeeded', 'Failed', 'Canceled', 'Cancelled'),
        fc.string({ minLength: 1 }),
        (random, word, noise) => {
          expect(classifyStatus(random, table) === 'running').toBe(!terminal.includes(random.toLowerCase()));
          // A terminal word inside a longer value (failover-in-progress, SucceededNot) is no match.
          for (const value of [`${noise}${word}`, `${word}${noise}`]) {
            if (!terminal.includes(value.toLowerCase())) expect(classifyStatus(value, table)).toBe('running');
          }
          expect(classifyStatus(word.toUpperCase(), table)).not.toBe('running');
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`R7 R15 S2 URLs: resolveUrl never throws and gives an absolute http(s) URL or nothing; api-version is added once, never replaced (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.webUrl(), fc.webPath()),
        fc.webUrl({ withQueryParameters: true }),
        fc.stringMatching(/^[0-9a-z-]{1,12}$/),
        (value, base, version) => {
          const url = resolveUrl(value, base);
          if (url === undefined) return;
          expect(/^https?:\/\//i.test(url)).toBe(true);
          const versioned = withApiVersion(url, version);
          expect(new URL(versioned).searchParams.getAll('api-version').length).toBeGreaterThanOrEqual(1);
          expect(withApiVersion(versioned, 'other')).toBe(versioned);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`S4 JSON parsing: no input, however hostile, pollutes a prototype or yields a __proto__ key (${RUNS} cases)`, () => {
    const hostile = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc
        .tuple(fc.jsonValue(), fc.constantFrom('__proto__', 'constructor', 'prototype', '\\u005f_proto__'))
        .map(([v, key]) => `{"${key}":{"polluted":true,"prototype":{"polluted":true}},"v":${JSON.stringify(v)}}`),
      fc.string(),
    );
    fc.assert(
      fc.property(hostile, (text) => {
        const parsed = parseJson(text);
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
        expect((Object.prototype as unknown as Record<string, unknown>)['polluted']).toBeUndefined();
        if (!parsed.ok) return;
        const walk = (value: unknown): void => {
          if (typeof value !== 'object' || value === null) return;
          for (const key of Object.keys(value)) {
            expect(['__proto__', 'constructor', 'prototype']).not.toContain(key);
            walk((value as Record<string, unknown>)[key]);
          }
        };
        walk(parsed.value);
      }),
      { numRuns: RUNS },
    );
  });

  it(`S3 resume tokens: any JSON value is either a valid token or a ProtocolError (rule S3), never a throw (${RUNS} cases)`, () => {
    const tokenish = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          v: fc.constantFrom(1, 2, '1'),
          method: fc.constantFrom('PUT', 'POST', 'GET', 'DELETE'),
          url: fc.oneof(fc.webUrl(), fc.string()),
          mode: fc.constantFrom('status', 'location', 'body', 'none', 'x'),
          pollUrl: fc.oneof(fc.webUrl(), fc.integer()),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(tokenish, (value) => {
        const token = readResumeToken(value);
        if ('v' in token) expect(token.v).toBe(1);
        else expect(token).toMatchObject({ name: 'ProtocolError', rule: 'S3' });
      }),
      { numRuns: RUNS },
    );
  });
});
