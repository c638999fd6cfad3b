// The AutoRest test server's long-running-operation scenarios (@microsoft.azure/autorest.testserver,
// the server every Azure SDK generator is tested against), tracked by rx-lro over real HTTP with the
// default transport. Each scenario's expected outcome is what PROTOCOL.md requires; where that differs
// from what the route's author expected of a generated client, a comment says so. A last test reads
// the server's own coverage report: every LRO scenario it knows was exercised.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import crossFetch from 'cross-fetch';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoRestRoutes, startAutoRestServer, type AutoRestRoute, type AutoRestServer } from '../support/autorest-server';
import { trackOperation, type FetchLike, type LroMethod, type PollOptions } from '../../src/index';

const root = join(__dirname, '..', '..');
const serverPackage = join(root, 'node_modules', '@microsoft.azure', 'autorest.testserver');

type Expected =
  | { state: 'succeeded' | 'failed' | 'canceled'; status: string; polls: number; result?: unknown }
  | { error: string; status?: number; rule?: string };

// operationId, the PROTOCOL.md rules it exercises, the outcome.
const CASES: Array<[string, string, Expected]> = [
  [
    'LROs_put200Succeeded',
    'R5',
    {
      state: 'succeeded',
      status: 'Succeeded',
      polls: 0,
      result: { properties: { provisioningState: 'Succeeded' }, id: '100', name: 'foo' },
    },
  ],
  [
    'LROs_patch200SucceededIgnoreHeaders',
    'R5',
    {
      state: 'succeeded',
      status: 'Succeeded',
      polls: 0,
      result: { properties: { provisioningState: 'Succeeded' }, id: '100', name: 'foo' },
    },
  ],
  [
    'LROs_patch201RetryWithAsyncHeader',
    'R1 X1',
    {
      state: 'succeeded',
      status: 'Succeeded',
      polls: 3,
      result: { properties: { provisioningState: 'Succeeded' }, id: '/lro/patch/201/retry/onlyAsyncHeader', name: 'foo' },
    },
  ],
  [
    'LROs_patch202RetryWithAsyncAndLocationHeader',
    'R1 X1',
    {
      state: 'succeeded',
      status: 'Succeeded',
      polls: 3,
      result: { properties: { provisioningState: 'Succeeded' }, id: '/lro/patch/202/retry/asyncAndLocationHeader', name: 'foo' },
    },
  ],
  [
    'LROs_put201Succeeded',
    'R5',
    {
      state: 'succeeded',
      status: 'Succeeded',
      polls: 0,
      result: { properties: { provisioningState: 'Succeeded' }, id: '100', name: 'foo' },
    },
  ],
  ['LROs_post202List', 'R1 X2', { state: 'succeeded', status: 'Succeeded', polls: 2, result: [{ id: '100', name: 'foo' }] }],
  ['LROs_put200SucceededNoState', 'R5', { state: 'succeeded', status: 'Succeeded', polls: 0, result: { id: '100', name: 'foo' } }],
  ['LROs_put202Retry200', 'R3', { state: 'succeeded', status: 'Succeeded', polls: 1, result: { id: '100', name: 'foo' } }],
  [
    'LROs_put201CreatingSucceeded200',
    'R4',
    {
      state: 'succeeded',
      status: 'Succeeded',
      polls: 1,
      result: { properties: { provisioningState: 'Succeeded' }, id: '100', name: 'foo' },
    },
  ],
  [
    'LROs_put200UpdatingSucceeded204',
    'R4',
    {
      state: 'succeeded',
      status: 'Succeeded',
      polls: 1,
      result: { properties: { provisioningState: 'Succeeded' }, id: '100', name: 'foo' },
    },
  ],
  ['LROs_put201CreatingFailed200', 'R4 R11', { state: 'failed', status: 'Failed', polls: 1 }],
  ['LROs_put200Acceptedcanceled200', 'R4 R11', { state: 'canceled', status: 'Canceled', polls: 1 }],
  [
    'LROs_putNoHeaderInRetry',
    'R3',
    {
      state: 'succeeded',
      status: 'Succeeded',
      polls: 2,
      result: { properties: { provisioningState: 'Succeeded' }, id: '100', name: 'foo' },
    },
  ],
  [
    'LROs_putAsyncRetrySucceeded',
    'R1 X1 T1',
    {
      state: 'succeeded',
      status: 'Succeeded',
      polls: 3,
      result: { properties: { provisioningState: 'Succeeded' }, id: '100', name: 'foo' },
    },
  ],
  [
    'LROs_putAsyncNoRetrySucceeded',
    'R1 X1',
    {
      state: 'succeeded',
      status: 'Succeeded',
      polls: 3,
      result: { properties: { provisioningState: 'Succeeded' }, id: '100', name: 'foo' },
    },
  ],
  ['LROs_putAsyncRetryFailed', 'R1 X6 R11', { state: 'failed', status: 'Failed', polls: 2 }],
  ['LROs_putAsyncNoRetrycanceled', 'R1 X6', { state: 'canceled', status: 'Canceled', polls: 2 }],
  [
    'LROs_putAsyncNoHeaderInRetry',
    'R1 X1',
    {
      state: 'succeeded',
      status: 'Succeeded',
      polls: 3,
      result: { properties: { provisioningState: 'Succeeded' }, id: '100', name: 'foo' },
    },
  ],
  ['LROs_putNonResource', 'R3', { state: 'succeeded', status: 'Succeeded', polls: 2, result: { name: 'sku', id: '100' } }],
  ['LROs_putAsyncNonResource', 'R1 X1', { state: 'succeeded', status: 'Succeeded', polls: 3, result: { name: 'sku', id: '100' } }],
  [
    'LROs_putSubResource',
    'R3',
    {
      state: 'succeeded',
      status: 'Succeeded',
      polls: 2,
      result: { properties: { provisioningState: 'Succeeded' }, id: '100', subresource: 'sub1' },
    },
  ],
  [
    'LROs_putAsyncSubResource',
    'R1 X1',
    {
      state: 'succeeded',
      status: 'Succeeded',
      polls: 3,
      result: { properties: { provisioningState: 'Succeeded' }, id: '100', subresource: 'sub1' },
    },
  ],
  [
    'LROs_deleteProvisioning202Accepted200Succeeded',
    'R3',
    {
      state: 'succeeded',
      status: 'Succeeded',
      polls: 1,
      result: { properties: { provisioningState: 'Succeeded' }, id: '100', name: 'foo' },
    },
  ],
  ['LROs_deleteProvisioning202DeletingFailed200', 'R3 R11', { state: 'failed', status: 'Failed', polls: 1 }],
  ['LROs_deleteProvisioning202Deletingcanceled200', 'R3 R11', { state: 'canceled', status: 'Canceled', polls: 1 }],
  ['LROs_delete204Succeeded', 'R5', { state: 'succeeded', status: 'Succeeded', polls: 0 }],
  ['LROs_delete202Retry200', 'R3 X3', { state: 'succeeded', status: 'Succeeded', polls: 1 }],
  ['LROs_delete202NoRetry204', 'R3 X3', { state: 'succeeded', status: 'Succeeded', polls: 1 }],
  ['LROs_deleteNoHeaderInRetry', 'R3 X3', { state: 'succeeded', status: 'Succeeded', polls: 2 }],
  ['LROs_deleteAsyncNoHeaderInRetry', 'R1 X3', { state: 'succeeded', status: 'Succeeded', polls: 2 }],
  ['LROs_deleteAsyncRetrySucceeded', 'R1 X3', { state: 'succeeded', status: 'Succeeded', polls: 2 }],
  ['LROs_deleteAsyncNoRetrySucceeded', 'R1 X3', { state: 'succeeded', status: 'Succeeded', polls: 2 }],
  ['LROs_deleteAsyncRetryFailed', 'R1 X6', { state: 'failed', status: 'Failed', polls: 2 }],
  ['LROs_deleteAsyncRetrycanceled', 'R1 X6', { state: 'canceled', status: 'Canceled', polls: 2 }],
  ['LROs_post200WithPayload', 'R3 X2', { state: 'succeeded', status: 'Succeeded', polls: 1, result: { id: '1', name: 'product' } }],
  [
    'LROs_post202Retry200',
    'R3 X2',
    {
      state: 'succeeded',
      status: 'Succeeded',
      polls: 2,
      result: { properties: { provisioningState: 'Succeeded' }, id: '100', name: 'foo' },
    },
  ],
  ['LROs_post202NoRetry204', 'R3 X2', { state: 'succeeded', status: 'Succeeded', polls: 2 }],
  [
    'LROs_postDoubleHeadersFinalLocationGet',
    'X5',
    { state: 'succeeded', status: 'succeeded', polls: 2, result: { id: '100', name: 'foo' } },
  ],
  // finalStateVia azure-async-operation: the monitor body is the result (it has neither result nor properties)
  [
    'LROs_postDoubleHeadersFinalAzureHeaderGet',
    'X5',
    { state: 'succeeded', status: 'succeeded', polls: 1, result: { status: 'succeeded', id: '100' } },
  ],
  [
    'LROs_postDoubleHeadersFinalAzureHeaderGetDefault',
    'R1 X2',
    { state: 'succeeded', status: 'succeeded', polls: 2, result: { id: '100', name: 'foo' } },
  ],
  [
    'LROs_postAsyncRetrySucceeded',
    'R1 X2',
    {
      state: 'succeeded',
      status: 'Succeeded',
      polls: 3,
      result: { properties: { provisioningState: 'Succeeded' }, id: '100', name: 'foo' },
    },
  ],
  [
    'LROs_postAsyncNoRetrySucceeded',
    'R1 X2',
    {
      state: 'succeeded',
      status: 'Succeeded',
      polls: 3,
      result: { properties: { provisioningState: 'Succeeded' }, id: '100', name: 'foo' },
    },
  ],
  ['LROs_postAsyncRetryFailed', 'R1 X6', { state: 'failed', status: 'Failed', polls: 2 }],
  ['LROs_postAsyncRetrycanceled', 'R1 X6', { state: 'canceled', status: 'Canceled', polls: 2 }],
  [
    'LRORetrys_put201CreatingSucceeded200',
    'F1 R4',
    {
      state: 'succeeded',
      status: 'Succeeded',
      polls: 2,
      result: { properties: { provisioningState: 'Succeeded' }, id: '100', name: 'foo' },
    },
  ],
  [
    'LRORetrys_putAsyncRelativeRetrySucceeded',
    'F1 R7',
    {
      state: 'succeeded',
      status: 'Succeeded',
      polls: 4,
      result: { properties: { provisioningState: 'Succeeded' }, id: '100', name: 'foo' },
    },
  ],
  [
    'LRORetrys_deleteProvisioning202Accepted200Succeeded',
    'F1 R3',
    {
      state: 'succeeded',
      status: 'Succeeded',
      polls: 2,
      result: { properties: { provisioningState: 'Succeeded' }, id: '100', name: 'foo' },
    },
  ],
  [
    'LRORetrys_delete202Retry200',
    'F1 R3',
    {
      state: 'succeeded',
      status: 'Succeeded',
      polls: 2,
      result: { properties: { provisioningState: 'Succeeded' }, id: '100', name: 'foo' },
    },
  ],
  ['LRORetrys_deleteAsyncRelativeRetrySucceeded', 'F1 R7', { state: 'succeeded', status: 'Succeeded', polls: 2 }],
  [
    'LRORetrys_post202Retry200',
    'F1 R3',
    {
      state: 'succeeded',
      status: 'Succeeded',
      polls: 2,
      result: { properties: { provisioningState: 'Succeeded' }, id: '100', name: 'foo' },
    },
  ],
  [
    'LRORetrys_postAsyncRelativeRetrySucceeded',
    'F1 R7',
    { state: 'succeeded', status: 'Succeeded', polls: 4, result: { name: 'sku', id: '100' } },
  ],
  ['LROSADs_putNonRetry400', 'F1 F4', { error: 'HttpError', status: 400 }],
  ['LROSADs_putNonRetry201Creating400', 'R4 F1', { error: 'HttpError', status: 400 }],
  ['LROSADs_putNonRetry201Creating400InvalidJson', 'R4 F2', { error: 'HttpError', status: 400 }],
  ['LROSADs_putAsyncRelativeRetry400', 'R13', { error: 'HttpError', status: 400 }],
  ['LROSADs_deleteNonRetry400', 'F1 F4', { error: 'HttpError', status: 400 }],
  // PROTOCOL R13: a Location poll 4xx is the operation's failure, a failed snapshot (not a stream error)
  ['LROSADs_delete202NonRetry400', 'R13', { state: 'failed', status: 'Failed', polls: 1 }],
  ['LROSADs_deleteAsyncRelativeRetry400', 'R13', { error: 'HttpError', status: 400 }],
  ['LROSADs_postNonRetry400', 'F1 F4', { error: 'HttpError', status: 400 }],
  // PROTOCOL R13: a Location poll 4xx is the operation's failure, a failed snapshot (not a stream error)
  ['LROSADs_post202NonRetry400', 'R13', { state: 'failed', status: 'Failed', polls: 1 }],
  ['LROSADs_postAsyncRelativeRetry400', 'R13', { error: 'HttpError', status: 400 }],
  // a 201 with no body and no polling header is finished at once (R5); no result was sent
  ['LROSADs_putError201NoProvisioningStatePayload', 'R5', { state: 'succeeded', status: 'Succeeded', polls: 0 }],
  ['LROSADs_putAsyncRelativeRetryNoStatus', 'R9', { error: 'ProtocolError', rule: 'R9' }],
  ['LROSADs_putAsyncRelativeRetryNoStatusPayload', 'R9', { error: 'ProtocolError', rule: 'R9' }],
  ['LROSADs_delete204Succeeded', 'R5', { state: 'succeeded', status: 'Succeeded', polls: 0 }],
  ['LROSADs_deleteAsyncRelativeRetryNoStatus', 'R9', { error: 'ProtocolError', rule: 'R9' }],
  ['LROSADs_post202NoLocation', 'R6', { error: 'ProtocolError', rule: 'R6' }],
  ['LROSADs_postAsyncRelativeRetryNoPayload', 'R9', { error: 'ProtocolError', rule: 'R9' }],
  ['LROSADs_put200InvalidJson', 'F2', { error: 'ProtocolError', rule: 'F2' }],
  ['LROSADs_putAsyncRelativeRetryInvalidHeader', 'R7 R13 T3', { error: 'HttpError', status: 404 }],
  ['LROSADs_putAsyncRelativeRetryInvalidJsonPolling', 'R9 F2', { error: 'ProtocolError', rule: 'R9' }],
  // the relative Location /foo is resolved (R7) and answers 404; /foo is not the resource nor under it, so the
  // 404 proves nothing (R14): a Location poll 4xx is a failed snapshot (R13), never a success
  ['LROSADs_delete202RetryInvalidHeader', 'R7 R14 R13 T3', { state: 'failed', status: 'Failed', polls: 1 }],
  // the relative monitor /foo answers 404: not proof of deletion (R14), a monitor 4xx is an HttpError (R13)
  ['LROSADs_deleteAsyncRelativeRetryInvalidHeader', 'R7 R14 R13', { error: 'HttpError', status: 404 }],
  ['LROSADs_deleteAsyncRelativeRetryInvalidJsonPolling', 'R9 F2', { error: 'ProtocolError', rule: 'R9' }],
  // the relative Location /foo is resolved (R7) and answers 404: a Location poll 4xx is a failed snapshot (R13)
  ['LROSADs_post202RetryInvalidHeader', 'R7 R13', { state: 'failed', status: 'Failed', polls: 1 }],
  ['LROSADs_postAsyncRelativeRetryInvalidHeader', 'R7 R13', { error: 'HttpError', status: 404 }],
  ['LROSADs_postAsyncRelativeRetryInvalidJsonPolling', 'R9 F2', { error: 'ProtocolError', rule: 'R9' }],
  [
    'LROsCustomHeader_putAsyncRetrySucceeded',
    'R1 X1',
    {
      state: 'succeeded',
      status: 'Succeeded',
      polls: 3,
      result: { properties: { provisioningState: 'Succeeded' }, id: '100', name: 'foo' },
    },
  ],
  [
    'LROsCustomHeader_put201CreatingSucceeded200',
    'R4',
    {
      state: 'succeeded',
      status: 'Succeeded',
      polls: 1,
      result: { properties: { provisioningState: 'Succeeded' }, id: '100', name: 'foo' },
    },
  ],
  ['LROsCustomHeader_post202Retry200', 'R3', { state: 'succeeded', status: 'Succeeded', polls: 2 }],
  // a monitor with neither result nor properties: the operation has no result (X2)
  ['LROsCustomHeader_postAsyncRetrySucceeded', 'R1 X2', { state: 'succeeded', status: 'Succeeded', polls: 2 }],
];

