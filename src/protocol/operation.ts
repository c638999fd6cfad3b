import { HttpError, ProtocolError, type LroError } from '../errors';
import type { FinalStateVia, LroMethod, OperationError, OperationInfo, OperationSnapshot, OperationState, ResumeToken } from '../snapshot';
import { decodeResult, type ResultDecoder } from './decode';
import { finalPlan, type FinalPlan } from './final-state';
import { nextDelayMs, type DelaySettings } from './delay';
import type { HttpResponse } from './http-response';
import { asRecord, bodyExcerpt, bodyForError, serviceErrorOf } from './json';
import { classifyStatus, provisioningState, readOperationError, readProgress, type StatusTable } from './status';
import { apiVersionOf, isUnderPath, resolveUrl, withApiVersion, withoutQuery } from './url';

/** The protocol's share of the options: what the rules need to decide a step. */
export interface ProtocolSettings<T> extends DelaySettings {
  statuses: StatusTable;
  finalStateVia?: FinalStateVia;
  /** The caller's `api-version` for every URL the service gives, replacing the service's own (R15). */
  apiVersion?: string;
  result?: ResultDecoder<T>;
  /** What a `404` while polling a DELETE means (rule R14). */
  deleteNotFound: 'succeeded' | 'error';
  /** The caller's identity for the operation, the snapshots' `key`. */
  key?: string;
}

/**
 * What a tracker knows between two requests. Plain data; every step makes a new one with all five
 * fields in this order (by `trackState`, or a literal that names them all), so that every state has
 * one shape for the engine, where spreads of states with and without the optional ones made many.
 */
export interface TrackState {
  token: ResumeToken;
  /** Requests sent after the initial one. */
  polls: number;
  /** The last status the service wrote. */
  status: string;
  percentComplete?: number;
  operation?: OperationInfo;
}

/**
 * A new state: `state` with another status, the progress the service reported (what it stopped
 * reporting keeps its last known value), another count of polls or another token.
 */
export function trackState(
  state: TrackState,
  status = state.status,
  progress: { percentComplete?: number; operation?: OperationInfo } = state,
  polls = state.polls,
  token = state.token,
): TrackState {
  return {
    token,
    polls,
    status,
    percentComplete: progress.percentComplete ?? state.percentComplete,
    operation: progress.operation ?? state.operation,
  };
}

/** What the driver does after a response. */
export type Next =
  | { kind: 'poll'; url: string; delayMs: number }
  | { kind: 'final'; url: string }
  | { kind: 'done' }
  | { kind: 'error'; error: LroError; transient?: boolean };

/** The outcome of one response: the new state, the snapshot to emit (if any) and what comes next. */
export interface Step<T> {
  state: TrackState;
  snapshot?: OperationSnapshot<T>;
  next: Next;
}

type Terminal = Exclude<OperationState, 'running'>;

/** `408`, `429` and the 5xx that may pass (not `501`/`505`): retried, never final (rule R13, F1). */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599 && status !== 501 && status !== 505);
}

/**
 * The identity of an operation (the snapshots' `key`): the caller's, else its status monitor or
 * `Location` URL without the query, else its method and initial URL without the query. Kept in the
 * token, so it stays the same when the monitor moves (R8) and after resume.
 */
export function operationKey(token: Pick<ResumeToken, 'key' | 'method' | 'url' | 'mode' | 'pollUrl'>): string {
  if (token.key !== undefined) return token.key;
  if ((token.mode === 'status' || token.mode === 'location') && token.pollUrl !== undefined) return withoutQuery(token.pollUrl);
  return `${token.method} ${withoutQuery(token.url)}`;
}

