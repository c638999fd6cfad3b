// Differential conformance: rx-lro and @azure/core-lro 3.3.1 (the JS Azure SDK's poller) track the
// same operations over real HTTP and must end the same way: same terminal state, deep-equal result,
// and (over the simulator) the same final GET, i.e. which of the original URL, the initial Location
// or the monitor's resourceLocation each client fetched once the operation was over. The simulator
// serves the same resource at all three, so only its request log tells them apart.
//
// PROTOCOL.md says rx-lro does what the Azure SDKs do where they agree. Where PROTOCOL decides
// otherwise on purpose, the cell is listed in DELIBERATE (DELIBERATE_ROUTES for the AutoRest routes)
// with its rule; the test then asserts that the two DO differ and that rx-lro does what the rule
// says, so an entry can neither go stale nor hide another difference. Every other cell must agree.
//
// 1. rx-lro's simulator: every pattern × the methods it allows × outcome × the variants that change
//    the final result (Location header, resourceLocation, how a Location poll fails) × finalStateVia,
//    plus a DELETE whose first poll answers 404. Each client gets its own path with the same script;
//    results are normalised (origin, operation ids, the two paths) before they are compared.
// 2. The AutoRest test server's LRO routes (each with the swagger's final-state-via).
//
// core-lro gets what a generated client's pipeline would give it: lower-cased headers, parsed JSON,
// transient statuses retried, an error status (or unparsable JSON) thrown as a RestError.
// A RestError while polling makes core-lro's state `failed`; rx-lro's stream errors are `error`.
//
// DIFF_REPORT=1 writes every cell where the two differ, and every DELIBERATE cell, as markdown
// tables (and JSON) to test-results/core-lro-differential*.{md,json}, and prints them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHttpPoller, type OperationResponse, type ResourceLocationConfig, type RunningOperation } from '@azure/core-lro';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trackOperation, type FetchLike, type FinalStateVia, type LroMethod, type PollOptions } from '../../src/index';
import { startSimulator, type LroPattern, type OperationScript, type Simulator } from '../../src/testing/index';
import { autoRestRoutes, startAutoRestServer, type AutoRestRoute, type AutoRestServer } from '../support/autorest-server';

type Outcome = 'Succeeded' | 'Failed' | 'Canceled';

/** One scripted operation, tracked once by each client. */
interface Cell {
  id: string;
  pattern: LroPattern;
  method: LroMethod;
  outcome: Outcome;
  /** Status monitors: the initial response also carries `Location`. */
  location?: boolean;
  /** Status monitors: the succeeded monitor body carries `resourceLocation`. */
  resourceLocation?: boolean;
  /** `location` pattern, Failed/Canceled: an HTTP 400 with `{ error }`, or a 200 whose body has a terminal provisioningState. */
  locationFailure?: 400 | 'provisioning-state';
  /** DELETE: the first poll answers 404 and the operation is gone from then on (R14). */
  fault?: 'gone';
  /**
   * A case seen on real services: a succeeded monitor whose body looks like the resource (`inline`), a
   * service with no GET route on the original URL (`no-get-route`), a wrong relative polling header
   * `/foo` (`wrong-url`), polling URLs under the resource's path that vanish with it (`scoped`).
   */
  variant?: 'inline' | 'no-get-route' | 'wrong-url' | 'scoped';
  finalStateVia: FinalStateVia | undefined;
}

/** How one client saw an operation end: a terminal state (with the result on success), or an error. */
interface Seen {
  state: 'succeeded' | 'failed' | 'canceled' | 'error';
  result?: unknown;
  /** The GETs the simulator counted as final (sent after the operation was over), by what they fetched. */
  finalGets: FinalGet[];
  /** For the report only: the error code/message, never compared (the two libraries word them differently). */
  detail?: string;
}

type FinalGet = 'original' | 'location' | 'resourceLocation' | 'other';

/** A difference PROTOCOL.md decides on purpose; `rxLro` is what rx-lro must then produce. */
interface Deliberate {
  rule: string;
  when: (cell: Cell) => boolean;
  reason: string;
  rxLro: (cell: Cell) => Seen;
}

const API_VERSION = '2024-01-01';
const PREFIX = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Test/widgets';
const CONCURRENCY = 8;

const MONITOR_PATTERNS: readonly LroPattern[] = ['azure-async-operation', 'operation-location'];
const METHODS_OF: Record<LroPattern, readonly LroMethod[]> = {
  'azure-async-operation': ['PUT', 'PATCH', 'POST', 'DELETE'],
  'operation-location': ['PUT', 'PATCH', 'POST', 'DELETE'],
  location: ['PUT', 'PATCH', 'POST', 'DELETE'],
  'provisioning-state': ['PUT', 'PATCH'],
  sync: ['PUT', 'PATCH', 'POST', 'DELETE'],
};
const OUTCOMES: readonly Outcome[] = ['Succeeded', 'Failed', 'Canceled'];
const FINAL_STATE_VIA: ReadonlyArray<FinalStateVia | undefined> = [
  undefined,
  'azure-async-operation',
  'operation-location',
  'location',
  'original-uri',
];
const SHORT: Record<LroPattern, string> = {
  'azure-async-operation': 'aao',
  'operation-location': 'oploc',
  location: 'loc',
  'provisioning-state': 'ps',
  sync: 'sync',
};