// Where tracking without finalStateVia must end otherwise (PROTOCOL X5, POST not given: the initial
// Location): the route answers that Location with 400, as it expects only a client told to read the monitor.
const WITHOUT_FINAL_STATE_VIA: Record<string, Expected> = {
  LROs_postDoubleHeadersFinalAzureHeaderGet: { error: 'HttpError', status: 400 },
};

// The LRO operations of the server's swagger, by operationId.
const OPERATIONS = new Map(autoRestRoutes().map((route) => [route.operationId, route]));

/**
 * The server keeps each scenario's progress in cookies, as a browser would: this `fetch` keeps a
 * cookie jar over the default transport (cross-fetch), one jar per scenario.
 */
function cookieFetch(): FetchLike {
  const jar = new Map<string, string>();
  const fetchImpl = crossFetch as unknown as FetchLike;
  return async (url, init) => {
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetchImpl(url, cookie ? { ...init, headers: { ...init.headers, cookie } } : init);
    const raw = (response.headers as unknown as { raw?: () => Record<string, string[]> }).raw?.()['set-cookie'] ?? [];
    for (const line of raw) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(attributes.join(';'))) jar.delete(name);
      else jar.set(name, pair.slice(at + 1));
    }
    return response;
  };
}

let server: AutoRestServer | undefined;
let base = '';

