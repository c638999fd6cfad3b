import type { ArmError, Fault, FaultKind, FaultTarget, LroMethod, LroPattern, MonitorField, OperationScript, RetryAfter } from './types';

/** A fault with its defaults filled in. */
export interface ResolvedFault {
  readonly on: FaultTarget;
  readonly nth: number;
  readonly count: number;
  readonly kind: FaultKind;
  readonly delayMs: number;
  readonly bytes: number;
  readonly retryAfter: RetryAfter;
  readonly error: ArmError | undefined;
}

/** A script with every default applied for one method. */
export interface ResolvedScript {
  readonly pattern: LroPattern;
  readonly initialStatus: number;
  readonly location: boolean;
  readonly resourceLocation: boolean | string;
  readonly durationMs: number;
  readonly polls: number | undefined;
  readonly runningStatuses: readonly string[];
  readonly percentComplete: ((fraction: number) => number) | undefined;
  readonly monitorFields: readonly MonitorField[];
  readonly monitorExtra: Record<string, unknown> | undefined;
  readonly monitorResult: 'properties' | 'result' | 'inline' | 'none';
  readonly retryAfter: RetryAfter;
  readonly outcome: string;
  /** `undefined` = not given by the script (a default is generated when the outcome needs one). */
  readonly error: ArmError | string | null | undefined;
  readonly locationFailure: number | 'provisioning-state';
  readonly resource: Record<string, unknown> | undefined;
  readonly provisioningStateAt: 'properties' | 'root';
  readonly keepApiVersion: boolean;
  readonly relativeUrls: boolean;
  readonly pollingUrl: string | undefined;
  readonly resourceScopedUrls: boolean;
  readonly resourceRoute: boolean;
  readonly faults: readonly ResolvedFault[];
}

export const PATTERNS: readonly LroPattern[] = ['azure-async-operation', 'operation-location', 'location', 'provisioning-state', 'sync'];
export const FAULT_NAMES: readonly FaultKind[] = [
  'reset',
  'reset-mid-body',
  'slow',
  'malformed-json',
  'oversized-json',
  'missing-status',
  'numeric-status',
  'null-status',
  'empty-body',
  'other-origin',
  'gone',
];
export const MONITOR_RESULTS = ['properties', 'result', 'inline', 'none'] as const;
const FAULT_TARGETS: readonly FaultTarget[] = ['initial', 'poll', 'final'];
const MONITOR_FIELDS: readonly MonitorField[] = ['id', 'name', 'startTime', 'endTime'];
const RETRY_AFTER_FORMS = ['seconds', 'http-date', 'ms', 'x-ms', 'raw', 'none'] as const;

export const DEFAULT_DURATION_MS = 1000;
export const DEFAULT_SLOW_MS = 500;
export const DEFAULT_OVERSIZED_BYTES = 5 * 1024 * 1024;
const NO_RETRY_AFTER: RetryAfter = { form: 'none' };

/** The statuses that end an operation without success, compared case-insensitively as the protocol does. */
export function isFailureOutcome(outcome: string): boolean {
  const lower = outcome.toLowerCase();
  return lower === 'failed' || lower === 'canceled' || lower === 'cancelled';
}

/** POST and a GET that starts an operation: an action with a result, not a resource being written. */
export function isAction(method: LroMethod): boolean {
  return method === 'POST' || method === 'GET';
}

/** Normalizes the `number` shorthand of {@link RetryAfter}. */
export function toRetryAfter(value: RetryAfter | number | undefined, fallback: RetryAfter = NO_RETRY_AFTER): RetryAfter {
  if (value === undefined) return fallback;
  return typeof value === 'number' ? { form: 'seconds', value } : value;
}