/** The final resource (PUT/PATCH) or action result (POST) of a cell: the same for both clients, whatever their path. */
function resourceOf(cell: Cell): Record<string, unknown> | undefined {
  switch (cell.method) {
    case 'PUT':
    case 'PATCH':
      return { id: `${PREFIX}/${cell.id}`, name: cell.id, type: 'Microsoft.Test/widgets', properties: { size: 3 } };
    case 'POST':
      return { output: { cell: cell.id, value: 42 } };
    case 'DELETE':
      return undefined;
  }
}

function requestBody(cell: Cell): unknown {
  if (cell.method === 'PUT' || cell.method === 'PATCH') return { properties: { size: 3 } };
  if (cell.method === 'POST') return { action: 'run' };
  return undefined;
}

function scriptOf(cell: Cell): OperationScript {
  // polls: 2 makes every operation terminal at its second poll, whatever the timing; id and name
  // (normalised) but no times in monitor bodies, so bodies compare equal across the two runs.
  const script: OperationScript = { pattern: cell.pattern, polls: 2, outcome: cell.outcome, monitorFields: ['id', 'name'] };
  const resource = resourceOf(cell);
  if (resource !== undefined) script.resource = resource;
  if (cell.location !== undefined) script.location = cell.location;
  if (cell.resourceLocation !== undefined) script.resourceLocation = cell.resourceLocation;
  if (cell.locationFailure !== undefined) script.locationFailure = cell.locationFailure;
  if (cell.fault === 'gone') script.faults = [{ on: 'poll', nth: 1, kind: 'gone' }];
  if (cell.variant === 'inline') script.monitorResult = 'inline';
  if (cell.variant === 'no-get-route') script.resourceRoute = false;
  if (cell.variant === 'wrong-url') script.pollingUrl = '/foo';
  if (cell.variant === 'scoped') script.resourceScopedUrls = true;
  return script;
}

function cellId(cell: Omit<Cell, 'id'>): string {
  const parts = [SHORT[cell.pattern], cell.method.toLowerCase(), cell.outcome.toLowerCase()];
  if (cell.location !== undefined) parts.push(`loc${cell.location ? 1 : 0}`);
  if (cell.resourceLocation !== undefined) parts.push(`rl${cell.resourceLocation ? 1 : 0}`);
  if (cell.locationFailure !== undefined) parts.push(cell.locationFailure === 400 ? 'http400' : 'psfail');
  if (cell.fault !== undefined) parts.push(cell.fault);
  if (cell.variant !== undefined) parts.push(cell.variant);
  parts.push(`fsv-${cell.finalStateVia ?? 'none'}`);
  return parts.join('-');
}

function buildCells(): Cell[] {
  const cells: Cell[] = [];
  const add = (cell: Omit<Cell, 'id'>): void => {
    cells.push({ ...cell, id: cellId(cell) });
  };
  for (const pattern of Object.keys(METHODS_OF) as LroPattern[]) {
    for (const method of METHODS_OF[pattern]) {
      for (const outcome of OUTCOMES) {
        for (const finalStateVia of FINAL_STATE_VIA) {
          const base = { pattern, method, outcome, finalStateVia };
          if (MONITOR_PATTERNS.includes(pattern)) {
            if (outcome === 'Succeeded') {
              for (const location of [false, true]) {
                for (const resourceLocation of [false, true]) add({ ...base, location, resourceLocation });
              }
            } else {
              // resourceLocation is only in a succeeded monitor body: only Location can tempt a final GET (X6).
              for (const location of [false, true]) add({ ...base, location });
            }
          } else if (pattern === 'location' && outcome !== 'Succeeded') {
            for (const locationFailure of [400, 'provisioning-state'] as const) add({ ...base, locationFailure });
          } else if (pattern === 'sync' && outcome !== 'Succeeded' && (method === 'POST' || method === 'DELETE')) {
            // A POST/DELETE answered at once carries no state: the outcome cannot be scripted.
          } else {
            add(base);
          }
        }
      }
    }
  }
  // R14: a DELETE whose first poll answers 404 from the simulator's (subscription-level) polling URL.
  for (const pattern of ['azure-async-operation', 'operation-location', 'location'] as const) {
    add({ pattern, method: 'DELETE', outcome: 'Succeeded', fault: 'gone', finalStateVia: undefined });
  }
  for (const finalStateVia of FINAL_STATE_VIA) {
    const succeeded = { outcome: 'Succeeded' as const, finalStateVia };
    // X1 X2 X5: a monitor that looks like the resource is still not where a PUT/PATCH result comes from.
    for (const pattern of MONITOR_PATTERNS) {
      for (const method of ['PUT', 'PATCH', 'POST'] as const) add({ ...succeeded, pattern, method, variant: 'inline' });
    }
    // X5: the terminal Location response is the result; the original URL has no GET route to fall back on.
    for (const method of ['PUT', 'PATCH'] as const) add({ ...succeeded, pattern: 'location', method, variant: 'no-get-route' });
    // R13 R14: the 404 of a wrong URL is no proof of deletion; under the resource's path it is.
    for (const pattern of ['azure-async-operation', 'operation-location', 'location'] as const) {
      add({ ...succeeded, pattern, method: 'DELETE', variant: 'wrong-url' });
      add({ ...succeeded, pattern, method: 'DELETE', variant: 'scoped' });
    }
  }
  return cells;
}

