// Generators and a virtual-time harness for the property-based tests of rx-lro (fast-check).
//
// A generated case is plain data (so fast-check can shrink it and print it): a script of answers —
// status codes of every class and odd ones, polling headers valid, relative, broken, foreign and
// absurd, Retry-After in every form with the wait each form means, bodies already parsed or as text
// read by the library's own body reader (garbage, huge numbers, `__proto__` keys) — and options.
// `play` feeds a script to `trackOperation` through the `http` seam under `TestScheduler.run` and
// records everything: requests (sent, answered, torn down), snapshots, the end, pending timers.
import fc from 'fast-check';
import { Observable, type SchedulerAction, type SchedulerLike, type Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  NetworkError,
  trackOperation,
  type HttpClient,
  type HttpResponse,
  type LroMethod,
  type OperationSnapshot,
  type PollOptions,
} from '../../src/index';
import { readBodyText } from '../../src/protocol/json';

/** The number of generated cases of every property. */
export const RUNS = 1000;

/** The origin of the operation; `{o}` in a generated URL stands for it. */
export const ORIGIN = 'https://management.azure.com';
export const RESOURCE_PATH = '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Web/sites/app1?api-version=2024-01-01';

/** The longest answer latency the generators produce, in virtual milliseconds. */
export const MAX_LATENCY_MS = 300;

/** A scheduler for property runs: assertions are made on the recorded data, not with marble diagrams. */
export function virtualScheduler(): TestScheduler {
  return new TestScheduler(() => {
    throw new Error('marble assertions are not used by the property tests');
  });
}

// ---- status codes -----------------------------------------------------------------------------------

export const statusCode: fc.Arbitrary<number> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(200, 201, 202, 204) },
  { weight: 3, arbitrary: fc.constantFrom(400, 401, 403, 404, 409, 410, 412, 422) },
  { weight: 3, arbitrary: fc.constantFrom(408, 429, 500, 501, 502, 503, 504, 505, 599) },
  { weight: 1, arbitrary: fc.constantFrom(100, 101, 103, 199) },
  { weight: 1, arbitrary: fc.constantFrom(301, 302, 303, 304, 307, 308) },
  { weight: 1, arbitrary: fc.constantFrom(0, 203, 206, 226, 250, 299, 418, 451, 600, 999) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 599 }) },
);

/** Only the codes a real start can carry (pollOperation validates 100–599). */
export const startStatusCode: fc.Arbitrary<number> = statusCode.map((s) => (s >= 100 && s <= 599 ? s : 202));

// ---- URLs -------------------------------------------------------------------------------------------

/** A URL as a polling header may carry it; `{o}` is the operation's origin. */
export const url: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      '{o}/subscriptions/s1/providers/Microsoft.Web/operations/op1?api-version=2024-01-01',
      '{o}/subscriptions/s1/providers/Microsoft.Web/operations/op2',
      '{o}/subscriptions/s1/providers/Microsoft.Web/locations/westus/operationResults/r1?api-version=2024-01-01',
      `{o}${RESOURCE_PATH}`,
      '{O}/OPERATIONS/upper-case-scheme-and-host',
    ),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '/subscriptions/s1/operations/relative',
      'operations/relative2',
      '../up?x=1',
      '?only=query',
      '#fragment',
      '//management.azure.com/protocol-relative',
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'https://elsewhere.example.net/op',
      'http://management.azure.com/op',
      'ftp://management.azure.com/op',
      'javascript:alert(1)',
      'data:text/plain,x',
      'https://management.azure.com.evil.example/op',
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'not a url',
      '',
      ' ',
      'https://',
      'https://[',
      '%%%',
      'http://a b',
      '{o}/with\u0000nul',
      '{o}/tab\there',
      '\\\\evil.example\\op',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom(`{o}/${'a'.repeat(17 * 1024)}`, `{o}/ok?${'q'.repeat(4000)}`) },
  { weight: 2, arbitrary: fc.string({ maxLength: 24 }) },
);

/** Replaces the origin placeholders of a generated URL. */
export function placeOrigin(value: string, origin: string): string {
  return value.replaceAll('{o}', origin).replaceAll('{O}', origin.toUpperCase());
}