beforeAll(async () => {
  server = await startAutoRestServer();
  base = server.base;
}, 60_000);

afterAll(() => server?.stop());

const CLIENT_REQUEST_ID = '9C4D50EE-2D56-4CD3-8152-34347DC9F2B0';

/**
 * The two ways a client tracks each LRO: with no `finalStateVia`, and with the one a client generated
 * for an ARM service passes (the swagger's own `x-ms-long-running-operation-options`, else PUT and
 * PATCH `original-uri`, POST `location`, DELETE none).
 */
const RUNS = {
  'without finalStateVia': (): PollOptions['finalStateVia'] => undefined,
  'with the generated client’s finalStateVia': (operation: AutoRestRoute): PollOptions['finalStateVia'] =>
    operation.finalStateVia ?? GENERATED_FINAL_STATE_VIA[operation.method],
} as const;
type RunName = keyof typeof RUNS;

const GENERATED_FINAL_STATE_VIA: Partial<Record<LroMethod, PollOptions['finalStateVia']>> = {
  PUT: 'original-uri',
  PATCH: 'original-uri',
  POST: 'location',
};

async function track(
  operationId: string,
  extra: PollOptions = {},
  run: RunName = 'with the generated client’s finalStateVia',
): Promise<{ snapshots: Awaited<ReturnType<typeof collect>>; error?: unknown }> {
  const operation = OPERATIONS.get(operationId);
  if (!operation) throw new Error(`${operationId} is not an LRO of the server's swagger`);
  // The custom-header scenarios check that every request carries the caller's x-ms-client-request-id.
  const headers = operationId.startsWith('LROsCustomHeader') ? { 'x-ms-client-request-id': CLIENT_REQUEST_ID } : undefined;
  const options: PollOptions = {
    fetch: cookieFetch(),
    delay: 1,
    retry: { baseDelayMs: 1, jitter: 0 },
    ...(headers ? { headers } : {}),
    ...extra,
  };
  const via = RUNS[run](operation);
  if (via !== undefined) options.finalStateVia = via;
  const request = {
    method: operation.method,
    url: `${base}${operation.path}`,
    ...(operation.method === 'PUT' || operation.method === 'PATCH' ? { body: { location: 'West US' } } : {}),
  };
  try {
    return { snapshots: await collect(trackOperation(request, options)) };
  } catch (error) {
    return { snapshots: [], error };
  }
}