/** The PROTOCOL.md rule ids a cell exercises, for its test name. */
function rulesOf(cell: Cell): string[] {
  const rules = [
    { 'azure-async-operation': 'R1', 'operation-location': 'R2', location: 'R3', 'provisioning-state': 'R4', sync: 'R5' }[cell.pattern],
  ];
  const monitor = MONITOR_PATTERNS.includes(cell.pattern);
  if (cell.fault === 'gone' || cell.variant === 'wrong-url') return [...rules, 'R13', 'R14'];
  if (cell.variant === 'scoped') return [...rules, 'R14'];
  if (cell.outcome !== 'Succeeded') {
    if (cell.locationFailure === 400) rules.push('R13');
    if (cell.pattern !== 'sync' && cell.pattern !== 'provisioning-state') rules.push('X6');
    return rules;
  }
  if (monitor) {
    rules.push({ PUT: 'X1', PATCH: 'X1', POST: 'X2', GET: 'X2', DELETE: 'X3' }[cell.method]);
    if (cell.resourceLocation) rules.push('X4');
    rules.push('X5');
  } else if (cell.pattern === 'location') {
    if (cell.method === 'DELETE') rules.push('X3');
    rules.push('X5');
  }
  return rules;
}

function describeCell(cell: Cell): string {
  const variants = [
    cell.location === undefined ? undefined : `location=${cell.location}`,
    cell.resourceLocation === undefined ? undefined : `resourceLocation=${cell.resourceLocation}`,
    cell.locationFailure === undefined ? undefined : `locationFailure=${cell.locationFailure}`,
    cell.fault === undefined ? undefined : `fault=${cell.fault}@poll1`,
    cell.variant,
  ].filter((v) => v !== undefined);
  return [cell.method, cell.pattern, cell.outcome, ...variants, `fsv=${cell.finalStateVia ?? '(none)'}`].join(' ');
}

// ---- The two clients -------------------------------------------------------------------------

/** What a client reports; the final GETs come from the simulator's log. */
type Ending = Omit<Seen, 'finalGets'>;

type Fetch = typeof globalThis.fetch;

/** An operation to start, the same for both clients. */
interface Start {
  method: LroMethod;
  url: string;
  body?: unknown;
  /** Sent with every request (the AutoRest custom-header scenarios check them). */
  headers?: Record<string, string>;
  finalStateVia: FinalStateVia | undefined;
  /** Both clients send through this fetch (globalThis.fetch, or a cookie jar over it). */
  fetch: Fetch;
}

async function trackWithRxLro(start: Start): Promise<Ending> {
  const options: PollOptions = { delay: 1, retry: { baseDelayMs: 1, jitter: 0 }, fetch: start.fetch as unknown as FetchLike };
  if (start.finalStateVia !== undefined) options.finalStateVia = start.finalStateVia;
  if (start.headers !== undefined) options.headers = start.headers;
  const request =
    start.body === undefined ? { method: start.method, url: start.url } : { method: start.method, url: start.url, body: start.body };
  try {
    const snapshots = await lastValueFrom(trackOperation(request, options).pipe(toArray()));
    const last = snapshots[snapshots.length - 1];
    if (last === undefined) return { state: 'error', detail: 'the stream completed without a snapshot' };
    if (last.state === 'running') return { state: 'error', detail: 'the stream completed while running' };
    if (last.state === 'succeeded') return 'result' in last ? { state: 'succeeded', result: last.result } : { state: 'succeeded' };
    return { state: last.state, detail: `${last.error?.code}: ${last.error?.message}` };
  } catch (error) {
    const e = error as { name?: string; code?: string; message?: string };
    return { state: 'error', detail: `${e.name} (${e.code}): ${e.message}` };
  }
}

/** What a core-client pipeline throws for an error status: core-lro tells operation errors by this name. */
class RestError extends Error {
  override readonly name = 'RestError';
  constructor(
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
  }
}

/** `408`, `429` and the 5xx but `501`/`505`: what the Azure SDK pipeline's retry policies retry. */
const isTransient = (status: number): boolean => status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
const PIPELINE_RETRIES = 3;

/**
 * One request as a generated client's pipeline sends it for core-lro: transient statuses retried,
 * the JSON body parsed, header names lower-cased, and an error status thrown as a `RestError`.
 */