// ---- Retry-After ------------------------------------------------------------------------------------

/**
 * A Retry-After case with the wait it means (PROTOCOL T1): a number of milliseconds, `'policy'` (none,
 * or unusable: the delay policy applies, T3), or `'any'` (ambiguous or random: only the bounds hold).
 */
export type RetryAfterCase =
  | { form: 'none' }
  | { form: 'seconds'; text: string }
  | { form: 'ms'; name: 'retry-after-ms' | 'x-ms-retry-after-ms'; text: string; loser?: string }
  | { form: 'date'; offsetS: number; serverDateS?: number }
  | { form: 'unusable'; name: 'retry-after' | 'retry-after-ms' | 'x-ms-retry-after-ms'; text: string }
  | { form: 'wild'; headers: Record<string, string> };

const UNUSABLE = [
  '-1',
  '-0.5',
  '-17',
  'soon',
  '',
  '   ',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e3',
  '0x10',
  '\u0663',
  '1,5',
  '+5',
  '5s',
  '.5',
  '5.',
  'null',
  '[]',
  'Wed, 21 Oct 2015 07:28:00',
  'Wednesday 21 Oct 2015',
  '9'.repeat(400),
  `${'9'.repeat(400)}.5`,
];

export const retryAfterCase: fc.Arbitrary<RetryAfterCase> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<RetryAfterCase>({ form: 'none' }) },
  {
    weight: 3,
    arbitrary: fc
      .oneof(
        fc.integer({ min: 0, max: 700 }).map(String),
        fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 999 })).map(([s, f]) => `${s}.${f}`),
        fc.constantFrom('0', '17', '00017', '0.001'),
      )
      .map((text): RetryAfterCase => ({ form: 'seconds', text })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({
        name: fc.constantFrom<'retry-after-ms' | 'x-ms-retry-after-ms'>('retry-after-ms', 'x-ms-retry-after-ms'),
        text: fc.oneof(fc.integer({ min: 0, max: 700_000 }).map(String), fc.constantFrom('0', '250', '1.5')),
        loser: fc.option(fc.constantFrom('5', '600', 'soon'), { nil: undefined }),
      })
      .map((r): RetryAfterCase => ({ form: 'ms', ...r })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({
        offsetS: fc.integer({ min: -3600, max: 3600 }),
        serverDateS: fc.option(fc.integer({ min: 631_152_000, max: 3_786_912_000 }), { nil: undefined }),
      })
      .map((r): RetryAfterCase => ({ form: 'date', ...r })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({
        name: fc.constantFrom<'retry-after' | 'retry-after-ms' | 'x-ms-retry-after-ms'>(
          'retry-after',
          'retry-after-ms',
          'x-ms-retry-after-ms',
        ),
        text: fc.constantFrom(...UNUSABLE),
      })
      .map((r): RetryAfterCase => ({ form: 'unusable', ...r })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record(
        {
          'retry-after': fc.oneof(
            fc.string({ maxLength: 16 }),
            fc.constantFrom(
              '99999999999999999999',
              '1e400',
              '1.7976931348623157e308',
              'Fri, 31 Dec 9999 23:59:59 GMT',
              'Sunday, 06-Nov-94 08:49:37 GMT',
              'Sun Nov  6 08:49:37 1994',
            ),
          ),
          'retry-after-ms': fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('99999999999999999999', String(Number.MAX_SAFE_INTEGER))),
          'x-ms-retry-after-ms': fc.string({ maxLength: 8 }),
          date: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('Thu, 01 Jan 1970 00:00:00 GMT', 'not a date')),
        },
        { requiredKeys: [] },
      )
      .map((headers): RetryAfterCase => ({ form: 'wild', headers })),
  },
);

const httpDate = (ms: number): string => new Date(ms).toUTCString();

/**
 * The headers of a Retry-After case on a response sent at `nowMs`, and the wait they mean:
 * milliseconds, `'policy'` or `'any'`.
 */
