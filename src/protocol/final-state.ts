import type { FinalStateVia, LroMethod, PollMode } from '../snapshot';
import { asRecord } from './json';

/** Where the result of a succeeded operation comes from: a URL to GET, a value in hand, or nothing. */
export type FinalPlan = { kind: 'get'; url: string } | { kind: 'value'; value: unknown } | { kind: 'none' };

/** What the final-result rules look at, all known once the terminal response has arrived. */
export interface FinalInputs {
  method: LroMethod;
  /** How the operation was polled. */
  mode: PollMode;
  finalStateVia?: FinalStateVia;
  /** The URL of the initial request. */
  url: string;
  /** The `Location` of the initial response, when it had one (already resolved and versioned). */
  locationUrl?: string;
  /** A succeeded status monitor's `resourceLocation`, resolved and versioned. */
  resourceLocation?: string;
  /** The body of the terminal response: the status monitor's, the Location URL's or the resource's. */
  body: unknown;
}

/** The result a status monitor reports in its own body: data plane `result`, else ARM `properties`. */
function monitorResult(body: unknown): unknown {
  const record = asRecord(body);
  return record?.['result'] ?? record?.['properties'];
}

/**
 * Where the result of a succeeded operation is (rule X1–X5, R16). One table for every mode:
 *
 * - status monitor: PUT GETs the original URL whatever `finalStateVia` says (X1: the monitor of a
 *   TypeSpec ARM PUT is not the resource); PATCH too, but for `location` with an initial `Location`;
 *   POST and GET take the initial `Location`, else the monitor's `result` or `properties` (none when
 *   it has neither); naming the monitor in `finalStateVia` takes its result, else its whole body, and
 *   `original-uri` GETs the original URL; a DELETE has no result (X3); a `resourceLocation` wins over X1/X2 (X4).
 * - Location: the terminal Location response is the result, whatever `finalStateVia` says; only a
 *   PUT/PATCH with `original-uri` whose terminal response has no body GETs the original URL.
 * - resource polling and operations finished at once: the body in hand is the result.
 */
export function finalPlan(inputs: FinalInputs): FinalPlan {
  const { method, mode, finalStateVia, url, locationUrl, body } = inputs;
  const isUpdate = method === 'PUT' || method === 'PATCH';
  if (mode === 'location') {
    if (body === undefined && isUpdate && finalStateVia === 'original-uri') return { kind: 'get', url };
    return body === undefined ? { kind: 'none' } : { kind: 'value', value: body };
  }
  if (mode !== 'status') return body === undefined ? { kind: 'none' } : { kind: 'value', value: body };
  if (method === 'DELETE') return { kind: 'none' };
  if (inputs.resourceLocation !== undefined) return { kind: 'get', url: inputs.resourceLocation };
  if (method === 'PUT') return { kind: 'get', url };
  if (method === 'PATCH') {
    return { kind: 'get', url: finalStateVia === 'location' && locationUrl !== undefined ? locationUrl : url };
  }
  // POST and GET (R16).
  if (finalStateVia === 'original-uri') return { kind: 'get', url };
  // The caller named the monitor as the final state: its result, else the monitor body itself.
  if (finalStateVia === 'azure-async-operation' || finalStateVia === 'operation-location') {
    return { kind: 'value', value: monitorResult(body) ?? body };
  }
  if (locationUrl !== undefined) return { kind: 'get', url: locationUrl };
  // X2: the monitor's own result; a monitor that carries none (a VM start) leaves the operation without one.
  const value = monitorResult(body);
  return value === undefined ? { kind: 'none' } : { kind: 'value', value };
}