async function send(start: Start, method: string, url: string, body?: unknown): Promise<OperationResponse> {
  const headers: Record<string, string> = { accept: 'application/json', ...start.headers };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response = await start.fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  for (let retry = 1; retry <= PIPELINE_RETRIES && isTransient(response.status); retry++) {
    await response.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 1));
    response = await start.fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  }
  const text = await response.text();
  let parsed: unknown;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      // core-client's deserialization policy fails a JSON response it cannot parse.
      if (/json/i.test(response.headers.get('content-type') ?? '')) {
        throw new RestError(`PARSE_ERROR: the ${response.status} body of ${method} is not JSON`, response.status);
      }
      parsed = text;
    }
  }
  const responseHeaders: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    responseHeaders[name.toLowerCase()] = value;
  });
  if (response.status >= 400) {
    const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new RestError(`${response.status} ${error?.code ?? ''}: ${error?.message ?? text.slice(0, 200)}`, response.status);
  }
  return {
    flatResponse: parsed,
    rawResponse: { statusCode: response.status, request: { method, url }, headers: responseHeaders, body: parsed },
  };
}

async function trackWithCoreLro(start: Start): Promise<Ending> {
  const lro: RunningOperation = {
    sendInitialRequest: () => send(start, start.method, start.url, start.body),
    sendPollRequest: (path) => send(start, 'GET', new URL(path, start.url).href),
  };
  const poller = createHttpPoller<unknown, { status: 'notStarted' | 'running' | 'succeeded' | 'canceled' | 'failed'; result?: unknown }>(
    lro,
    start.finalStateVia === undefined
      ? { intervalInMs: 1 }
      : { intervalInMs: 1, resourceLocationConfig: start.finalStateVia as ResourceLocationConfig },
  );
  try {
    const result = await poller.pollUntilDone();
    const status = poller.operationState?.status;
    if (status !== 'succeeded') return { state: 'error', detail: `pollUntilDone resolved with status ${status}` };
    return result === undefined ? { state: 'succeeded' } : { state: 'succeeded', result };
  } catch (error) {
    const status = poller.operationState?.status;
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (status === 'failed' || status === 'canceled') return { state: status, detail: message };
    return { state: 'error', detail: message };
  }
}

// ---- Comparison ------------------------------------------------------------------------------

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** Replaces what depends on the run (origin, operation ids, which client's path) with placeholders. */
function normalise(value: unknown, sim: Simulator, paths: readonly string[]): unknown {
  if (typeof value === 'string') {
    let text = value.split(sim.url).join('{origin}');
    for (const path of paths) text = text.split(path).join('{path}');
    return text.replace(UUID, '{uuid}');
  }
  if (Array.isArray(value)) return value.map((v) => normalise(v, sim, paths));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v, sim, paths)]));
  }
  return value;
}

/** What is compared: the state, the result when it succeeded, the final GETs. */
function comparable(seen: Seen): Pick<Seen, 'state' | 'result' | 'finalGets'> {
  return seen.state === 'succeeded'
    ? { state: seen.state, result: seen.result, finalGets: seen.finalGets }
    : { state: seen.state, finalGets: seen.finalGets };
}

function same(a: Seen, b: Seen): boolean {
  try {
    expect(comparable(a)).toEqual(comparable(b));
    return true;
  } catch {
    return false;
  }
}

/** The final GETs of the operation one client started on `path`, from the simulator's request log. */
function finalGetsOf(method: LroMethod, path: string): FinalGet[] {
  const pathOf = (url: string): string => new URL(url, sim.url).pathname;
  const initial = sim.requests.find((r) => r.kind === 'initial' && r.method === method && pathOf(r.url) === path);
  if (initial?.operationId === undefined) return [];
  return sim.requests
    .filter((r) => r.kind === 'final' && r.operationId === initial.operationId)
    .map((r) => {
      const requested = pathOf(r.url);
      if (requested === path) return 'original';
      if (requested.includes('/operationResults/')) return 'location';
      if (requested.includes('/operationResources/')) return 'resourceLocation';
      return 'other';
    });
}

// ---- Deliberate differences (PROTOCOL.md decides otherwise than core-lro 3.3.1) ---------------

const isMonitor = (cell: Cell): boolean => MONITOR_PATTERNS.includes(cell.pattern);
const monitorSucceeded = (cell: Cell): boolean =>
  isMonitor(cell) && cell.outcome === 'Succeeded' && cell.fault === undefined && cell.variant !== 'wrong-url' && cell.variant !== 'scoped';
const endedAs = (cell: Cell): Seen['state'] =>
  cell.outcome === 'Failed' ? 'failed' : cell.outcome === 'Canceled' ? 'canceled' : 'succeeded';

/** A PUT/PATCH cell's resource as the simulator serves it once the operation is over. */
function resourceIn(cell: Cell, provisioningState: string): Record<string, unknown> {
  const resource = resourceOf(cell)!;
  return { ...resource, properties: { ...(resource.properties as Record<string, unknown>), provisioningState } };
}