export function materializeRetryAfter(
  c: RetryAfterCase,
  nowMs: number,
): { headers: Record<string, string>; means: number | 'policy' | 'any' } {
  switch (c.form) {
    case 'none':
      return { headers: {}, means: 'policy' };
    case 'seconds':
      return { headers: { 'retry-after': c.text }, means: Number(c.text) * 1000 };
    case 'ms': {
      const headers: Record<string, string> = { [c.name]: c.text };
      // A Retry-After in seconds beside it loses: the millisecond headers are read first (T1).
      if (c.loser !== undefined) headers['retry-after'] = c.loser;
      return { headers, means: Number(c.text) };
    }
    case 'date': {
      if (c.serverDateS !== undefined) {
        const server = c.serverDateS * 1000;
        return {
          headers: { date: httpDate(server), 'retry-after': httpDate(server + c.offsetS * 1000) },
          means: Math.max(0, c.offsetS * 1000),
        };
      }
      // Against the tracker's clock (virtual time); an HTTP-date has whole seconds, a past one means 0.
      const at = Math.floor((nowMs + c.offsetS * 1000) / 1000) * 1000;
      return { headers: { 'retry-after': httpDate(at) }, means: Math.max(0, at - nowMs) };
    }
    case 'unusable':
      return { headers: { [c.name]: c.text }, means: 'policy' };
    case 'wild':
      return { headers: { ...c.headers }, means: 'any' };
  }
}

// ---- status values and bodies -----------------------------------------------------------------------

export const TERMINAL_WORDS = ['Succeeded', 'Failed', 'Canceled', 'Cancelled'] as const;
export const RUNNING_WORDS = [
  'Accepted',
  'Running',
  'InProgress',
  'NotStarted',
  'Creating',
  'Updating',
  'Deleting',
  'Provisioning',
  'Canceling',
] as const;
/** Values that contain a terminal word without being one (R12: never substring matching). */
export const NEAR_MISSES = [
  'failover-in-progress',
  'NotSucceeded',
  'SucceededWithWarnings',
  'Succeeded ',
  ' Failed',
  'Cancel',
  'PartiallyFailed',
  'Failed.',
  'Succeeded\u0000',
  'Canceledd',
  'Fa1led',
] as const;
/** Custom terminal values some properties configure (R12). */
export const CUSTOM_TERMINALS = { succeeded: ['Completed'], failed: ['Broken'], canceled: ['Aborted'] };

export const statusWord: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.mixedCase(fc.constantFrom(...TERMINAL_WORDS)) },
  { weight: 4, arbitrary: fc.constantFrom(...RUNNING_WORDS) },
  { weight: 2, arbitrary: fc.constantFrom(...NEAR_MISSES) },
  { weight: 1, arbitrary: fc.mixedCase(fc.constantFrom('Completed', 'Broken', 'Aborted')) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

/** JSON numbers, huge and tiny ones included (as a JSON parser yields them: finite). */
const jsonNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -50, max: 150 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, 1e308, -1e308, 5e-324, 100.0000001),
);

const errorObject: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  error: fc.record(
    {
      code: fc.oneof(fc.constantFrom('Conflict', 'QuotaExceeded', 'InternalServerError'), fc.string({ maxLength: 8 })),
      message: fc.string({ maxLength: 16 }),
      target: fc.string({ maxLength: 8 }),
      details: fc.array(tie('error'), { maxLength: 2 }),
      additionalInfo: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 2 }),
    },
    { requiredKeys: ['code'] },
  ),
})).error;

const anyStatusField: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: statusWord },
  { weight: 1, arbitrary: fc.constantFrom(null, 0, 1, true, false, 1e308) },
  { weight: 1, arbitrary: fc.constantFrom({ value: 'Succeeded' }, ['Succeeded']) },
);