function makeSnapshot<T>(
  state: TrackState,
  operationState: OperationState,
  httpStatus: number,
  result?: T,
  error?: OperationError,
  nextPollInMs?: number,
): OperationSnapshot<T> {
  // The fields that go with each state are set below; the union is the type the caller narrows (X8).
  const snapshot = {
    key: operationKey(state.token),
    state: operationState,
    done: operationState !== 'running',
    status: state.status,
    httpStatus,
    polls: state.polls,
    resumeToken: state.token,
  } as OperationSnapshot<T> & Record<string, unknown>;
  if (state.percentComplete !== undefined) snapshot.percentComplete = state.percentComplete;
  if (state.operation !== undefined) snapshot.operation = state.operation;
  if (result !== undefined) snapshot.result = result;
  if (error !== undefined) snapshot.error = error;
  if (nextPollInMs !== undefined) snapshot.nextPollInMs = nextPollInMs;
  return snapshot;
}

function fail<T>(state: TrackState, error: LroError, transient?: boolean): Step<T> {
  return { state, next: { kind: 'error', error, transient } };
}

function running<T>(state: TrackState, response: HttpResponse, settings: ProtocolSettings<T>, nowMs: number): Step<T> {
  const url = state.token.pollUrl!;
  const delayMs = nextDelayMs(settings, { polls: state.polls, response }, nowMs);
  return {
    state,
    snapshot: makeSnapshot<T>(state, 'running', response.status, undefined, undefined, delayMs),
    next: { kind: 'poll', url, delayMs },
  };
}

function succeeded<T>(state: TrackState, response: HttpResponse, value: unknown, settings: ProtocolSettings<T>): Step<T> {
  let result = value as T | undefined;
  if (settings.result) {
    const decoded = decodeResult(settings.result, value);
    if (!decoded.ok) return fail(state, decoded.error);
    result = decoded.value;
  }
  const done = state.percentComplete === undefined ? state : trackState(state, undefined, { percentComplete: 100 });
  const snapshot = makeSnapshot<T>(done, 'succeeded', response.status, result);
  return { state: done, snapshot, next: { kind: 'done' } };
}

function ended<T>(state: TrackState, terminal: Exclude<Terminal, 'succeeded'>, response: HttpResponse): Step<T> {
  const error = readOperationError(response.body, state.status, bodyForError(response));
  return { state, snapshot: makeSnapshot<T>(state, terminal, response.status, undefined, error), next: { kind: 'done' } };
}

function httpError<T>(state: TrackState, response: HttpResponse, url: string): Step<T> {
  const error = new HttpError(response.status, 'GET', url, bodyExcerpt(response), serviceErrorOf(response.body));
  return fail(state, error, isTransientStatus(response.status));
}

function withToken(state: TrackState, patch: Partial<ResumeToken>): TrackState {
  return trackState(state, undefined, undefined, undefined, { ...state.token, ...patch });
}

// R15: the api-version a URL from the service is fetched with.
function versioned(url: string, token: ResumeToken): string {
  return withApiVersion(url, token.apiVersion, token.replaceApiVersion === true);
}

type PollingHeader = { mode: 'status' | 'location'; url: string };

// The polling headers by priority, each with how the URL it gives is polled.
const POLLING_HEADERS = [
  ['azure-asyncoperation', 'status'],
  ['operation-location', 'status'],
  ['location', 'location'],
] as const;

/**
 * The polling URL of a response (rule R1–R3, R7): `Azure-AsyncOperation`, else
 * `Operation-Location` (both status monitors), else `Location`. The first header present decides:
 * a broken value there is a `ProtocolError`, while broken headers of lower priority are ignored.
 */
function pollingHeader(headers: Record<string, string>, base: string): PollingHeader | ProtocolError | undefined {
  for (const [name, mode] of POLLING_HEADERS) {
    const value = headers[name];
    if (value === undefined) continue;
    const url = resolveUrl(value, base);
    if (url === undefined) {
      return new ProtocolError(`The ${name} header is not a usable URL: ${JSON.stringify(value.slice(0, 200))}`, 'R7');
    }
    return { mode, url };
  }
  return undefined;
}