const DELIBERATE: Deliberate[] = [
  {
    rule: 'X3',
    when: (c) => monitorSucceeded(c) && c.method === 'DELETE',
    reason:
      'a DELETE tracked by a status monitor has no result and no final GET, whatever finalStateVia or resourceLocation say; ' +
      'core-lro 3.3.1 returns the monitor body as the result, and GETs a resourceLocation (a 404 once the resource is gone, which fails the poller)',
    rxLro: () => ({ state: 'succeeded', finalGets: [] }),
  },
  {
    rule: 'X2 X5',
    when: (c) =>
      monitorSucceeded(c) &&
      c.method === 'POST' &&
      c.variant !== 'inline' &&
      c.resourceLocation !== true &&
      (c.finalStateVia === 'azure-async-operation' ||
        c.finalStateVia === 'operation-location' ||
        (c.location !== true && (c.finalStateVia === undefined || c.finalStateVia === 'location'))),
    reason:
      "a POST whose result comes from its status monitor gets the monitor's `result` (data plane) or `properties` (ARM); " +
      'core-lro 3.3.1 returns the whole status body (id, name, status, …)',
    rxLro: (c) => ({ state: 'succeeded', result: resourceOf(c), finalGets: [] }),
  },
  {
    rule: 'X2',
    when: (c) =>
      monitorSucceeded(c) &&
      c.method === 'POST' &&
      c.variant === 'inline' &&
      (c.finalStateVia === undefined || c.finalStateVia === 'location'),
    reason:
      'a POST without Location whose succeeded monitor has neither `result` nor `properties` has no result; ' +
      'core-lro 3.3.1 returns the whole status body',
    rxLro: () => ({ state: 'succeeded', finalGets: [] }),
  },
  {
    rule: 'X1 X5',
    when: (c) =>
      monitorSucceeded(c) && c.method === 'PATCH' && c.location === true && c.resourceLocation !== true && c.finalStateVia === undefined,
    reason:
      'a PATCH without finalStateVia GETs the original URL (only `location` makes it GET the initial Location); ' +
      'core-lro 3.3.1 GETs the initial Location whenever there is one',
    rxLro: (c) => ({ state: 'succeeded', result: resourceIn(c, 'Succeeded'), finalGets: ['original'] }),
  },
  {
    rule: 'R3',
    when: (c) => c.pattern === 'location' && c.locationFailure === 'provisioning-state',
    reason:
      'a terminal Location response whose body has provisioningState Failed/Canceled ends the operation failed/canceled; ' +
      'core-lro 3.3.1 judges a Location poll by its HTTP status alone and reports success with that body',
    rxLro: (c) => ({ state: endedAs(c), finalGets: [] }),
  },
  {
    rule: 'R4',
    when: (c) => c.pattern === 'provisioning-state' && c.method === 'PATCH',
    reason:
      'a PATCH answered with a non-terminal provisioningState and no polling header is polled on its URL, as a PUT is; ' +
      'core-lro 3.3.1 polls the body of a PUT only, and reports the PATCH succeeded at once with its still-running body',
    rxLro: (c) =>
      c.outcome === 'Succeeded'
        ? { state: 'succeeded', result: resourceIn(c, 'Succeeded'), finalGets: [] }
        : { state: endedAs(c), finalGets: [] },
  },
  {
    rule: 'R5',
    when: (c) => c.pattern === 'sync' && c.method === 'PATCH' && c.outcome !== 'Succeeded',
    reason:
      'a PATCH answered 200 with a terminal provisioningState is finished in that state, as a PUT is; ' +
      'core-lro 3.3.1 reads the provisioningState of a PUT only, and reports a PATCH whose body says Failed/Canceled as succeeded',
    rxLro: (c) => ({ state: endedAs(c), finalGets: [] }),
  },
  {
    rule: 'R13 R14',
    when: (c) => (c.fault === 'gone' || c.variant === 'wrong-url') && isMonitor(c),
    reason:
      'a 404 from a subscription-level status monitor is no proof that the resource is gone (R14): the status could not be read, ' +
      'and the stream ends with an HttpError (R13); core-lro 3.3.1 has no such outcome and marks the operation failed',
    rxLro: () => ({ state: 'error', finalGets: [] }),
  },
  {
    rule: 'R14',
    when: (c) => c.variant === 'scoped',
    reason:
      "a DELETE whose polling URL under the resource's own path answers 404 succeeded: the URL went away with the resource; " +
      'core-lro 3.3.1 (like every Azure SDK) marks the operation failed',
    rxLro: () => ({ state: 'succeeded', finalGets: [] }),
  },
];

// ---- The run ---------------------------------------------------------------------------------

interface Run {
  cell: Cell;
  rx: Seen;
  core: Seen;
  deliberate: Deliberate | undefined;
}

const CELLS = buildCells();
const runs = new Map<string, Run>();
let sim: Simulator;
let elapsedMs = 0;

