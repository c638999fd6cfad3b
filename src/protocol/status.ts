import type { OperationError, OperationInfo, OperationState } from '../snapshot';
import { asRecord } from './json';

/**
 * Extra status values that end an operation, by the state they mean (rule R12).
 * @example
 * ```ts
 * trackOperation(request, { terminalStates: { succeeded: ['Completed'], failed: ['Aborted'] } });
 * ```
 */
export interface TerminalStates {
  succeeded?: readonly string[];
  failed?: readonly string[];
  canceled?: readonly string[];
}

/** Terminal status values, lower-cased, by state. */
export type StatusTable = ReadonlyMap<string, Exclude<OperationState, 'running'>>;

/**
 * The table of terminal values: Azure's own (`Succeeded`, `Failed`, `Canceled`, `Cancelled`) and the
 * caller's. Matching is exact and case-insensitive, never by substring.
 */
export function statusTable(custom: TerminalStates = {}): StatusTable {
  const table = new Map<string, Exclude<OperationState, 'running'>>([
    ['succeeded', 'succeeded'],
    ['failed', 'failed'],
    ['canceled', 'canceled'],
    ['cancelled', 'canceled'],
  ]);
  for (const state of ['succeeded', 'failed', 'canceled'] as const) {
    for (const value of custom[state] ?? []) table.set(value.toLowerCase(), state);
  }
  return table;
}

/** The state a status value means: terminal if it is in the table, running otherwise. */
export function classifyStatus(status: string, table: StatusTable): OperationState {
  return table.get(status.toLowerCase()) ?? 'running';
}

/** The `provisioningState` of a resource body: `properties.provisioningState`, else top level. */
export function provisioningState(body: unknown): string | undefined {
  const record = asRecord(body);
  if (!record) return undefined;
  const nested = asRecord(record['properties'])?.['provisioningState'];
  if (typeof nested === 'string') return nested;
  const top = record['provisioningState'];
  return typeof top === 'string' ? top : undefined;
}

const OPERATION_FIELDS = ['id', 'name', 'startTime', 'endTime'] as const;
const NO_PROGRESS: { percentComplete?: number; operation?: OperationInfo } = Object.freeze({});

/** The optional facts of a status monitor body; wrongly typed or out-of-range ones are dropped (R10). */
export function readProgress(body: unknown): { percentComplete?: number; operation?: OperationInfo } {
  const record = asRecord(body);
  const percent = record?.['percentComplete'];
  let progress: { percentComplete?: number; operation?: OperationInfo } | undefined;
  if (typeof percent === 'number' && percent >= 0 && percent <= 100) progress = { percentComplete: percent };
  let info: OperationInfo | undefined;
  for (const key of OPERATION_FIELDS) {
    const value = record?.[key];
    if (typeof value === 'string') (info ??= {})[key] = value;
  }
  if (info) (progress ??= {}).operation = info;
  // Most polls carry neither: one shared empty answer then, nothing made per poll.
  return progress ?? NO_PROGRESS;
}

// Error objects nest (`details`, `innererror`): reading is bounded so that a hostile body cannot make it
// recurse without end; deeper levels are dropped.
const MAX_ERROR_DEPTH = 8;

function readErrorObject(value: unknown, depth: number): OperationError | undefined {
  const record = asRecord(value);
  if (!record || typeof record['code'] !== 'string') return undefined;
  // Every field the service put there is kept (R11): the root cause often sits in `innererror` or in
  // fields of its own. The body is parsed JSON, so the copy stays plain data.
  const error: OperationError = {
    ...record,
    code: record['code'],
    message: typeof record['message'] === 'string' ? record['message'] : '',
  };
  if (record['target'] !== undefined && typeof record['target'] !== 'string') delete error.target;
  delete error.details;
  const details = record['details'];
  if (Array.isArray(details) && depth < MAX_ERROR_DEPTH) {
    const read = details.map((d) => readErrorObject(d, depth + 1)).filter((d): d is OperationError => !!d);
    if (read.length > 0) error.details = read;
  }
  delete error.innererror;
  const inner = record['innererror'];
  if (asRecord(inner) && depth < MAX_ERROR_DEPTH) error.innererror = readInnerError(inner as Record<string, unknown>, depth + 1);
  if (record['additionalInfo'] !== undefined && !Array.isArray(record['additionalInfo'])) delete error.additionalInfo;
  return error;
}

// `innererror` has no required field (its `code` is optional): kept whole, nested ones bounded too.
function readInnerError(record: Record<string, unknown>, depth: number): Record<string, unknown> {
  const inner: Record<string, unknown> = { ...record };
  const nested = asRecord(record['innererror']);
  if (nested && depth < MAX_ERROR_DEPTH) inner['innererror'] = readInnerError(nested, depth + 1);
  else delete inner['innererror'];
  return inner;
}

/**
 * The error of a failed or canceled operation (rule R11): the body's `error` (or
 * `properties.error`) whole; when it is missing or malformed, `fallback` (by default `code: "Unknown"`)
 * with the raw body kept.
 */
export function readOperationError(
  body: unknown,
  status: string,
  raw: unknown = body,
  fallback: { code: string; message: string } = {
    code: 'Unknown',
    message: `The operation ended with status "${status}" and no usable error`,
  },
): OperationError {
  const record = asRecord(body);
  const error = readErrorObject(record?.['error'], 0) ?? readErrorObject(asRecord(record?.['properties'])?.['error'], 0);
  if (error) return error;
  const unknown: OperationError = { ...fallback };
  if (raw !== undefined) unknown.raw = raw;
  return unknown;
}