/** A status monitor body (R9–R11), every field optional, some of them wrongly typed. */
const monitorBody: fc.Arbitrary<unknown> = fc.record(
  {
    status: anyStatusField,
    percentComplete: fc.oneof(jsonNumber, fc.constantFrom('50', null)),
    id: fc.oneof(fc.string({ maxLength: 8 }), fc.integer()),
    name: fc.string({ maxLength: 8 }),
    startTime: fc.oneof(fc.constant('2026-11-23T00:00:00Z'), fc.integer()),
    endTime: fc.constant('2026-11-23T00:05:00Z'),
    error: fc.oneof(errorObject, fc.jsonValue({ maxDepth: 2 })),
    resourceLocation: url,
    result: fc.jsonValue({ maxDepth: 2 }),
    properties: fc.record({ provisioningState: statusWord, size: jsonNumber }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

/** A resource body (R3–R5): `properties.provisioningState` or a top-level one. */
const resourceBody: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({
    id: fc.constant('/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Web/sites/app1'),
    properties: fc.record({ provisioningState: anyStatusField, error: errorObject }, { requiredKeys: [] }),
  }),
  fc.record({ provisioningState: anyStatusField, name: fc.string({ maxLength: 8 }) }, { requiredKeys: ['provisioningState'] }),
);

/** JSON number literals a parser turns into huge, imprecise, tiny, negative-zero or infinite numbers. */
const numberLiteral = fc.constantFrom(
  '1e400',
  '-1e999',
  '123456789012345678901234567890',
  '1.7976931348623157e308',
  '5e-324',
  '-0',
  '1E+309',
  '42',
);

/** Body texts, read as the fetch client reads them (`readBodyText`): garbage, huge numbers, hostile keys. */
const bodyText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '<html><body>502 Bad Gateway</body></html>',
    '{"status":',
    'Succeeded',
    '"Succeeded"',
    'null',
    '[]',
    '',
    '   ',
    '\u0000\u0001',
    '{"status":"Succeeded"}trailing',
    '{"status":"InProgress","percentComplete":1e400}',
    '{"status":"Succeeded","result":{"size":1e400}}',
    '{"status":"Failed","error":{"code":"Huge","message":"m","additionalInfo":[{"n":-1e999}]}}',
    '{"status":1e400}',
    '{"properties":{"provisioningState":"Succeeded","bytes":123456789012345678901234567890}}',
    '{"status":"Succeeded","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
    '{"status":"Running","\\u005f_proto__":{"polluted":true}}',
    '{"status":"InProgress","percentComplete":-0}',
  ),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
  monitorBody.map((v) => JSON.stringify(v)),
  // Number literals a JSON parser turns into huge, imprecise, tiny, negative-zero or infinite numbers.
  fc
    .tuple(statusWord, numberLiteral, fc.constantFrom('status', 'properties', 'error'))
    .map(([word, n, where]) =>
      where === 'status'
        ? `{"status":${JSON.stringify(word)},"percentComplete":${n},"result":{"n":${n}}}`
        : where === 'properties'
          ? `{"properties":{"provisioningState":${JSON.stringify(word)},"n":${n}}}`
          : `{"status":${JSON.stringify(word)},"error":{"code":"E","message":"m","additionalInfo":[{"n":${n}}]}}`,
    ),
  fc.string({ maxLength: 24 }),
);

/** How a reply's body is given to the seam. */
export type BodySpec = { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'text'; text: string };

export const bodySpec: fc.Arbitrary<BodySpec> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<BodySpec>({ kind: 'none' }) },
  { weight: 5, arbitrary: monitorBody.map((value): BodySpec => ({ kind: 'json', value })) },
  { weight: 3, arbitrary: resourceBody.map((value): BodySpec => ({ kind: 'json', value })) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((value): BodySpec => ({ kind: 'json', value })) },
  { weight: 2, arbitrary: bodyText.map((text): BodySpec => ({ kind: 'text', text })) },
);

// ---- replies, scripts, options ----------------------------------------------------------------------

/** One scripted answer of the double. Header values may hold `{o}`. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  retryAfter: RetryAfterCase;
  body: BodySpec;
  latencyMs: number;
  /** A network error (a `NetworkError`) instead of an answer. */
  fail: boolean;
}

const pollingHeaders: fc.Arbitrary<Record<string, string>> = fc.record(
  { 'azure-asyncoperation': url, 'operation-location': url, location: url },
  { requiredKeys: [] },
);

export const reply: fc.Arbitrary<Reply> = fc.record({
  status: statusCode,
  headers: pollingHeaders,
  retryAfter: retryAfterCase,
  body: bodySpec,
  latencyMs: fc.oneof(fc.constantFrom(0, 100), fc.integer({ min: 0, max: MAX_LATENCY_MS })),
  fail: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
});