function statusOf(body: unknown): string | undefined {
  const status = asRecord(body)?.['status'];
  return typeof status === 'string' ? status : provisioningState(body);
}

/**
 * The first step of an operation, from its initial response (rule R1–R7, R15, T1): finished at
 * once, or how and when to poll.
 *
 * @param request the method and absolute URL of the initial request
 * @param nowMs the current time, for `Retry-After` dates
 */
export function startOperation<T>(
  request: { method: LroMethod; url: string },
  response: HttpResponse,
  settings: ProtocolSettings<T>,
  nowMs: number,
): Step<T> {
  const { method, url } = request;
  const token: ResumeToken = { v: 1, method, url, mode: 'none', key: settings.key ?? operationKey({ method, url, mode: 'none' }) };
  const apiVersion = settings.apiVersion ?? apiVersionOf(url);
  if (apiVersion !== undefined) token.apiVersion = apiVersion;
  if (settings.apiVersion !== undefined) token.replaceApiVersion = true;
  if (settings.finalStateVia !== undefined) token.finalStateVia = settings.finalStateVia;
  const status = response.status;
  const body = response.body;
  const base: TrackState = {
    token,
    polls: 0,
    status: statusOf(body) ?? (status === 202 ? 'Accepted' : 'Succeeded'),
    percentComplete: undefined,
    operation: undefined,
  };

  if (status < 200 || status > 299) {
    return fail(base, new HttpError(status, method, url, bodyExcerpt(response), serviceErrorOf(response.body)), isTransientStatus(status));
  }
  const isPutOrPatch = method === 'PUT' || method === 'PATCH';
  const provisioning = provisioningState(body);
  const provisioningOutcome = provisioning === undefined ? undefined : classifyStatus(provisioning, settings.statuses);

  // R5: a PUT/PATCH 200/201 whose body is already terminal is done; its polling headers may be stale.
  if (isPutOrPatch && (status === 200 || status === 201) && provisioningOutcome !== undefined && provisioningOutcome !== 'running') {
    const state = trackState(base, provisioning!);
    return provisioningOutcome === 'succeeded' ? succeeded(state, response, body, settings) : ended(state, provisioningOutcome, response);
  }

  const header = pollingHeader(response.headers, url);
  if (header instanceof ProtocolError) return fail(base, header);
  // Without a polling header the body is the resource (or the result): it must be JSON.
  if (!header && status !== 202 && method !== 'DELETE') {
    const broken = notJson<T>(base, response, `The body of the ${status} answer to ${method}`);
    if (broken) return broken;
  }
  const locationUrl = resolveUrl(response.headers['location'], url);
  if (header) {
    // The token is this step's own until the step is returned: completed in place, not copied.
    const pollUrl = versioned(header.url, token);
    token.mode = header.mode;
    token.pollUrl = pollUrl;
    if (locationUrl !== undefined) token.locationUrl = versioned(locationUrl, token);
    // The operation is known by its monitor or Location URL from now on, even if the service moves it (R8).
    if (settings.key === undefined) token.key = operationKey({ method, url, mode: header.mode, pollUrl });
    return running(trackState(base, provisioning ?? 'Accepted'), response, settings, nowMs);
  }
  // R4: a PUT/PATCH still provisioning, or accepted with nothing else to follow: poll the resource.
  if (isPutOrPatch && (provisioningOutcome === 'running' || status === 202)) {
    token.mode = 'body';
    token.pollUrl = url;
    return running(trackState(base, provisioning ?? 'Accepted'), response, settings, nowMs);
  }
  if (status === 202) {
    return fail(
      base,
      new ProtocolError(
        `${method} answered 202 with no Azure-AsyncOperation, Operation-Location or Location header`,
        'R6',
        bodyForError(response),
      ),
    );
  }
  // R5: finished at once; a body carrying a terminal provisioningState still says how it ended.
  if (provisioningOutcome === 'failed' || provisioningOutcome === 'canceled')
    return ended(trackState(base, provisioning!), provisioningOutcome, response);
  return succeeded(base, response, body, settings);
}