function collect(source: ReturnType<typeof trackOperation>) {
  return lastValueFrom(source.pipe(toArray()));
}

describe.each(Object.keys(RUNS) as RunName[])("the AutoRest test server's LRO scenarios, %s", (run) => {
  for (const [operationId, rules, generated] of CASES) {
    const expected = (run === 'without finalStateVia' ? WITHOUT_FINAL_STATE_VIA[operationId] : undefined) ?? generated;
    it(`${rules} X5 ${operationId}`, async () => {
      const { snapshots, error } = await track(operationId, {}, run);
      if ('error' in expected) {
        expect(error, 'a typed error, not a made-up outcome').toBeDefined();
        expect(error).toMatchObject({
          name: expected.error,
          ...(expected.status ? { status: expected.status } : {}),
          ...(expected.rule ? { rule: expected.rule } : {}),
        });
        return;
      }
      expect(error).toBeUndefined();
      const last = snapshots.at(-1)!;
      expect(snapshots.filter((s) => s.done)).toHaveLength(1);
      expect({
        state: last.state,
        status: last.status,
        polls: last.polls,
        ...(last.result !== undefined ? { result: last.result } : {}),
      }).toEqual(expected);
      if (last.state !== 'succeeded') expect(last.error?.code).toBeTruthy();
    });
  }

  it('R14 R13 LROSADs_delete202RetryInvalidHeader: the 404 of a wrong URL fails the same with either deleteNotFound, naming the status and URL', async () => {
    for (const deleteNotFound of ['succeeded', 'error'] as const) {
      const { snapshots, error } = await track('LROSADs_delete202RetryInvalidHeader', { deleteNotFound }, run);
      expect(error).toBeUndefined();
      expect(snapshots.at(-1)).toMatchObject({ state: 'failed', httpStatus: 404, error: { code: 'Http404' } });
      expect(snapshots.at(-1)!.error!.message).toContain(`${base}/foo`);
    }
  });

  it('every LRO of the swagger is in the table, and every scenario of the server was exercised (its coverage report)', async () => {
    expect([...OPERATIONS.keys()].sort()).toEqual(CASES.map(([id]) => id).sort());
    const report = (await (await fetch(`${base}/report/azure`)).json()) as Record<string, number>;
    const source = readFileSync(join(serverPackage, 'legacy', 'routes', 'lros.js'), 'utf8');
    const scenarios = [...new Set([...source.matchAll(/coverage\["(\w+)"\]\s*=\s*0/g)].map((m) => m[1]!))];
    expect(scenarios.length).toBeGreaterThan(70);
    expect(scenarios.filter((name) => !(report[name]! > 0))).toEqual([]);
  });
});