/** A script of replies that tends to look like a real operation: a monitor or Location that runs, then ends. */
export const wellFormedScript: fc.Arbitrary<{ initial: Reply; polls: Reply[] }> = fc
  .record({
    header: fc.constantFrom('azure-asyncoperation', 'operation-location', 'location'),
    running: fc.integer({ min: 0, max: 4 }),
    outcome: fc.mixedCase(fc.constantFrom(...TERMINAL_WORDS)),
    retryAfter: fc.array(retryAfterCase, { minLength: 6, maxLength: 6 }),
    latencyMs: fc.integer({ min: 0, max: MAX_LATENCY_MS }),
    // The ending answers as text carrying this number literal (the resource's size, an error's info).
    n: fc.option(numberLiteral, { nil: undefined }),
  })
  .map(({ header, running, outcome, retryAfter, latencyMs, n }) => {
    const monitor = '{o}/subscriptions/s1/providers/Microsoft.Web/operations/op1?api-version=2024-01-01';
    const ra = (i: number): RetryAfterCase => retryAfter[i % retryAfter.length]!;
    const initial: Reply = {
      status: 202,
      headers: { [header]: monitor },
      retryAfter: ra(0),
      body: { kind: 'none' },
      latencyMs,
      fail: false,
    };
    const polls: Reply[] = [];
    for (let i = 0; i < running; i += 1) {
      polls.push(
        header === 'location'
          ? { status: 202, headers: { location: monitor }, retryAfter: ra(i + 1), body: { kind: 'none' }, latencyMs, fail: false }
          : {
              status: 200,
              headers: {},
              retryAfter: ra(i + 1),
              body: { kind: 'json', value: { status: 'InProgress', percentComplete: i * 10 } },
              latencyMs,
              fail: false,
            },
      );
    }
    const resource = (state: string): BodySpec =>
      n === undefined
        ? { kind: 'json', value: { name: 'app1', properties: { provisioningState: state } } }
        : { kind: 'text', text: `{"name":"app1","properties":{"provisioningState":${JSON.stringify(state)},"n":${n}}}` };
    const ending: BodySpec =
      n === undefined
        ? { kind: 'json', value: { status: outcome, error: { code: 'E', message: 'm' } } }
        : { kind: 'text', text: `{"status":${JSON.stringify(outcome)},"error":{"code":"E","message":"m","additionalInfo":[{"n":${n}}]}}` };
    polls.push({
      status: 200,
      headers: {},
      retryAfter: { form: 'none' },
      body: header === 'location' ? resource(outcome) : ending,
      latencyMs,
      fail: false,
    });
    // The final GET, if the outcome needs one.
    polls.push({ status: 200, headers: {}, retryAfter: { form: 'none' }, body: resource('Succeeded'), latencyMs, fail: false });
    return { initial, polls };
  });

export const method: fc.Arbitrary<LroMethod> = fc.constantFrom<LroMethod>('PUT', 'PATCH', 'POST', 'DELETE');

/** The options of a run: small retries, finite clamps, `timeoutMs` large or absent. */
export interface OptionsSpec {
  retry: false | { maxRetries: number; baseDelayMs: number; maxDelayMs: number; jitter: number };
  random: number;
  delay?: number;
  retryAfter: 'honor' | 'ignore';
  minDelayMs: number;
  maxDelayMs: number;
  requestTimeoutMs?: number;
  timeoutMs?: number;
  deleteNotFound: 'succeeded' | 'error';
  finalStateVia?: 'azure-async-operation' | 'operation-location' | 'location' | 'original-uri';
  customTerminals: boolean;
}