async function runCell(cell: Cell): Promise<Run> {
  const paths = [`${PREFIX}/${cell.id}-rx`, `${PREFIX}/${cell.id}-core`] as const;
  const script = scriptOf(cell);
  for (const path of paths) sim.define(`${cell.method} ${path}`, script);
  const start = (path: string): Start => {
    const body = requestBody(cell);
    const url = `${sim.url}${path}?api-version=${API_VERSION}`;
    return {
      method: cell.method,
      url,
      finalStateVia: cell.finalStateVia,
      fetch: globalThis.fetch,
      ...(body === undefined ? {} : { body }),
    };
  };
  const [rx, core] = await Promise.all([trackWithRxLro(start(paths[0])), trackWithCoreLro(start(paths[1]))]);
  const seen = (ending: Ending, path: string): Seen => {
    const finalGets = finalGetsOf(cell.method, path);
    return 'result' in ending ? { ...ending, result: normalise(ending.result, sim, paths), finalGets } : { ...ending, finalGets };
  };
  const deliberate = DELIBERATE.find((d) => d.when(cell));
  return { cell, rx: seen(rx, paths[0]), core: seen(core, paths[1]), deliberate };
}

async function runAll(cells: readonly Cell[]): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cells.length) {
      const cell = cells[next++]!;
      runs.set(cell.id, await runCell(cell));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

function show(seen: Seen, finalGets = true): string {
  const parts: string[] = [seen.state];
  if (seen.state === 'succeeded') parts.push(seen.result === undefined ? 'no result' : `\`${JSON.stringify(seen.result)}\``);
  if (finalGets) parts.push(seen.finalGets.length === 0 ? '(no final GET)' : `(final GET: ${seen.finalGets.join(', ')})`);
  if (seen.detail !== undefined) parts.push(seen.detail.slice(0, 300));
  return parts.join(' ').replace(/\s+/g, ' ').replace(/\|/g, '\\|');
}

function writeReport(): void {
  const rows = [...runs.values()].filter((run) => !same(run.rx, run.core) || run.deliberate !== undefined);
  const lines = [
    `# rx-lro vs @azure/core-lro 3.3.1: ${rows.length} of ${runs.size} cells listed (${elapsedMs} ms)`,
    '',
    'Cells where the two differ, and cells listed in DELIBERATE (expected to differ).',
    '',
    '| cell | rules | rx-lro | core-lro | DELIBERATE |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      ({ cell, rx, core, deliberate }) =>
        `| ${describeCell(cell)} | ${rulesOf(cell).join(' ')} | ${show(rx)} | ${show(core)} | ${deliberate ? `${deliberate.rule}${same(rx, core) ? ' (but they agree)' : ''}` : ''} |`,
    ),
    '',
  ];
  const dir = join(ROOT, 'test-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'core-lro-differential.md'), lines.join('\n'));
  writeFileSync(join(dir, 'core-lro-differential.json'), JSON.stringify(rows, null, 2));
  console.log(lines.join('\n'));
}

describe('rx-lro and @azure/core-lro 3.3.1 over the simulator', () => {
  beforeAll(async () => {
    sim = await startSimulator({ maxRecordedRequests: 100_000 });
    const started = Date.now();
    await runAll(CELLS);
    elapsedMs = Date.now() - started;
  }, 60_000);

  afterAll(async () => {
    if (process.env.DIFF_REPORT === '1' && runs.size > 0) writeReport();
    await sim?.close();
  });

  it('covers every pattern, method, outcome and finalStateVia with unique cells', () => {
    expect(new Set(CELLS.map((c) => c.id)).size).toBe(CELLS.length);
    expect(runs.size).toBe(CELLS.length);
  });

  for (const cell of CELLS) {
    const deliberate = DELIBERATE.find((d) => d.when(cell));
    const rules = rulesOf(cell);
    if (deliberate) {
      for (const rule of deliberate.rule.split(' ')) if (!rules.includes(rule)) rules.push(rule);
    }
    const name = `${rules.join(' ')} ${describeCell(cell)}: ${deliberate ? `differs from core-lro on purpose (${deliberate.rule})` : 'as core-lro'}`;
    it(name, () => {
      const run = runs.get(cell.id)!;
      if (deliberate) {
        expect(comparable(run.rx), `${deliberate.rule}: ${deliberate.reason}`).toEqual(comparable(deliberate.rxLro(cell)));
        expect(same(run.rx, run.core), `${deliberate.rule} no longer differs from core-lro: remove the entry`).toBe(false);
      } else {
        expect(comparable(run.rx), `rx-lro ${show(run.rx)}; core-lro ${show(run.core)}`).toEqual(comparable(run.core));
      }
    });
  }
});

// ---- The AutoRest test server's LRO routes ---------------------------------------------------
// The server every Azure SDK generator is tested against (started as test/conformance/autorest.test.ts
// does). Its routes keep their progress in cookies: each client gets its own jar, so each runs the
// scenario from the start. No request log here: state and result are compared, not the final GETs.

const ROOT = join(__dirname, '..', '..');

type Route = AutoRestRoute;

/** A difference PROTOCOL.md decides on purpose, for AutoRest routes. */
interface DeliberateRoute {
  rule: string;
  when: (route: Route) => boolean;
  reason: string;
  rxLro: (route: Route) => Omit<Seen, 'finalGets'>;
}

/**
 * A cookie jar over globalThis.fetch, as a browser keeps one. Requests to another origin (a route
 * that sends a header no client should follow, http://localhost/fakeurl…) fail as a refused
 * connection would, without leaving the machine's test servers.
 */
function cookieJarFetch(origin: string): Fetch {
  const jar = new Map<string, string>();
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (new URL(url).origin !== origin) throw new TypeError(`fetch failed: ${url} is not the test server`);
    const headers = new Headers(init?.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await globalThis.fetch(input, { ...init, headers });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(attributes.join(';'))) jar.delete(name);
      else jar.set(name, pair.slice(at + 1));
    }
    return response;
  };
}