function fail(where: string, expected: string, got: unknown): never {
  let shown: string;
  try {
    shown = typeof got === 'function' ? 'a function' : (JSON.stringify(got) ?? String(got));
  } catch {
    shown = String(got);
  }
  throw new TypeError(`rx-lro/testing: ${where} must be ${expected}, got ${shown}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkCount(where: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) fail(where, `an integer >= ${min}`, value);
}

function checkMs(where: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(where, 'a finite number >= 0', value);
}

function checkHttpErrorStatus(where: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 400 || value > 599) fail(where, 'an HTTP status 400–599', value);
}

function checkRetryAfter(where: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(where, 'a finite number of seconds', value);
    return;
  }
  if (!isRecord(value) || !RETRY_AFTER_FORMS.includes(value.form as never)) {
    fail(where, `a number or { form: ${RETRY_AFTER_FORMS.map((f) => `'${f}'`).join(' | ')}, value }`, value);
  }
  if (value.form === 'none') return;
  if (value.form === 'raw') {
    if (typeof value.value !== 'string') fail(`${where}.value`, 'a string', value.value);
    return;
  }
  if (typeof value.value !== 'number' || !Number.isFinite(value.value)) fail(`${where}.value`, 'a finite number', value.value);
}

function checkArmError(where: string, value: unknown): void {
  if (!isRecord(value)) fail(where, 'an ARM error object { code, message }', value);
  if (typeof value.code !== 'string') fail(`${where}.code`, 'a string', value.code);
  if (typeof value.message !== 'string') fail(`${where}.message`, 'a string', value.message);
}

function checkFault(where: string, fault: unknown): void {
  if (!isRecord(fault)) fail(where, 'a fault object { on, kind }', fault);
  if (!FAULT_TARGETS.includes(fault.on as FaultTarget)) fail(`${where}.on`, `one of ${FAULT_TARGETS.join(', ')}`, fault.on);
  if (typeof fault.kind === 'number') checkHttpErrorStatus(`${where}.kind`, fault.kind);
  else if (!FAULT_NAMES.includes(fault.kind as FaultKind))
    fail(`${where}.kind`, `an HTTP status or one of ${FAULT_NAMES.join(', ')}`, fault.kind);
  if (fault.nth !== undefined) checkCount(`${where}.nth`, fault.nth, 1);
  if (fault.count !== undefined) checkCount(`${where}.count`, fault.count, 1);
  if (fault.delayMs !== undefined) checkMs(`${where}.delayMs`, fault.delayMs);
  if (fault.bytes !== undefined) checkCount(`${where}.bytes`, fault.bytes, 0);
  checkRetryAfter(`${where}.retryAfter`, fault.retryAfter);
  if (fault.error !== undefined) checkArmError(`${where}.error`, fault.error);
}

/** Throws a `TypeError` naming the first invalid field of a script; `where` prefixes the message. */
export function validateScript(script: unknown, where = 'script'): asserts script is OperationScript {
  if (!isRecord(script)) fail(where, 'an object', script);
  const s = script as Record<string, unknown>;
  if (s.pattern !== undefined && !PATTERNS.includes(s.pattern as LroPattern))
    fail(`${where}.pattern`, `one of ${PATTERNS.join(', ')}`, s.pattern);
  if (s.initialStatus !== undefined && ![200, 201, 202, 204].includes(s.initialStatus as number))
    fail(`${where}.initialStatus`, 'one of 200, 201, 202, 204', s.initialStatus);
  for (const flag of ['location', 'keepApiVersion', 'relativeUrls', 'resourceScopedUrls', 'resourceRoute'] as const) {
    if (s[flag] !== undefined && typeof s[flag] !== 'boolean') fail(`${where}.${flag}`, 'a boolean', s[flag]);
  }
  if (s.resourceLocation !== undefined && typeof s.resourceLocation !== 'boolean' && typeof s.resourceLocation !== 'string') {
    fail(`${where}.resourceLocation`, 'a boolean or a URL string', s.resourceLocation);
  }
  if (s.durationMs !== undefined) checkMs(`${where}.durationMs`, s.durationMs);
  if (s.polls !== undefined) checkCount(`${where}.polls`, s.polls, 1);
  if (s.runningStatuses !== undefined) {
    const statuses = s.runningStatuses;
    if (!Array.isArray(statuses) || statuses.length === 0 || statuses.some((x) => typeof x !== 'string')) {
      fail(`${where}.runningStatuses`, 'a non-empty array of strings', statuses);
    }
  }
  if (s.percentComplete !== undefined && typeof s.percentComplete !== 'boolean' && typeof s.percentComplete !== 'function') {
    fail(`${where}.percentComplete`, 'a boolean or a function of the elapsed fraction', s.percentComplete);
  }
  if (s.monitorFields !== undefined) {
    const fields = s.monitorFields;
    if (!Array.isArray(fields) || fields.some((f) => !MONITOR_FIELDS.includes(f as MonitorField))) {
      fail(`${where}.monitorFields`, `an array of ${MONITOR_FIELDS.join(', ')}`, fields);
    }
  }
  if (s.monitorExtra !== undefined && !isRecord(s.monitorExtra)) fail(`${where}.monitorExtra`, 'an object', s.monitorExtra);
  if (s.monitorResult !== undefined && !MONITOR_RESULTS.includes(s.monitorResult as never)) {
    fail(`${where}.monitorResult`, "'properties', 'result', 'inline' or 'none'", s.monitorResult);
  }
  if (s.pollingUrl !== undefined && (typeof s.pollingUrl !== 'string' || s.pollingUrl === '')) {
    fail(`${where}.pollingUrl`, 'a non-empty URL string', s.pollingUrl);
  }
  checkRetryAfter(`${where}.retryAfter`, s.retryAfter);
  if (s.outcome !== undefined && (typeof s.outcome !== 'string' || s.outcome === ''))
    fail(`${where}.outcome`, 'a non-empty string', s.outcome);
  if (s.error !== undefined && s.error !== null && typeof s.error !== 'string') checkArmError(`${where}.error`, s.error);
  if (s.locationFailure !== undefined && s.locationFailure !== 'provisioning-state') {
    checkHttpErrorStatus(`${where}.locationFailure`, s.locationFailure);
  }
  if (s.resource !== undefined && !isRecord(s.resource)) fail(`${where}.resource`, 'an object', s.resource);
  if (s.provisioningStateAt !== undefined && s.provisioningStateAt !== 'properties' && s.provisioningStateAt !== 'root') {
    fail(`${where}.provisioningStateAt`, "'properties' or 'root'", s.provisioningStateAt);
  }
  if (s.faults !== undefined) {
    if (!Array.isArray(s.faults)) fail(`${where}.faults`, 'an array', s.faults);
    s.faults.forEach((fault, i) => checkFault(`${where}.faults[${i}]`, fault));
  }
}

/** The reason a valid script cannot serve this method, or `undefined` when it can. */
export function methodMismatch(script: OperationScript, method: LroMethod): string | undefined {
  if (script.pattern === 'provisioning-state' && method !== 'PUT' && method !== 'PATCH') {
    return `the provisioning-state pattern only applies to PUT and PATCH, not ${method}`;
  }
  return undefined;
}

function defaultInitialStatus(pattern: LroPattern, method: LroMethod, hasResource: boolean): number {
  const update = method === 'PUT' || method === 'PATCH';
  switch (pattern) {
    case 'azure-async-operation':
    case 'operation-location':
      return update ? 201 : 202;
    case 'location':
      return 202;
    case 'provisioning-state':
      return 201;
    case 'sync':
      if (method === 'DELETE') return 204;
      return isAction(method) && !hasResource ? 204 : 200;
  }
}

function resolveFault(fault: Fault): ResolvedFault {
  return {
    on: fault.on,
    nth: fault.nth ?? 1,
    count: fault.count ?? 1,
    kind: fault.kind,
    delayMs: fault.delayMs ?? DEFAULT_SLOW_MS,
    bytes: fault.bytes ?? DEFAULT_OVERSIZED_BYTES,
    retryAfter: toRetryAfter(fault.retryAfter, fault.kind === 429 ? { form: 'seconds', value: 1 } : NO_RETRY_AFTER),
    error: fault.error,
  };
}

/** Fills every default of a validated script for the method that started the operation. */
export function resolveScript(script: OperationScript, method: LroMethod): ResolvedScript {
  const pattern = script.pattern ?? 'azure-async-operation';
  const percent = script.percentComplete;
  return {
    pattern,
    initialStatus: script.initialStatus ?? defaultInitialStatus(pattern, method, script.resource !== undefined),
    location: script.location ?? false,
    resourceLocation: script.resourceLocation ?? false,
    durationMs: script.durationMs ?? DEFAULT_DURATION_MS,
    polls: script.polls,
    runningStatuses: script.runningStatuses ?? ['InProgress'],
    percentComplete: percent === true ? (fraction) => Math.round(fraction * 100) : percent === false ? undefined : percent,
    monitorFields: script.monitorFields ?? MONITOR_FIELDS,
    monitorExtra: script.monitorExtra,
    monitorResult: script.monitorResult ?? (!isAction(method) ? 'none' : pattern === 'operation-location' ? 'result' : 'properties'),
    retryAfter: toRetryAfter(script.retryAfter),
    outcome: script.outcome ?? 'Succeeded',
    error: script.error,
    locationFailure: script.locationFailure ?? 400,
    resource: script.resource,
    provisioningStateAt: script.provisioningStateAt ?? 'properties',
    keepApiVersion: script.keepApiVersion ?? true,
    relativeUrls: script.relativeUrls ?? false,
    pollingUrl: script.pollingUrl,
    resourceScopedUrls: script.resourceScopedUrls ?? false,
    resourceRoute: script.resourceRoute ?? true,
    faults: (script.faults ?? []).map(resolveFault),
  };
}