export const optionsSpec: fc.Arbitrary<OptionsSpec> = fc
  .record(
    {
      retry: fc.oneof(
        { weight: 1, arbitrary: fc.constant(false as const) },
        {
          weight: 3,
          arbitrary: fc.record({
            maxRetries: fc.integer({ min: 0, max: 3 }),
            baseDelayMs: fc.integer({ min: 0, max: 2000 }),
            maxDelayMs: fc.integer({ min: 0, max: 30_000 }),
            jitter: fc.double({ min: 0, max: 1, noNaN: true }),
          }),
        },
      ),
      random: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      delay: fc.integer({ min: 0, max: 5000 }),
      retryAfter: fc.constantFrom<'honor' | 'ignore'>('honor', 'honor', 'honor', 'ignore'),
      minDelayMs: fc.integer({ min: 0, max: 2000 }),
      maxDelayMs: fc.oneof(fc.constantFrom(600_000, 30_000), fc.integer({ min: 0, max: 600_000 })),
      requestTimeoutMs: fc.oneof(
        { weight: 3, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.integer({ min: 1, max: 1000 }) },
      ),
      timeoutMs: fc.integer({ min: 1_000_000, max: 100_000_000 }),
      deleteNotFound: fc.constantFrom<'succeeded' | 'error'>('succeeded', 'error'),
      finalStateVia: fc.constantFrom<NonNullable<OptionsSpec['finalStateVia']>>(
        'azure-async-operation',
        'operation-location',
        'location',
        'original-uri',
      ),
      customTerminals: fc.boolean(),
    },
    {
      requiredKeys: ['retry', 'random', 'retryAfter', 'minDelayMs', 'maxDelayMs', 'requestTimeoutMs', 'deleteNotFound', 'customTerminals'],
    },
  )
  .map((o) => ({ ...o, maxDelayMs: Math.max(o.minDelayMs, o.maxDelayMs) }));

/** The `PollOptions` of a spec, on the given scheduler and seam. */
export function pollOptions(spec: OptionsSpec, scheduler: SchedulerLike, http: HttpClient): PollOptions {
  const options: PollOptions = {
    http,
    scheduler,
    random: () => spec.random,
    retry: spec.retry,
    retryAfter: spec.retryAfter,
    minDelayMs: spec.minDelayMs,
    maxDelayMs: spec.maxDelayMs,
    deleteNotFound: spec.deleteNotFound,
  };
  if (spec.delay !== undefined) options.delay = spec.delay;
  if (spec.requestTimeoutMs !== undefined) options.requestTimeoutMs = spec.requestTimeoutMs;
  if (spec.timeoutMs !== undefined) options.timeoutMs = spec.timeoutMs;
  if (spec.finalStateVia !== undefined) options.finalStateVia = spec.finalStateVia;
  if (spec.customTerminals) options.terminalStates = CUSTOM_TERMINALS;
  return options;
}

/** The wait a spec's policy gives after `polls` requests (PROTOCOL T2: 1 s doubling, capped at 30 s). */
export function policyMs(spec: OptionsSpec, polls: number): number {
  return spec.delay ?? Math.min(1000 * 2 ** polls, 30_000);
}

/** A wait clamped by the caller's bounds (T3, T4). */
export function clamp(spec: OptionsSpec, ms: number): number {
  return Math.min(Math.max(ms, spec.minDelayMs), spec.maxDelayMs);
}

/** When to stop listening: never, at a virtual time, or synchronously inside the k-th `next`. */
export type StopPlan = { kind: 'none' } | { kind: 'at'; ms: number } | { kind: 'in-next'; k: number };

export const stopPlan: fc.Arbitrary<StopPlan> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<StopPlan>({ kind: 'none' }) },
  {
    weight: 2,
    arbitrary: fc
      .oneof(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 3_000_000 }))
      .map((ms): StopPlan => ({ kind: 'at', ms })),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 4 }).map((k): StopPlan => ({ kind: 'in-next', k })) },
);

// ---- the HTTP double and the recorder -----------------------------------------------------------------

/** After a script runs out every request gets this answer: it ends any operation in any mode. */
export const END: Reply = {
  status: 400,
  headers: {},
  retryAfter: { form: 'none' },
  body: { kind: 'json', value: { error: { code: 'ScriptEnded', message: 'the script ran out' } } },
  // At once, so that no per-request timeout turns it into a retried NetworkError.
  latencyMs: 0,
  fail: false,
};

/** A request the double received. */
export interface SentRequest {
  tracker: number;
  method: string;
  url: string;
  time: number;
  answeredAt?: number;
  tornDownAt?: number;
}

