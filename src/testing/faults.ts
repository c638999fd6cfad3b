import { addRetryAfter } from './retry-after';
import type { ResolvedFault } from './script';
import type { ArmError, FaultTarget } from './types';

/** A response before it is written: the JSON body is still a value, so faults can reshape it. */
export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  /** A JSON-serializable value; `undefined` = no body. */
  body?: unknown;
}

/** A response ready for the wire. */
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON text (possibly broken on purpose); `undefined` = no body. */
  text: string | undefined;
}

/** Faults that replace the answer instead of reshaping it: the server does not act on the request. */
export type PreemptiveFault = ResolvedFault & { kind: number | 'reset' | 'gone' };

/** The fault that covers the `n`-th request (1-based) of a kind, if any; the first listed wins. */
export function pickFault(faults: readonly ResolvedFault[], on: FaultTarget, n: number): ResolvedFault | undefined {
  return faults.find((f) => f.on === on && n >= f.nth && n < f.nth + f.count);
}

/** True for faults after which the request has no effect (no operation is started). */
export function isPreemptive(fault: ResolvedFault | undefined): fault is PreemptiveFault {
  return fault !== undefined && (typeof fault.kind === 'number' || fault.kind === 'reset' || fault.kind === 'gone');
}

const STATUS_CODES: Record<number, [code: string, message: string]> = {
  404: ['ResourceNotFound', 'The resource was not found.'],
  408: ['RequestTimeout', 'The server timed out waiting for the request.'],
  429: ['TooManyRequests', 'The request was throttled; retry after the delay in Retry-After.'],
  500: ['InternalServerError', 'The server encountered an internal error.'],
  502: ['BadGateway', 'The gateway received an invalid response.'],
  503: ['ServiceUnavailable', 'The service is temporarily unavailable.'],
  504: ['GatewayTimeout', 'The gateway timed out.'],
};

/** An ARM error response: `{ error: { code, message } }` with that status. */
export function armErrorResponse(status: number, error?: ArmError | string, headers: Record<string, string> = {}): SimResponse {
  const [code, message] = STATUS_CODES[status] ?? [`Http${status}`, `The simulator answered ${status}.`];
  return { status, headers, body: { error: error ?? { code, message } } };
}

/** The answer of an HTTP-status fault, with its `Retry-After` if any. */
export function statusFaultResponse(fault: ResolvedFault & { kind: number }): SimResponse {
  const headers: Record<string, string> = {};
  addRetryAfter(headers, fault.retryAfter);
  return armErrorResponse(fault.kind, fault.error, headers);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function withoutStatus(body: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...body };
  delete copy.status;
  return copy;
}

/** Serializes a response, reshaping the body for the body faults (the others leave it alone). */
export function serialize(response: SimResponse, fault?: ResolvedFault): WireResponse {
  const { status, headers } = response;
  const body = response.body;
  const object = isRecord(body) ? body : {};
  switch (fault?.kind) {
    case 'empty-body':
      return { status, headers, text: undefined };
    case 'missing-status':
      return { status, headers, text: JSON.stringify(withoutStatus(object)) };
    case 'numeric-status':
      return { status, headers, text: JSON.stringify({ ...object, status: 1 }) };
    case 'null-status':
      return { status, headers, text: JSON.stringify({ ...object, status: null }) };
    case 'malformed-json': {
      // Cut the text in half: still starts like JSON, so only a real parser notices.
      const whole = JSON.stringify(body ?? { status: 'InProgress' });
      return { status, headers, text: whole.slice(0, Math.max(1, Math.floor(whole.length / 2))) };
    }
    case 'oversized-json':
      return { status, headers, text: JSON.stringify({ ...object, padding: 'x'.repeat(fault.bytes) }) };
    default:
      return { status, headers, text: body === undefined ? undefined : JSON.stringify(body) };
  }
}
