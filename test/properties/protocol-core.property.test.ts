// Property-based tests of the pure protocol core (fast-check, RUNS cases each): the Retry-After
// parser, the delay policies, status classification, URL resolution, the JSON reader, and the steps
// startOperation / pollResponse / finalResponse decide, for any input at all.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLroError } from '../../src/index';
import { resolveOptions, type PollOptions } from '../../src/options';
import { constantDelay, defaultDelay, exponentialBackoff, nextDelayMs, retryDelayMs, type DelayPolicy } from '../../src/protocol/delay';
import type { HttpResponse } from '../../src/protocol/http-response';
import { parseJson } from '../../src/protocol/json';
import { redactor } from '../../src/protocol/redact';
import { finalResponse, pollResponse, startOperation, type Step, type TrackState } from '../../src/protocol/operation';
import { retryAfterMs } from '../../src/protocol/retry-after';
import { classifyStatus, statusTable } from '../../src/protocol/status';
import { MAX_URL_LENGTH, resolveUrl, withApiVersion } from '../../src/protocol/url';
import {
  CUSTOM_TERMINALS,
  NEAR_MISSES,
  ORIGIN,
  RESOURCE_PATH,
  RUNS,
  TERMINAL_WORDS,
  bodySpec,
  materializeReply,
  materializeRetryAfter,
  method,
  reply,
  retryAfterCase,
  statusWord,
  url,
  type OptionsSpec,
} from './lro-arbitraries';

/** The longest delay a JavaScript timer honours (setTimeout/setInterval fire at once above it). */
const MAX_TIMER_MS = 2 ** 31 - 1;
const RESOURCE = `${ORIGIN}${RESOURCE_PATH}`;

// ---- arbitrary header values ------------------------------------------------------------------------

const headerValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.integer().map(String),
  fc.double().map(String),
  fc.bigInt({ min: 0n, max: 10n ** 400n }).map(String),
  fc.tuple(fc.nat({ max: 999_999 }), fc.nat({ max: 999_999 })).map(([a, b]) => `${a}.${b}`),
  fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
  fc.date({ noInvalidDate: true, min: new Date(-8.64e15), max: new Date(8.64e15) }).map((d) => d.toUTCString()),
  fc.constantFrom(
    '-1',
    '1e400',
    '99999999999999999999',
    'Fri, 31 Dec 9999 23:59:59 GMT',
    'Sunday, 06-Nov-94 08:49:37 GMT',
    'Sun Nov  6 08:49:37 1994',
    'Mon, 99 Jan 2026 99:99:99 GMT',
    ' 5 ',
    '\u0665',
    `${'9'.repeat(309)}`,
    `0.${'0'.repeat(400)}1`,
  ),
);

const headers: fc.Arbitrary<Record<string, string>> = fc.record(
  { 'retry-after': headerValue, 'retry-after-ms': headerValue, 'x-ms-retry-after-ms': headerValue, date: headerValue },
  { requiredKeys: [] },
);

const nowMs = fc.oneof(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.constantFrom(-8.64e15, 8.64e15, 0));

const policy: fc.Arbitrary<DelayPolicy> = fc.oneof(
  fc.constant(defaultDelay),
  fc.integer({ min: 0, max: 100_000 }).map((ms) => constantDelay(ms)),
  fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 1_000_000 })).map(([base, cap]) => exponentialBackoff(base, cap)),
  fc.constantFrom<DelayPolicy>(
    () => Number.NaN,
    () => -5,
    () => Number.POSITIVE_INFINITY,
    () => 1e300,
    () => '7' as unknown as number,
  ),
);

const bounds = fc
  .tuple(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 600_000 }))
  .map(([a, b]) => ({ minDelayMs: Math.min(a, b), maxDelayMs: Math.max(a, b) }));