/** The answer a snapshot came from: the response, when, and the Retry-After it carried. */
export interface Answer {
  tracker: number;
  time: number;
  response: HttpResponse;
  retryAfter: ReturnType<typeof materializeRetryAfter>;
}

export type Event =
  | { kind: 'request'; request: SentRequest; time: number }
  | { kind: 'next'; snapshot: OperationSnapshot; answer: Answer | undefined; time: number }
  | { kind: 'error'; error: unknown; time: number }
  | { kind: 'complete'; time: number }
  | { kind: 'unsubscribe'; time: number }
  | { kind: 'timer'; time: number };

/**
 * The scheduler handed to rx-lro: the TestScheduler's virtual time, recording a `timer` event each
 * time one of rx-lro's own scheduled actions runs. A timer left behind by a finished tracker shows up
 * as a `timer` event after the end (the TestScheduler runs every pending action before `run` returns).
 */
export function recordingScheduler(scheduler: TestScheduler, events: Event[]): SchedulerLike {
  return {
    now: () => scheduler.now(),
    schedule<S>(work: (this: SchedulerAction<S>, state?: S) => void, delay?: number, state?: S): Subscription {
      return scheduler.schedule<S>(
        function (this: SchedulerAction<S>, s?: S) {
          events.push({ kind: 'timer', time: scheduler.now() });
          work.call(this, s);
        },
        delay,
        state,
      );
    },
  };
}

/** A response as the seam gives it, built from a reply at `nowMs` for the tracker at `origin`. */
export function materializeReply(
  r: Reply,
  nowMs: number,
  origin: string,
): { response: HttpResponse; retryAfter: ReturnType<typeof materializeRetryAfter> } {
  const retryAfter = materializeRetryAfter(r.retryAfter, nowMs);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(r.headers)) headers[name] = placeOrigin(value, origin);
  Object.assign(headers, retryAfter.headers);
  const response: HttpResponse = { status: r.status, headers };
  if (r.body.kind === 'json') response.body = structuredClone(r.body.value);
  if (r.body.kind === 'text') Object.assign(response, readBodyText(r.body.text));
  return { response, retryAfter };
}

/**
 * The network seam of one or more trackers: each tracker (told apart by the origin of the request)
 * has its own script, answered in order after each reply's latency, on the virtual clock; unsubscribing
 * tears the answer down (an abort). Past the end of its script a tracker gets `END`; a runaway tracker
 * (far past its script) gets no answer at all, so a loop shows up as a failed property, not a hang.
 */
export function scriptedHttp(
  scheduler: TestScheduler,
  origins: readonly string[],
  scripts: readonly (readonly Reply[])[],
  record: { events: Event[]; requests: SentRequest[]; lastAnswer: (Answer | undefined)[] },
): HttpClient {
  const served = origins.map(() => 0);
  return (request) =>
    new Observable<HttpResponse>((subscriber) => {
      let origin: string | undefined;
      try {
        origin = new URL(request.url).origin;
      } catch {
        origin = undefined;
      }
      const tracker = origin === undefined ? -1 : origins.indexOf(origin);
      const sent: SentRequest = { tracker, method: request.method, url: request.url, time: scheduler.now() };
      record.requests.push(sent);
      record.events.push({ kind: 'request', request: sent, time: sent.time });
      const script = tracker < 0 ? [] : scripts[tracker]!;
      const index = tracker < 0 ? 0 : served[tracker]!;
      if (tracker >= 0) served[tracker] = index + 1;
      if (index > script.length + 20) {
        return () => {
          sent.tornDownAt = scheduler.now();
        };
      }
      const r = script[index] ?? END;
      const action = scheduler.schedule(() => {
        sent.answeredAt = scheduler.now();
        if (r.fail) {
          subscriber.error(new NetworkError(request.method, request.url, 'connection reset by the double'));
          return;
        }
        const { response, retryAfter } = materializeReply(r, scheduler.now(), origins[Math.max(tracker, 0)]!);
        if (tracker >= 0) record.lastAnswer[tracker] = { tracker, time: scheduler.now(), response, retryAfter };
        subscriber.next(response);
        subscriber.complete();
      }, r.latencyMs);
      return () => {
        sent.tornDownAt = scheduler.now();
        action.unsubscribe();
      };
    });
}

