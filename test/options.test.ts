import * as t from 'io-ts';
import { NEVER, asyncScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { pollOperation, trackOperation, type PollOptions } from '../src/index';
import { createRequestLimiter } from '../src/limiter/index';
import { OPTION_RULES } from '../src/options';

const REQUEST = { method: 'PUT' as const, url: 'https://management.azure.com/r?api-version=1' };

describe('options are validated eagerly with precise TypeErrors', () => {
  const bad: Array<[string, unknown, string]> = [
    ['options itself', 'fast', 'options must be an object'],
    ['delay', -1, 'options.delay must be a finite number >= 0'],
    ['delay', 'soon', 'options.delay must be a number of milliseconds or a delay policy function'],
    ['minDelayMs', NaN, 'options.minDelayMs must be a finite number >= 0'],
    ['maxDelayMs', Infinity, 'options.maxDelayMs must be a finite number >= 0'],
    ['timeoutMs', 0, 'options.timeoutMs must be a finite number > 0'],
    ['requestTimeoutMs', -5, 'options.requestTimeoutMs must be a finite number > 0'],
    ['retryAfter', 'sometimes', "options.retryAfter must be one of 'honor', 'ignore'"],
    [
      'finalStateVia',
      'Location',
      "options.finalStateVia must be one of 'azure-async-operation', 'operation-location', 'location', 'original-uri'",
    ],
    ['deleteNotFound', true, "options.deleteNotFound must be one of 'succeeded', 'error'"],
    ['result', { validate: () => null }, 'options.result must be an io-ts codec'],
    ['headers', { authorization: 5 }, 'options.headers["authorization"] must be a string'],
    ['headers', 'x', 'options.headers must be an object of header strings'],
    ['fetch', 'cross-fetch', 'options.fetch must be a function'],
    ['http', {}, 'options.http must be a function'],
    ['authorize', 'Bearer x', 'options.authorize must be a function'],
    ['allowedOrigins', 'https://a', 'options.allowedOrigins must be an array'],
    ['allowedOrigins', ['not an origin'], 'options.allowedOrigins[] must be an absolute http(s) URL or origin'],
    ['terminalStates', { done: ['Completed'] }, 'options.terminalStates.done must be absent'],
    ['terminalStates', { succeeded: 'Completed' }, 'options.terminalStates.succeeded must be an array of non-empty strings'],
    ['retry', { maxRetries: 1.5 }, 'options.retry.maxRetries must be an integer from 0 to 100'],
    ['retry', { jitter: 2 }, 'options.retry.jitter must be a number from 0 to 1'],
    ['retry', true, 'options.retry must be false or an object'],
    ['retry', { MaxRetries: 2 }, 'unknown option "retry.MaxRetries" (did you mean "retry.maxRetries"?)'],
    ['retry', { backoff: 2 }, 'unknown option "retry.backoff"'],
    ['scheduler', { now: 1 }, 'options.scheduler must be an RxJS scheduler'],
    ['method', 'HEAD', "options.method must be one of 'PUT', 'PATCH', 'POST', 'DELETE', 'GET'"],
    ['maxBodyBytes', 0, 'options.maxBodyBytes must be a finite number > 0'],
    ['apiVersion', 5, 'options.apiVersion must be a non-empty api-version'],
    ['timeoutMs', 3e9, 'options.timeoutMs must be a finite number > 0 and at most 2147483647 (about 24.8 days) (milliseconds)'],
    ['maxDelayMs', 2 ** 31, 'options.maxDelayMs must be a finite number >= 0 and at most 2147483647'],
    ['finalStateVIA', 'location', 'unknown option "finalStateVIA" (did you mean "finalStateVia"?)'],
    ['pollInterval', 1000, 'unknown option "pollInterval"'],
  ];
  for (const [name, value, message] of bad) {
    it(`${name} = ${JSON.stringify(value)} is refused at call time`, () => {
      const options = (name === 'options itself' ? value : { [name]: value }) as PollOptions;
      expect(() => trackOperation(REQUEST, options)).toThrow(TypeError);
      expect(() => trackOperation(REQUEST, options)).toThrow(message);
      expect(() => pollOperation(options)).toThrow(message);
    });
  }
  it('minDelayMs above maxDelayMs is refused', () => {
    expect(() => pollOperation({ minDelayMs: 5000, maxDelayMs: 1000 })).toThrow(
      'options.minDelayMs must be at most options.maxDelayMs (1000), got 5000',
    );
  });
});

// Every option the resolver has a rule for (src/options.ts ties that table to PollOptions), so an
// option added there is in these tests at once: the compiler asks for its values below, and the
// loops run over the table itself.
const OPTIONS = Object.keys(OPTION_RULES) as Array<keyof PollOptions>;

// A value each option accepts.
const GOOD: Record<keyof PollOptions, unknown> = {
  fetch: globalThis.fetch,
  http: () => NEVER,
  headers: { 'x-ms-client-request-id': '1' },
  authorize: () => ({}),
  allowedOrigins: ['https://example.com/any/path'],
  rewriteUrl: (u: string) => u,
  result: t.type({ name: t.string }),
  finalStateVia: 'location',
  apiVersion: '2024-01-01',
  delay: 500,
  retryAfter: 'ignore',
  minDelayMs: 10,
  maxDelayMs: 20_000,
  timeoutMs: 60_000,
  requestTimeoutMs: 5000,
  retry: { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1000, jitter: 0.5 },
  terminalStates: { succeeded: ['Completed'] },
  deleteNotFound: 'error',
  method: 'POST',
  scheduler: asyncScheduler,
  maxBodyBytes: 1024,
  random: () => 0.5,
  limiter: createRequestLimiter(),
  pollNow: NEVER,
  key: 'deploy-1',
};

// A value each option refuses.
const BAD: Record<keyof PollOptions, unknown> = {
  fetch: 'cross-fetch',
  http: {},
  headers: ['x-a: 1'],
  authorize: 'Bearer x',
  allowedOrigins: 'https://example.com',
  rewriteUrl: 'https://gateway.example.com',
  result: { validate: () => null },
  finalStateVia: 'Location',
  apiVersion: '2024 01 01',
  delay: 'soon',
  retryAfter: true,
  minDelayMs: -1,
  maxDelayMs: Number.NaN,
  timeoutMs: 0,
  requestTimeoutMs: Infinity,
  retry: 3,
  terminalStates: ['Completed'],
  deleteNotFound: 404,
  method: 'FETCH',
  scheduler: { now: () => 0 },
  maxBodyBytes: 0,
  random: 0.5,
  limiter: { run: () => NEVER },
  pollNow: { subscribe: () => undefined },
  key: '',
};

describe('every option of the rules table', () => {
  it('has a good and a bad value here, and nothing else does', () => {
    expect(OPTIONS.length).toBeGreaterThan(20);
    expect(Object.keys(GOOD).sort()).toEqual([...OPTIONS].sort());
    expect(Object.keys(BAD).sort()).toEqual([...OPTIONS].sort());
  });

  it('accepts all of them at once, but for the pairs that conflict and a key for many starts', () => {
    const { fetch: _fetch, maxBodyBytes: _maxBodyBytes, key: _key, ...compatible } = GOOD;
    expect(() => pollOperation(compatible as PollOptions)).not.toThrow();
    expect(() => trackOperation(REQUEST, { ...compatible, key: GOOD.key } as PollOptions)).not.toThrow();
  });

  it.each([
    ['http', 'fetch'],
    ['http', 'maxBodyBytes'],
  ] as const)('%s with %s is a TypeError naming both: one of them would be ignored', (first, second) => {
    const options = { [first]: GOOD[first], [second]: GOOD[second] } as PollOptions;
    for (const call of [() => pollOperation(options), () => trackOperation(REQUEST, options)]) {
      expect(call).toThrow(TypeError);
      expect(call).toThrow(`options.${first} and options.${second} cannot be given together`);
    }
  });

  it('a key names one operation: pollOperation, which tracks many, refuses it and points at fromStart', () => {
    expect(() => pollOperation({ key: 'vm' })).toThrow(/options\.key names one operation.*fromStart/);
  });

  for (const name of OPTIONS) {
    it(`${name}: a bad value is a TypeError naming options.${name}, from every entry point`, () => {
      expect(BAD[name], `no bad value for ${name}`).toBeDefined();
      const options = { [name]: BAD[name] } as PollOptions;
      const named = new RegExp(`^rx-lro: options\\.${name}\\b.* must be `);
      for (const call of [() => pollOperation(options), () => trackOperation(REQUEST, options)]) {
        expect(call).toThrow(TypeError);
        expect(call).toThrow(named);
      }
      // The good value alone passes: the refusal is the bad value's, not the option's.
      expect(() => trackOperation(REQUEST, { [name]: GOOD[name] } as PollOptions)).not.toThrow();
    });
  }
});

describe('trackOperation validates its request at call time', () => {
  it('refuses a bad method, URL or headers with a TypeError', () => {
    expect(() => trackOperation({ method: 'HEAD' as never, url: REQUEST.url })).toThrow(
      'request.method must be one of PUT, PATCH, POST, DELETE, GET, got "HEAD"',
    );
    expect(() => trackOperation({ method: 'PUT', url: 'management.azure.com/r' })).toThrow('request.url must be an absolute http(s) URL');
    expect(() => trackOperation({ method: 'PUT', url: 'file:///etc/passwd' })).toThrow(TypeError);
    expect(() => trackOperation({ ...REQUEST, headers: { a: 1 as never } })).toThrow('request.headers["a"] must be a string');
    expect(() => trackOperation(null as never)).toThrow(TypeError);
  });
  it('accepts a lower-case method', () => {
    expect(() => trackOperation({ method: 'put' as never, url: REQUEST.url })).not.toThrow();
  });
});