describe('properties of the protocol core (fast-check)', () => {
  it(`T1 T3 Retry-After parsing: any header values give no wait or a finite wait >= 0, and every wait built on it stays within its ceiling (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(
        headers,
        nowMs,
        policy,
        bounds,
        fc.integer({ min: 0, max: 100 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (h, now, delay, { minDelayMs, maxDelayMs }, attempt, random) => {
          const ms = retryAfterMs(h, now);
          if (ms !== undefined) {
            expect(Number.isFinite(ms)).toBe(true);
            expect(ms).toBeGreaterThanOrEqual(0);
          }
          const response: HttpResponse = { status: 202, headers: h };
          for (const retryAfter of ['honor', 'ignore'] as const) {
            const wait = nextDelayMs({ delay, retryAfter, minDelayMs, maxDelayMs }, { polls: attempt, response }, now);
            expect(Number.isFinite(wait)).toBe(true);
            expect(wait).toBeGreaterThanOrEqual(minDelayMs);
            expect(wait).toBeLessThanOrEqual(maxDelayMs);
          }
          // F1: a retry's backoff too, for every attempt the options allow (maxRetries <= 100).
          const backoff = retryDelayMs(
            { baseDelayMs: minDelayMs, maxDelayMs: 30_000, jitter: random },
            attempt,
            { status: 503, headers: h },
            random,
            now,
            maxDelayMs,
          );
          expect(Number.isFinite(backoff)).toBe(true);
          expect(backoff).toBeGreaterThanOrEqual(0);
          expect(backoff).toBeLessThanOrEqual(maxDelayMs);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`T1 Retry-After forms: seconds (integer or decimal), HTTP-dates (against the Date header or the clock, a past one is 0), retry-after-ms and x-ms-retry-after-ms first; unusable values give no wait (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(retryAfterCase, fc.integer({ min: 0, max: 4_102_444_800_000 }), (c, now) => {
        const { headers: h, means } = materializeRetryAfter(c, now);
        const ms = retryAfterMs(h, now);
        if (means === 'policy') expect(ms).toBeUndefined();
        else if (means !== 'any') expect(ms).toBe(means);
      }),
      { numRuns: RUNS },
    );
  });

  it(`T2 T3 T4 delay policies: the default backs off 1 s, 2 s, 4 s, … capped at 30 s; a usable Retry-After wins unless ignored; every wait is clamped to [minDelayMs, maxDelayMs] (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 100_000 }),
        retryAfterCase,
        fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: undefined }),
        bounds,
        fc.constantFrom<'honor' | 'ignore'>('honor', 'ignore'),
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        (polls, c, constant, { minDelayMs, maxDelayMs }, retryAfter, now) => {
          const response: HttpResponse = { status: 202, headers: {} };
          const t2 = defaultDelay({ polls, response });
          expect(t2).toBe(Math.min(1000 * 2 ** polls, 30_000));
          expect(t2).toBeGreaterThanOrEqual(1000);
          expect(t2).toBeLessThanOrEqual(30_000);
          if (polls > 0) expect(t2).toBeGreaterThanOrEqual(defaultDelay({ polls: polls - 1, response }));

          const { headers: h, means } = materializeRetryAfter(c, now);
          const delay = constant === undefined ? defaultDelay : constantDelay(constant);
          const policyMs = constant ?? t2;
          const wait = nextDelayMs({ delay, retryAfter, minDelayMs, maxDelayMs }, { polls, response: { status: 202, headers: h } }, now);
          const clamp = (ms: number): number => Math.min(Math.max(ms, minDelayMs), maxDelayMs);
          if (retryAfter === 'ignore' || means === 'policy') expect(wait).toBe(clamp(policyMs));
          else if (means === 'any') expect(wait >= minDelayMs && wait <= maxDelayMs).toBe(true);
          else expect(wait).toBe(clamp(means));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`T3 T5 no options resolveOptions accepts let a wait or a deadline overflow a JavaScript timer (${MAX_TIMER_MS} ms) (${RUNS} cases)`, () => {
    const duration = fc.oneof(
      fc.integer({ min: 0, max: 600_000 }),
      fc.double({ min: 0, max: 1e13, noNaN: true }),
      fc.constantFrom(MAX_TIMER_MS, MAX_TIMER_MS + 1, 3e9, 8.64e15, Number.MAX_VALUE, -1, Number.NaN, Number.POSITIVE_INFINITY),
    );
    fc.assert(
      fc.property(
        fc.record(
          { maxDelayMs: duration, timeoutMs: duration, requestTimeoutMs: duration, retryMaxDelayMs: duration },
          { requiredKeys: [] },
        ),
        fc.oneof(fc.integer({ min: 0, max: 10_000_000 }).map(String), fc.constantFrom('99999999999999999999', '3000000')),
        (o, retryAfterSeconds) => {
          const options: PollOptions = {
            http: () => {
              throw new Error('not used');
            },
          };
          if (o.maxDelayMs !== undefined) options.maxDelayMs = o.maxDelayMs;
          if (o.timeoutMs !== undefined) options.timeoutMs = o.timeoutMs;
          if (o.requestTimeoutMs !== undefined) options.requestTimeoutMs = o.requestTimeoutMs;
          if (o.retryMaxDelayMs !== undefined) options.retry = { maxDelayMs: o.retryMaxDelayMs };
          let resolved: ReturnType<typeof resolveOptions>;
          try {
            resolved = resolveOptions(options);
          } catch (error) {
            // Refusing a value is fine: with a precise TypeError.
            expect(error).toBeInstanceOf(TypeError);
            return;
          }
          const response: HttpResponse = { status: 503, headers: { 'retry-after': retryAfterSeconds } };
          const poll = nextDelayMs(resolved.settings, { polls: 0, response }, 0);
          const retry = retryDelayMs(resolved.retry, 0, response, 0.5, 0, resolved.settings.maxDelayMs);
          const backoff = retryDelayMs(resolved.retry, 100, undefined, 0.999, 0, resolved.settings.maxDelayMs);
          for (const ms of [poll, retry, backoff, resolved.timeoutMs ?? 0, resolved.requestTimeoutMs ?? 0]) {
            expect(Number.isFinite(ms)).toBe(true);
            expect(ms).toBeGreaterThanOrEqual(0);
            expect(ms).toBeLessThanOrEqual(MAX_TIMER_MS);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`R12 status classification: exactly the terminal words (and the configured ones) in any case are terminal; anything else, containing them or not, is running (${RUNS} cases)`, () => {
    const oracle = (value: string, custom: boolean): string => {
      const lower = value.toLowerCase();
      if (lower === 'succeeded' || (custom && lower === 'completed')) return 'succeeded';
      if (lower === 'failed' || (custom && lower === 'broken')) return 'failed';
      if (lower === 'canceled' || lower === 'cancelled' || (custom && lower === 'aborted')) return 'canceled';
      return 'running';
    };
    const noise = fc.string({ minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(
        statusWord,
        fc.mixedCase(fc.constantFrom(...TERMINAL_WORDS, 'Completed', 'Broken', 'Aborted')),
        noise,
        noise,
        fc.boolean(),
        (value, word, before, after, custom) => {
          const table = statusTable(custom ? CUSTOM_TERMINALS : {});
          expect(classifyStatus(value, table)).toBe(oracle(value, custom));
          expect(classifyStatus(word, table)).toBe(oracle(word, custom));
          // Never a substring match: failover-in-progress is not a failure, SucceededWithWarnings not a success.
          for (const v of [`${before}${word}`, `${word}${after}`, `${before}${word}${after}`, ...NEAR_MISSES]) {
            expect(classifyStatus(v, table)).toBe(oracle(v, custom));
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`R7 R15 URLs: resolveUrl never throws and gives nothing or an absolute http(s) URL; relative paths stay on the base's origin; api-version is added once and never replaced (${RUNS} cases)`, () => {
    const value = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      url.map((u) => u.replaceAll('{o}', ORIGIN).replaceAll('{O}', ORIGIN.toUpperCase())),
      fc.constantFrom('a'.repeat(MAX_URL_LENGTH + 1), `https://x.example/${'a'.repeat(MAX_URL_LENGTH)}`),
      // Queries that are empty, end in a separator, or hold a '?' themselves.
      fc
        .constantFrom('?', '&', '?a=b?', '??', '?&', '?a=1&', '#f?', '?api-version=1', '?API-VERSION=1', '?api-version=', '?x=api-version')
        .map((q) => `${ORIGIN}/operations/op1${q}`),
    );
    const relativePath = fc
      .array(fc.stringMatching(/^[A-Za-z0-9._~-]{1,8}$/), { minLength: 1, maxLength: 4 })
      .map((segments) => segments.join('/'));
    const base = fc.oneof(
      fc.constant(RESOURCE),
      fc.webUrl({ validSchemes: ['https'], withQueryParameters: true }),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(value, relativePath, base, fc.stringMatching(/^[0-9a-z.-]{1,12}$/), (v, path, b, version) => {
        const resolved = resolveUrl(v, b);
        if (resolved !== undefined) {
          expect(/^https?:\/\//i.test(resolved)).toBe(true);
          // eslint-disable-next-line no-control-regex -- control characters are what this looks for
          expect(/[\s\x00-\x1f\x7f]/.test(resolved)).toBe(false);
          expect(resolved.length).toBeLessThanOrEqual(MAX_URL_LENGTH);
          expect(() => new URL(resolved)).not.toThrow();
          // An absolute URL is kept byte for byte (a SAS signature must not be re-encoded).
          if (/^https?:\/\/\S+$/i.test(v.trim()) && v.trim() === v) expect(resolved).toBe(v);
          const versioned = withApiVersion(resolved, version);
          const params = new URL(versioned).searchParams.getAll('api-version');
          const before = new URL(resolved).searchParams.getAll('api-version');
          if (before.length === 0) expect(params).toEqual([version]);
          else expect(versioned).toBe(resolved);
        }
        // A relative path resolves against the URL of the response that carried it.
        const relative = resolveUrl(path, RESOURCE);
        expect(relative).toBeDefined();
        expect(new URL(relative!).origin).toBe(ORIGIN);
        expect(relative).toBe(new URL(path, RESOURCE).href);
      }),
      { numRuns: RUNS },
    );
  });

  it(`S4 JSON parsing: no input pollutes a prototype; parsed objects are plain, with no __proto__, constructor or prototype keys however they are spelt (${RUNS} cases)`, () => {
    const poisonKey = fc.constantFrom('__proto__', 'constructor', 'prototype');
    // Any character of a key may be written as a \u escape.
    const spelt = (key: string) =>
      fc
        .array(fc.boolean(), { minLength: key.length, maxLength: key.length })
        .map((escape) => [...key].map((ch, i) => (escape[i] ? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}` : ch)).join(''));
    const hostile = fc.oneof(
      fc
        .tuple(poisonKey.chain(spelt), fc.jsonValue({ maxDepth: 2 }), fc.jsonValue({ maxDepth: 2 }))
        .map(
          ([key, a, b]) =>
            `{"${key}":{"polluted":true,"prototype":{"polluted":true},"v":${JSON.stringify(a)}},"status":"Succeeded","nested":[{"${key}":${JSON.stringify(b)}}]}`,
        ),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc.dictionary(fc.oneof(poisonKey, fc.string({ maxLength: 6 })), fc.jsonValue({ maxDepth: 1 })).map((d) => JSON.stringify(d)),
      fc.string({ maxLength: 30 }),
    );
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    fc.assert(
      fc.property(hostile, (text) => {
        const parsed = parseJson(text);
        let native: { ok: true; value: unknown } | { ok: false };
        try {
          native = { ok: true, value: JSON.parse(text) };
        } catch {
          native = { ok: false };
        }
        // Exactly the JSON texts parse.
        expect(parsed.ok).toBe(native.ok);
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
        expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
        if (!parsed.ok) return;
        const walk = (value: unknown): void => {
          if (typeof value !== 'object' || value === null) return;
          expect([Object.prototype, Array.prototype]).toContain(Object.getPrototypeOf(value));
          for (const key of Object.keys(value)) {
            expect(['__proto__', 'constructor', 'prototype']).not.toContain(key);
            walk((value as Record<string, unknown>)[key]);
          }
        };
        walk(parsed.value);
        // Without such keys, the value is what JSON.parse gives.
        if (!/__proto__|constructor|prototype|\\u/.test(text) && native.ok) expect(parsed.value).toStrictEqual(native.value);
      }),
      { numRuns: RUNS },
    );
  });

  it(`T6 R9 R12 R13 X6 the protocol core decides a consistent step for any response, and never mutates its inputs (${RUNS} cases)`, () => {
    const settingsSpec = fc.record({
      retryAfter: fc.constantFrom<'honor' | 'ignore'>('honor', 'ignore'),
      minDelayMs: fc.integer({ min: 0, max: 2000 }),
      maxDelayMs: fc.integer({ min: 2000, max: 600_000 }),
      delay: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: undefined }),
      deleteNotFound: fc.constantFrom<'succeeded' | 'error'>('succeeded', 'error'),
      finalStateVia: fc.option(
        fc.constantFrom<NonNullable<OptionsSpec['finalStateVia']>>(
          'azure-async-operation',
          'operation-location',
          'location',
          'original-uri',
        ),
        { nil: undefined },
      ),
      customTerminals: fc.boolean(),
    });
    const trackState = fc.record({
      method,
      mode: fc.constantFrom<'status' | 'location' | 'body'>('status', 'location', 'body'),
      pollUrl: fc.constantFrom(`${ORIGIN}/operations/op1?api-version=2024-01-01`, `${ORIGIN}/operationResults/r1`, RESOURCE),
      locationUrl: fc.option(fc.constant(`${ORIGIN}/operationResults/r1?api-version=2024-01-01`), { nil: undefined }),
      polls: fc.nat({ max: 50 }),
      status: statusWord,
    });
    const terminal = (status: string, custom: boolean): string => {
      const lower = status.toLowerCase();
      if (lower === 'succeeded' || (custom && lower === 'completed')) return 'succeeded';
      if (lower === 'failed' || (custom && lower === 'broken')) return 'failed';
      if (lower === 'canceled' || lower === 'cancelled' || (custom && lower === 'aborted')) return 'canceled';
      return 'running';
    };
    const transient = (code: number): boolean =>
      code === 408 || code === 429 || (code >= 500 && code <= 599 && code !== 501 && code !== 505);

    fc.assert(
      fc.property(method, reply, bodySpec, trackState, settingsSpec, fc.nat({ max: 4_000_000 }), (m, r, body, st, spec, now) => {
        const options: PollOptions = {
          retryAfter: spec.retryAfter,
          minDelayMs: spec.minDelayMs,
          maxDelayMs: spec.maxDelayMs,
          deleteNotFound: spec.deleteNotFound,
        };
        if (spec.delay !== undefined) options.delay = spec.delay;
        if (spec.finalStateVia !== undefined) options.finalStateVia = spec.finalStateVia;
        if (spec.customTerminals) options.terminalStates = CUSTOM_TERMINALS;
        const settings = resolveOptions(options).settings;
        const response = deepFreeze(materializeReply({ ...r, body }, now, ORIGIN).response);
        const state: TrackState = deepFreeze({
          token: {
            v: 1,
            method: st.method,
            url: RESOURCE,
            mode: st.mode,
            pollUrl: st.pollUrl,
            ...(st.locationUrl ? { locationUrl: st.locationUrl } : {}),
            apiVersion: '2024-01-01',
          },
          polls: st.polls,
          status: st.status,
        });

        const steps: [Step<unknown>, number][] = [
          [startOperation({ method: m, url: RESOURCE }, response, settings, now), 0],
          [pollResponse(state, response, settings, now), st.polls],
          [finalResponse(state, response, st.pollUrl, settings), st.polls],
        ];
        // Pure: the same input gives the same step.
        expect(JSON.stringify(startOperation({ method: m, url: RESOURCE }, response, settings, now))).toBe(JSON.stringify(steps[0]![0]));
        expect(JSON.stringify(pollResponse(state, response, settings, now))).toBe(JSON.stringify(steps[1]![0]));

        for (const [step, polls] of steps) {
          const { snapshot, next } = step;
          if (snapshot) {
            expect(snapshot.polls).toBe(polls);
            expect(snapshot.done).toBe(snapshot.state !== 'running');
            expect(snapshot.httpStatus).toBe(response.status);
          }
          switch (next.kind) {
            case 'poll':
              expect(snapshot?.state).toBe('running');
              expect(snapshot!.nextPollInMs).toBe(next.delayMs);
              expect(next.delayMs).toBeGreaterThanOrEqual(spec.minDelayMs);
              expect(next.delayMs).toBeLessThanOrEqual(spec.maxDelayMs);
              expect(resolveUrl(next.url, RESOURCE)).toBeDefined();
              expect(snapshot!.resumeToken.pollUrl).toBe(next.url);
              break;
            case 'done':
              // T6: a terminal snapshot ends the stream; nothing comes after it.
              expect(snapshot?.done).toBe(true);
              break;
            case 'final':
              expect(snapshot).toBeUndefined();
              expect(resolveUrl(next.url, RESOURCE)).toBeDefined();
              break;
            case 'error':
              expect(snapshot).toBeUndefined();
              expect(isLroError(next.error)).toBe(true);
              break;
          }
        }

        // The status monitor (R9, R12, R13, X6).
        if (st.mode !== 'status') return;
        const [step] = steps[1]!;
        const code = response.status;
        if (code < 200 || code > 299) {
          // R14: a 404 proves a DELETE done only from the resource itself or a URL under its path.
          const under = (url: string, resource: string): boolean => {
            const path = new URL(url).pathname.toLowerCase();
            const base = new URL(resource).pathname.toLowerCase().replace(/\/+$/, '');
            return new URL(url).origin === new URL(resource).origin && (path === base || path.startsWith(`${base}/`));
          };
          if (code === 404 && st.method === 'DELETE' && spec.deleteNotFound === 'succeeded' && under(st.pollUrl!, step.state.token.url)) {
            expect(step.snapshot).toMatchObject({ state: 'succeeded', status: 'Succeeded' });
            return;
          }
          expect(step.next).toMatchObject({ kind: 'error', error: { name: 'HttpError', status: code } });
          expect(step.next.kind === 'error' && step.next.transient === true).toBe(transient(code));
          return;
        }
        const status = (response.body as { status?: unknown } | undefined)?.status;
        const isRecord = typeof response.body === 'object' && response.body !== null && !Array.isArray(response.body);
        if (!isRecord || typeof status !== 'string') {
          // R9: no string status is a ProtocolError carrying the raw body, not a guess.
          expect(step.next).toMatchObject({ kind: 'error', error: { name: 'ProtocolError', rule: 'R9' } });
          const carried = (step.next as { error: { body?: unknown } }).error.body;
          // Kept as sent, but for the query values of URLs in it (F4).
          expect(carried).toStrictEqual(redactor()(response.body !== undefined ? response.body : response.rawBody));
          return;
        }
        const expected = terminal(status, spec.customTerminals);
        if (expected === 'succeeded' && step.next.kind === 'final') return; // X1–X5: the result is fetched next
        // R12: classified exactly; the status is kept verbatim. X6: no final GET after Failed/Canceled.
        expect(step.snapshot?.state).toBe(expected);
        expect(step.snapshot?.status).toBe(status);
        expect(step.next.kind).toBe(expected === 'running' ? 'poll' : 'done');
      }),
      { numRuns: RUNS },
    );
  });
});

function deepFreeze<V>(value: V): V {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