// R14: a 404 proves a DELETE done only when it comes from the deleted resource's own URL or a URL under
// its path (a resource-scoped operationResults URL gone with the resource); then it is succeeded, or an
// HttpError on request. A 404 from anywhere else (a wrong header such as `/foo`) proves nothing.
function deleteGone<T>(state: TrackState, response: HttpResponse, answered: string, settings: ProtocolSettings<T>): Step<T> | undefined {
  if (response.status !== 404 || state.token.method !== 'DELETE' || !isUnderPath(answered, state.token.url)) return undefined;
  if (settings.deleteNotFound === 'error') return httpError(state, response, answered);
  return succeeded(trackState(state, 'Succeeded'), response, undefined, settings);
}

// F2: a 2xx body that should be JSON (a result or a resource) but is not.
function notJson<T>(state: TrackState, response: HttpResponse, what: string): Step<T> | undefined {
  if (response.rawBody === undefined) return undefined;
  return fail(state, new ProtocolError(`${what} is not JSON`, 'F2', response.rawBody));
}

// The step a final plan makes: a GET to send, or the result in hand (X1–X5).
function conclude<T>(state: TrackState, response: HttpResponse, plan: FinalPlan, settings: ProtocolSettings<T>): Step<T> {
  if (plan.kind === 'get') return { state, next: { kind: 'final', url: plan.url } };
  return succeeded(state, response, plan.kind === 'value' ? plan.value : undefined, settings);
}

// X4: a succeeded monitor's `resourceLocation`, resolved against the monitor's URL and versioned (R15).
function resourceLocationOf(state: TrackState, body: unknown): string | undefined {
  const value = asRecord(body)?.['resourceLocation'];
  const resolved = typeof value === 'string' ? resolveUrl(value, state.token.pollUrl ?? state.token.url) : undefined;
  return resolved === undefined ? undefined : versioned(resolved, state.token);
}

function pollStatusMonitor<T>(state: TrackState, response: HttpResponse, settings: ProtocolSettings<T>, nowMs: number): Step<T> {
  const pollUrl = state.token.pollUrl!;
  if (response.status < 200 || response.status > 299) {
    return deleteGone(state, response, pollUrl, settings) ?? httpError(state, response, pollUrl);
  }
  const status = asRecord(response.body)?.['status'];
  if (typeof status !== 'string') {
    return fail(state, new ProtocolError('The status monitor answered without a string "status"', 'R9', bodyForError(response)));
  }
  // R8: a status monitor may move; relative URLs resolve against the monitor's own URL.
  const moved = pollingHeader(response.headers, pollUrl);
  // Progress the service stops reporting keeps its last known value.
  let next = trackState(state, status, readProgress(response.body));
  if (moved && !(moved instanceof ProtocolError) && moved.mode === 'status' && moved.url !== pollUrl) {
    next = withToken(next, { pollUrl: versioned(moved.url, state.token) });
  }
  const operationState = classifyStatus(status, settings.statuses);
  if (operationState === 'running') return running(next, response, settings, nowMs);
  if (operationState !== 'succeeded') return ended(next, operationState, response);
  const { method, url, locationUrl, finalStateVia } = next.token;
  const plan = finalPlan({
    method,
    mode: 'status',
    url,
    locationUrl,
    finalStateVia,
    body: response.body,
    resourceLocation: resourceLocationOf(next, response.body),
  });
  return conclude(next, response, plan, settings);
}