/** Everything one run of `trackOperation` did. */
export interface Run {
  events: Event[];
  requests: SentRequest[];
  snapshots: { snapshot: OperationSnapshot; answer: Answer | undefined; time: number }[];
  /** How the stream ended (the unsubscribe of the plan counts as an end), and when. */
  end?: { kind: 'complete' | 'error' | 'unsubscribe'; time: number; error?: unknown };
  ends: number;
  /** The virtual time of the last action the scheduler ran. */
  lastFrame: number;
}

/** Tracks one operation through the scripted seam in virtual time and records what happened. */
export function play(m: LroMethod, script: readonly Reply[], spec: OptionsSpec, stop: StopPlan): Run {
  const scheduler = virtualScheduler();
  const record = { events: [] as Event[], requests: [] as SentRequest[], lastAnswer: [] as (Answer | undefined)[] };
  const run: Run = { events: record.events, requests: record.requests, snapshots: [], ends: 0, lastFrame: -1 };
  scheduler.run(() => {
    const http = scriptedHttp(scheduler, [ORIGIN], [script], record);
    let stopAction: Subscription | undefined;
    // eslint-disable-next-line prefer-const -- assigned after the closures that read it are made
    let subscription: Subscription | undefined;
    let stopNow = false;
    let seen = 0;
    const unsubscribe = (): void => {
      if (run.end) return;
      run.end = { kind: 'unsubscribe', time: scheduler.now() };
      run.ends += 1;
      record.events.push({ kind: 'unsubscribe', time: scheduler.now() });
      if (subscription) subscription.unsubscribe();
      else stopNow = true;
    };
    const ended = (kind: 'complete' | 'error', error?: unknown): void => {
      run.ends += 1;
      // The test's own timer goes, so that the last frame the scheduler runs is the end's.
      stopAction?.unsubscribe();
      if (!run.end) run.end = kind === 'error' ? { kind, time: scheduler.now(), error } : { kind, time: scheduler.now() };
    };
    subscription = trackOperation(
      { method: m, url: `${ORIGIN}${RESOURCE_PATH}`, body: { location: 'westus' } },
      pollOptions(spec, recordingScheduler(scheduler, record.events), http),
    ).subscribe({
      next: (snapshot) => {
        const answer = record.lastAnswer[0];
        record.events.push({ kind: 'next', snapshot, answer, time: scheduler.now() });
        run.snapshots.push({ snapshot, answer, time: scheduler.now() });
        seen += 1;
        if (stop.kind === 'in-next' && seen === stop.k) unsubscribe();
      },
      error: (error: unknown) => {
        record.events.push({ kind: 'error', error, time: scheduler.now() });
        ended('error', error);
      },
      complete: () => {
        record.events.push({ kind: 'complete', time: scheduler.now() });
        ended('complete');
      },
    });
    if (stopNow) subscription.unsubscribe();
    if (stop.kind === 'at' && !subscription.closed) stopAction = scheduler.schedule(unsubscribe, stop.ms);
  });
  run.lastFrame = scheduler.frame;
  return run;
}

// ---- plain JSON -------------------------------------------------------------------------------------

/** JSON data only: null, booleans, strings, finite numbers, arrays and plain objects, no `undefined` inside. */
export function plainJsonViolation(value: unknown, path = '$'): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${path} is ${value}`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const v = plainJsonViolation(value[i], `${path}[${i}]`);
      if (v) return v;
    }
    return undefined;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return `${path} is an instance of ${(value as object).constructor?.name}`;
    for (const [key, item] of Object.entries(value as object)) {
      if (item === undefined) continue; // JSON.stringify drops it, as deep equality ignores it
      const v = plainJsonViolation(item, `${path}.${key}`);
      if (v) return v;
    }
    return undefined;
  }
  return `${path} is a ${typeof value}`;
}

/** Deep equality as JSON sees it (`-0` is `0`; an `undefined` member is absent). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return (
    ka.length === kb.length &&
    ka.every(
      (k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    )
  );
}
