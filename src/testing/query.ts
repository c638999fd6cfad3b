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

/** Reads the `sim-*` parameters into script overrides; throws a `TypeError` naming the bad parameter. Validation of the values is left to `validateScript`. */
export function scriptFromQuery(params: URLSearchParams): OperationScript {
  const script: OperationScript = {};
  const faults: Fault[] = [];
  let errorCode: string | undefined;
  let errorMessage: string | undefined;
  for (const [name, value] of params) {
    if (!name.startsWith(PREFIX)) continue;
    switch (name) {
      case 'sim-pattern':
        if (!PATTERNS.includes(value as LroPattern))
          throw new TypeError(`sim-pattern must be one of ${PATTERNS.join(', ')}, got ${JSON.stringify(value)}`);
        script.pattern = value as LroPattern;
        break;
      case 'sim-duration':
        script.durationMs = num(name, value);
        break;
      case 'sim-polls':
        script.polls = num(name, value, true);
        break;
      case 'sim-outcome':
        script.outcome = value;
        break;
      case 'sim-statuses':
        script.runningStatuses = value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
        break;
      case 'sim-initial-status':
        script.initialStatus = num(name, value, true) as OperationScript['initialStatus'];
        break;
      case 'sim-location':
        script.location = bool(name, value);
        break;
      case 'sim-resource-location':
        script.resourceLocation = bool(name, value);
        break;
      case 'sim-percent':
        script.percentComplete = bool(name, value);
        break;
      case 'sim-retry-after':
        script.retryAfter = retryAfter(value);
        break;
      case 'sim-location-failure':
        script.locationFailure = value === 'provisioning-state' ? value : num(name, value, true);
        break;
      case 'sim-error-code':
        errorCode = value;
        break;
      case 'sim-error-message':
        errorMessage = value;
        break;
      case 'sim-relative-urls':
        script.relativeUrls = bool(name, value);
        break;
      case 'sim-keep-api-version':
        script.keepApiVersion = bool(name, value);
        break;
      case 'sim-monitor-result':
        if (!MONITOR_RESULTS.includes(value as never))
          throw new TypeError(`sim-monitor-result must be one of ${MONITOR_RESULTS.join(', ')}, got ${JSON.stringify(value)}`);
        script.monitorResult = value as OperationScript['monitorResult'];
        break;
      case 'sim-polling-url':
        script.pollingUrl = value;
        break;
      case 'sim-resource-scoped-urls':
        script.resourceScopedUrls = bool(name, value);
        break;
      case 'sim-resource-route':
        script.resourceRoute = bool(name, value);
        break;
      case 'sim-fault':
        for (const part of value.split(',')) if (part.trim() !== '') faults.push(fault(part.trim()));
        break;
      default:
        throw new TypeError(
          `unknown simulator parameter ${name}; known: ${QUERY_HELP.match(/sim-[a-z-]+/g)
            ?.filter((v, i, all) => all.indexOf(v) === i)
            .join(', ')}`,
        );
    }
  }
  if (errorCode !== undefined || errorMessage !== undefined) {
    script.error = { code: errorCode ?? 'OperationFailed', message: errorMessage ?? 'The operation failed.' };
  }
  if (faults.length > 0) script.faults = faults;
  return script;
}