function routeRules(route: Route): string[] {
  const rules = [{ PUT: 'X1', PATCH: 'X1', POST: 'X2', GET: 'X2', DELETE: 'X3' }[route.method]];
  if (route.finalStateVia !== undefined) rules.push('X5');
  return rules;
}

const among =
  (...operationIds: string[]) =>
  (route: Route): boolean =>
    operationIds.includes(route.operationId);

const DELIBERATE_ROUTES: DeliberateRoute[] = [
  {
    rule: 'X3',
    when: among(
      'LRORetrys_deleteAsyncRelativeRetrySucceeded',
      'LROs_deleteAsyncNoHeaderInRetry',
      'LROs_deleteAsyncNoRetrySucceeded',
      'LROs_deleteAsyncRetrySucceeded',
    ),
    reason: 'a DELETE takes no result from its status monitor; core-lro 3.3.1 returns the monitor body',
    rxLro: () => ({ state: 'succeeded' }),
  },
  {
    rule: 'X2',
    when: among('LROsCustomHeader_postAsyncRetrySucceeded'),
    reason:
      'a POST without Location whose succeeded monitor has neither `result` nor `properties` has no result; core-lro 3.3.1 returns the monitor body',
    rxLro: () => ({ state: 'succeeded' }),
  },
  {
    rule: 'X1 X5',
    when: among('LROs_patch202RetryWithAsyncAndLocationHeader'),
    reason: 'a PATCH without finalStateVia GETs the original URL; core-lro 3.3.1 GETs the initial Location',
    rxLro: () => ({
      state: 'succeeded',
      result: { properties: { provisioningState: 'Succeeded' }, id: '/lro/patch/202/retry/asyncAndLocationHeader', name: 'foo' },
    }),
  },
  {
    rule: 'R3',
    when: among('LROs_deleteProvisioning202Deletingcanceled200', 'LROs_deleteProvisioning202DeletingFailed200'),
    reason:
      'a terminal Location response whose body has provisioningState Failed/Canceled ends the operation so; core-lro 3.3.1 reports success with that body',
    rxLro: (route) => ({ state: route.operationId.endsWith('canceled200') ? 'canceled' : 'failed' }),
  },
  {
    rule: 'R5',
    when: among('LROs_patch200SucceededIgnoreHeaders'),
    reason:
      'a PATCH answered 200 with a terminal provisioningState is done, its polling headers ignored; ' +
      'core-lro 3.3.1 reads provisioningState for a PUT only and follows the Azure-AsyncOperation header (a URL that must not be called)',
    rxLro: () => ({ state: 'succeeded', result: { properties: { provisioningState: 'Succeeded' }, id: '100', name: 'foo' } }),
  },
  {
    rule: 'R13',
    when: among(
      'LROSADs_deleteAsyncRelativeRetry400',
      'LROSADs_postAsyncRelativeRetry400',
      'LROSADs_putAsyncRelativeRetry400',
      'LROSADs_postAsyncRelativeRetryInvalidHeader',
      'LROSADs_putAsyncRelativeRetryInvalidHeader',
    ),
    reason:
      'an error status from a status monitor means the status could not be read: the stream ends with an HttpError; ' +
      'core-lro 3.3.1 marks the operation failed',
    rxLro: () => ({ state: 'error' }),
  },
  {
    rule: 'R13 R14',
    when: among('LROSADs_deleteAsyncRelativeRetryInvalidHeader'),
    reason:
      'a 404 from a status monitor at /foo is no proof that the deleted resource is gone (R14): the stream ends with an HttpError (R13); ' +
      'core-lro 3.3.1 marks the operation failed',
    rxLro: () => ({ state: 'error' }),
  },
  {
    rule: 'R4 R13',
    when: among('LROSADs_putNonRetry201Creating400', 'LROSADs_putNonRetry201Creating400InvalidJson'),
    reason:
      "an error status while polling a PUT's own URL for its provisioningState means the state could not be read: an HttpError, " +
      'as from a status monitor; core-lro 3.3.1 marks the operation failed',
    rxLro: () => ({ state: 'error' }),
  },
  {
    rule: 'R9',
    when: among(
      'LROSADs_deleteAsyncRelativeRetryNoStatus',
      'LROSADs_postAsyncRelativeRetryNoPayload',
      'LROSADs_putAsyncRelativeRetryNoStatus',
      'LROSADs_putAsyncRelativeRetryNoStatusPayload',
      'LROSADs_deleteAsyncRelativeRetryInvalidJsonPolling',
      'LROSADs_postAsyncRelativeRetryInvalidJsonPolling',
      'LROSADs_putAsyncRelativeRetryInvalidJsonPolling',
    ),
    reason:
      'a status monitor body without a string `status` (missing, or not JSON) is a ProtocolError; ' +
      'core-lro 3.3.1 takes a missing status for success from the HTTP status, and marks an unparsable body failed',
    rxLro: () => ({ state: 'error' }),
  },
  {
    rule: 'R6',
    when: among('LROSADs_post202NoLocation'),
    reason: 'a 202 to a POST with no polling header is a ProtocolError; core-lro 3.3.1 reports success with no result',
    rxLro: () => ({ state: 'error' }),
  },
];