function pollLocation<T>(state: TrackState, response: HttpResponse, settings: ProtocolSettings<T>, nowMs: number): Step<T> {
  const pollUrl = state.token.pollUrl!;
  const code = response.status;
  if (code < 200 || code > 299) {
    const gone = deleteGone(state, response, pollUrl, settings);
    if (gone) return gone;
    // R13 is about error statuses: a transient one is retried, a redirect not followed is no outcome.
    if (isTransientStatus(code) || code < 400) return httpError(state, response, pollUrl);
    // R13: an error status from a Location poll is the operation's own failure, told in the service's
    // words when the body has an error, else in words that name the status and the URL that answered.
    const failed = trackState(state, statusOf(response.body) ?? 'Failed');
    const error = readOperationError(response.body, failed.status, bodyForError(response), httpFailure(code, pollUrl));
    return { state: failed, snapshot: makeSnapshot<T>(failed, 'failed', code, undefined, error), next: { kind: 'done' } };
  }
  if (code === 202) {
    const moved = resolveUrl(response.headers['location'], pollUrl);
    let next: TrackState = trackState(state, statusOf(response.body) ?? 'InProgress');
    if (moved !== undefined && moved !== pollUrl) next = withToken(next, { pollUrl: versioned(moved, state.token) });
    return running(next, response, settings, nowMs);
  }
  // A DELETE has no result, so only other methods need the body.
  const broken =
    state.token.method === 'DELETE' ? undefined : notJson<T>(state, response, `The body of the ${code} answer to the Location poll`);
  if (broken) return broken;
  const provisioning = provisioningState(response.body);
  const terminal = provisioning === undefined ? undefined : classifyStatus(provisioning, settings.statuses);
  if (terminal === 'failed' || terminal === 'canceled') return ended(trackState(state, provisioning!), terminal, response);
  const next = trackState(state, terminal === 'succeeded' ? provisioning! : 'Succeeded');
  const { method, url, finalStateVia } = state.token;
  return conclude(next, response, finalPlan({ method, mode: 'location', url, finalStateVia, body: response.body }), settings);
}

// R13: the error of an operation whose Location URL answered an error status with no usable error.
function httpFailure(code: number, url: string): { code: string; message: string } {
  return { code: `Http${code}`, message: `The Location URL ${withoutQuery(url)} answered HTTP ${code}: the operation failed` };
}

function pollResource<T>(state: TrackState, response: HttpResponse, settings: ProtocolSettings<T>, nowMs: number): Step<T> {
  const code = response.status;
  if (code < 200 || code > 299) return httpError(state, response, state.token.pollUrl!);
  if (code !== 202) {
    const broken = notJson<T>(state, response, `The resource polled for its provisioningState (${code})`);
    if (broken) return broken;
  }
  const provisioning = provisioningState(response.body);
  if (code === 202 || (provisioning !== undefined && classifyStatus(provisioning, settings.statuses) === 'running')) {
    return running(trackState(state, provisioning ?? 'InProgress'), response, settings, nowMs);
  }
  const terminal = provisioning === undefined ? 'succeeded' : classifyStatus(provisioning, settings.statuses);
  const next = trackState(state, provisioning ?? 'Succeeded');
  return terminal === 'succeeded'
    ? succeeded(next, response, response.body, settings)
    : ended(next, terminal as Exclude<Terminal, 'succeeded'>, response);
}

/**
 * The step after a poll's response (rule R3, R4, R8–R14, T1), by how the operation is polled.
 * `state.polls` already counts the request this response answers.
 */
export function pollResponse<T>(state: TrackState, response: HttpResponse, settings: ProtocolSettings<T>, nowMs: number): Step<T> {
  switch (state.token.mode) {
    case 'status':
      return pollStatusMonitor(state, response, settings, nowMs);
    case 'location':
      return pollLocation(state, response, settings, nowMs);
    default:
      return pollResource(state, response, settings, nowMs);
  }
}

/** The step after the final GET (rule X1–X4, X7): the result, or the error that hides it. */
export function finalResponse<T>(state: TrackState, response: HttpResponse, url: string, settings: ProtocolSettings<T>): Step<T> {
  if (response.status < 200 || response.status > 299) return httpError(state, response, url);
  return (
    notJson<T>(state, response, `The final result (${response.status} from the final GET)`) ??
    succeeded(state, response, response.body, settings)
  );
}
