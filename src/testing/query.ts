import { FAULT_NAMES, MONITOR_RESULTS, PATTERNS } from './script';
import type { Fault, FaultKind, LroPattern, OperationScript, RetryAfter } from './types';

/**
 * The `sim-*` query parameters of an initial request to a path without a script, so a browser page or
 * `curl` can play any scenario without code. Unknown `sim-*` names are refused (typos must not pass
 * silently as the default scenario).
 * @example
 * ```ts
 * // PUT …/widgets/w1?api-version=1&sim-pattern=location&sim-duration=3000
 * console.log(QUERY_HELP);
 * ```
 */
export const QUERY_HELP = `sim-pattern=azure-async-operation|operation-location|location|provisioning-state|sync
sim-duration=<ms>                 time to the terminal state
sim-polls=<n>                     terminal from the n-th poll on (overrides sim-duration)
sim-outcome=<status>              Succeeded | Failed | Canceled | Cancelled | any custom string
sim-statuses=<a,b,…>              running statuses shown in turn
sim-initial-status=<200|201|202|204>
sim-location=<bool>               status monitors: also send Location
sim-resource-location=<bool>      status monitors: resourceLocation in the succeeded body
sim-percent=<bool>                percentComplete in monitor bodies
sim-retry-after=<n>|seconds:<n>|http-date:<n>|ms:<n>|x-ms:<n>|raw:<text>|none
sim-location-failure=<4xx|5xx>|provisioning-state
sim-error-code=<code>  sim-error-message=<text>
sim-relative-urls=<bool>  sim-keep-api-version=<bool>
sim-monitor-result=properties|result|inline|none   where a succeeded monitor carries the resource
sim-polling-url=<url>             every polling header of the initial response (e.g. a wrong /foo)
sim-resource-scoped-urls=<bool>   operation URLs under the resource path (404 once a DELETE succeeded)
sim-resource-route=<bool>         false: GET of the original URL answers 404
sim-fault=<on>:<nth>[-<last>]:<kind>[:<param>]   repeatable or comma-separated; on = initial|poll|final,
   kind = an HTTP status (param: Retry-After seconds) | reset | reset-mid-body | slow (param: ms) |
   malformed-json | oversized-json (param: bytes) | missing-status | numeric-status | null-status |
   empty-body | other-origin | gone`;

const PREFIX = 'sim-';

function bool(name: string, text: string): boolean {
  const lower = text.toLowerCase();
  if (lower === '' || lower === '1' || lower === 'true' || lower === 'yes' || lower === 'on') return true;
  if (lower === '0' || lower === 'false' || lower === 'no' || lower === 'off') return false;
  throw new TypeError(`${name} must be a boolean (true/false/1/0), got ${JSON.stringify(text)}`);
}

function num(name: string, text: string, integer = false): number {
  const value = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new TypeError(`${name} must be ${integer ? 'an integer' : 'a number'}, got ${JSON.stringify(text)}`);
  }
  return value;
}

function retryAfter(text: string): RetryAfter {
  const name = 'sim-retry-after';
  if (text === 'none') return { form: 'none' };
  const colon = text.indexOf(':');
  if (colon < 0) return { form: 'seconds', value: num(name, text) };
  const form = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  switch (form) {
    case 'seconds':
    case 'http-date':
    case 'ms':
    case 'x-ms':
      return { form, value: num(name, rest) };
    case 'raw':
      return { form, value: rest };
    default:
      throw new TypeError(`${name} form must be seconds, http-date, ms, x-ms, raw or none, got ${JSON.stringify(form)}`);
  }
}

function fault(text: string): Fault {
  const name = 'sim-fault';
  const [on, range, kindText, param, ...extra] = text.split(':');
  if (on === undefined || range === undefined || kindText === undefined || extra.length > 0) {
    throw new TypeError(`${name} must look like <on>:<nth>[-<last>]:<kind>[:<param>], got ${JSON.stringify(text)}`);
  }
  if (on !== 'initial' && on !== 'poll' && on !== 'final') {
    throw new TypeError(`${name} target must be initial, poll or final, got ${JSON.stringify(on)}`);
  }
  const [first, last] = range.split('-');
  const nth = num(name, first ?? '', true);
  const count = last === undefined ? 1 : num(name, last, true) - nth + 1;
  const kind: FaultKind = /^\d+$/.test(kindText) ? Number(kindText) : (kindText as FaultKind);
  if (typeof kind === 'string' && !FAULT_NAMES.includes(kind)) {
    throw new TypeError(`${name} kind must be an HTTP status or one of ${FAULT_NAMES.join(', ')}, got ${JSON.stringify(kindText)}`);
  }
  const result: Fault = { on, nth, count, kind };
  if (param !== undefined) {
    if (typeof kind === 'number') result.retryAfter = { form: 'seconds', value: num(name, param) };
    else if (kind === 'slow') result.delayMs = num(name, param);
    else if (kind === 'oversized-json') result.bytes = num(name, param, true);
    else throw new TypeError(`${name} kind ${kind} takes no parameter, got ${JSON.stringify(param)}`);
  }
  return result;
}