const ROUTES = autoRestRoutes();
const routeRuns = new Map<string, { rx: Seen; core: Seen }>();

describe("rx-lro and @azure/core-lro 3.3.1 over the AutoRest test server's LRO routes", () => {
  let server: AutoRestServer | undefined;

  beforeAll(async () => {
    server = await startAutoRestServer();
    const { base } = server;
    const run = async (route: Route): Promise<void> => {
      const start = (): Start => ({
        method: route.method,
        url: `${base}${route.path}`,
        finalStateVia: route.finalStateVia,
        fetch: cookieJarFetch(base),
        ...(route.method === 'PUT' || route.method === 'PATCH' ? { body: { location: 'West US' } } : {}),
        // The custom-header routes check that every request carries the caller's client request id.
        ...(route.operationId.startsWith('LROsCustomHeader')
          ? { headers: { 'x-ms-client-request-id': '9C4D50EE-2D56-4CD3-8152-34347DC9F2B0' } }
          : {}),
      });
      const [rx, core] = await Promise.all([trackWithRxLro(start()), trackWithCoreLro(start())]);
      routeRuns.set(route.operationId, { rx: { ...rx, finalGets: [] }, core: { ...core, finalGets: [] } });
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < ROUTES.length) await run(ROUTES[next++]!);
      }),
    );
  }, 60_000);

  afterAll(async () => {
    if (process.env.DIFF_REPORT === '1' && routeRuns.size > 0) writeRouteReport();
    await server?.stop();
  });

  it('finds the LRO routes of the swagger', () => {
    expect(ROUTES.length).toBeGreaterThan(70);
    expect(routeRuns.size).toBe(ROUTES.length);
  });

  for (const route of ROUTES) {
    const deliberate = DELIBERATE_ROUTES.find((d) => d.when(route));
    const rules = routeRules(route);
    if (deliberate) {
      for (const rule of deliberate.rule.split(' ')) if (!rules.includes(rule)) rules.push(rule);
    }
    const via = `fsv=${route.finalStateVia ?? '(none)'}`;
    const name = `${rules.join(' ')} ${route.operationId} ${route.method} ${via}: ${deliberate ? `differs from core-lro on purpose (${deliberate.rule})` : 'as core-lro'}`;
    it(name, () => {
      const run = routeRuns.get(route.operationId)!;
      if (deliberate) {
        expect(comparable(run.rx), `${deliberate.rule}: ${deliberate.reason}`).toEqual(
          comparable({ ...deliberate.rxLro(route), finalGets: [] }),
        );
        expect(same(run.rx, run.core), `${deliberate.rule} no longer differs from core-lro: remove the entry`).toBe(false);
      } else {
        expect(comparable(run.rx), `rx-lro ${show(run.rx, false)}; core-lro ${show(run.core, false)}`).toEqual(comparable(run.core));
      }
    });
  }
});

function writeRouteReport(): void {
  const rows = ROUTES.map((route) => ({ route, ...routeRuns.get(route.operationId)! })).filter(
    ({ route, rx, core }) => !same(rx, core) || DELIBERATE_ROUTES.some((d) => d.when(route)),
  );
  const lines = [
    `# rx-lro vs @azure/core-lro 3.3.1 on the AutoRest test server: ${rows.length} of ${routeRuns.size} routes listed`,
    '',
    '| route | rules | rx-lro | core-lro | DELIBERATE |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(({ route, rx, core }) => {
      const deliberate = DELIBERATE_ROUTES.find((d) => d.when(route));
      const via = route.finalStateVia ?? '(none)';
      return `| ${route.operationId} ${route.method} fsv=${via} | ${routeRules(route).join(' ')} | ${show(rx, false)} | ${show(core, false)} | ${deliberate ? deliberate.rule : ''} |`;
    }),
    '',
  ];
  const dir = join(ROOT, 'test-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'core-lro-differential-autorest.md'), lines.join('\n'));
  writeFileSync(join(dir, 'core-lro-differential-autorest.json'), JSON.stringify(rows, null, 2));
  console.log(lines.join('\n'));
}