/** What a query leaves to assemble after every parameter is read: the faults and the error's words. */
interface Extras {
  faults: Fault[];
  errorCode?: string;
  errorMessage?: string;
}

type Reader = (script: OperationScript, value: string, name: string, extras: Extras) => void;

// Each `sim-*` parameter and how its value goes into the script.
const READERS: Record<string, Reader> = {
  'sim-pattern': (script, value) => {
    if (!PATTERNS.includes(value as LroPattern))
      throw new TypeError(`sim-pattern must be one of ${PATTERNS.join(', ')}, got ${JSON.stringify(value)}`);
    script.pattern = value as LroPattern;
  },
  'sim-duration': (script, value, name) => (script.durationMs = num(name, value)),
  'sim-polls': (script, value, name) => (script.polls = num(name, value, true)),
  'sim-outcome': (script, value) => (script.outcome = value),
  'sim-statuses': (script, value) =>
    (script.runningStatuses = value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')),
  'sim-initial-status': (script, value, name) => (script.initialStatus = num(name, value, true) as OperationScript['initialStatus']),
  'sim-location': (script, value, name) => (script.location = bool(name, value)),
  'sim-resource-location': (script, value, name) => (script.resourceLocation = bool(name, value)),
  'sim-percent': (script, value, name) => (script.percentComplete = bool(name, value)),
  'sim-retry-after': (script, value) => (script.retryAfter = retryAfter(value)),
  'sim-location-failure': (script, value, name) =>
    (script.locationFailure = value === 'provisioning-state' ? value : num(name, value, true)),
  'sim-error-code': (_script, value, _name, extras) => (extras.errorCode = value),
  'sim-error-message': (_script, value, _name, extras) => (extras.errorMessage = value),
  'sim-relative-urls': (script, value, name) => (script.relativeUrls = bool(name, value)),
  'sim-keep-api-version': (script, value, name) => (script.keepApiVersion = bool(name, value)),
  'sim-monitor-result': (script, value) => {
    if (!MONITOR_RESULTS.includes(value as never))
      throw new TypeError(`sim-monitor-result must be one of ${MONITOR_RESULTS.join(', ')}, got ${JSON.stringify(value)}`);
    script.monitorResult = value as OperationScript['monitorResult'];
  },
  'sim-polling-url': (script, value) => (script.pollingUrl = value),
  'sim-resource-scoped-urls': (script, value, name) => (script.resourceScopedUrls = bool(name, value)),
  'sim-resource-route': (script, value, name) => (script.resourceRoute = bool(name, value)),
  'sim-fault': (_script, value, _name, extras) => {
    for (const part of value.split(',')) if (part.trim() !== '') extras.faults.push(fault(part.trim()));
  },
};

/** Reads the `sim-*` parameters into script overrides; throws a `TypeError` naming the bad parameter. Validation of the values is left to `validateScript`. */
export function scriptFromQuery(params: URLSearchParams): OperationScript {
  const script: OperationScript = {};
  const extras: Extras = { faults: [] };
  for (const [name, value] of params) {
    if (!name.startsWith(PREFIX)) continue;
    const read = Object.hasOwn(READERS, name) ? READERS[name] : undefined;
    if (!read) {
      const known = QUERY_HELP.match(/sim-[a-z-]+/g)?.filter((v, i, all) => all.indexOf(v) === i);
      throw new TypeError(`unknown simulator parameter ${name}; known: ${known?.join(', ')}`);
    }
    read(script, value, name, extras);
  }
  const { faults, errorCode, errorMessage } = extras;
  if (errorCode !== undefined || errorMessage !== undefined) {
    script.error = { code: errorCode ?? 'OperationFailed', message: errorMessage ?? 'The operation failed.' };
  }
  if (faults.length > 0) script.faults = faults;
  return script;
}
