import { armErrorResponse, type SimResponse } from './faults';
import { addRetryAfter } from './retry-after';
import { isAction } from './script';
import {
  failedPhase,
  initialPhase,
  monitorBody,
  operationError,
  resourceView,
  withProvisioningState,
  type Operation,
  type Phase,
} from './state';

/** The two origins the simulator answers on. */
export interface Origins {
  readonly main: string;
  readonly other: string;
}

/** `true` = write URLs with the other origin (the `other-origin` fault). */
type OtherOrigin = boolean;

/** The header that names the status monitor, for the status-monitor patterns. */
export function monitorHeaderName(op: Operation): string | undefined {
  switch (op.script.pattern) {
    case 'azure-async-operation':
      return 'Azure-AsyncOperation';
    case 'operation-location':
      return 'Operation-Location';
    default:
      return undefined;
  }
}

/** A URL the simulator serves for this operation, with the initial `api-version` unless the script says not to. */
export function operationUrl(op: Operation, path: string, origins: Origins, other: OtherOrigin): string {
  const query = op.script.keepApiVersion && op.apiVersion !== undefined ? `?api-version=${encodeURIComponent(op.apiVersion)}` : '';
  if (other) return origins.other + path + query;
  return (op.script.relativeUrls ? '' : origins.main) + path + query;
}

/** The `resourceLocation` of a succeeded monitor body, or `undefined` when the script has none. */
export function resourceLocationUrl(op: Operation, origins: Origins, other: OtherOrigin): string | undefined {
  const configured = op.script.resourceLocation;
  if (configured === false) return undefined;
  if (configured === true) return operationUrl(op, op.resourcePath, origins, other);
  if (!configured.startsWith('/')) return configured;
  if (other) return origins.other + configured;
  return (op.script.relativeUrls ? '' : origins.main) + configured;
}

function hasUpdateBody(op: Operation): boolean {
  return op.method === 'PUT' || op.method === 'PATCH';
}

/** The answer to the request that started the operation. */
export function initialResponse(op: Operation, origins: Origins, other: OtherOrigin): SimResponse {
  const { script } = op;
  const status = script.initialStatus;
  const headers: Record<string, string> = {};
  const phase = initialPhase(op);
  const at = script.provisioningStateAt;
  switch (script.pattern) {
    case 'azure-async-operation':
    case 'operation-location': {
      headers[monitorHeaderName(op) ?? 'Azure-AsyncOperation'] = script.pollingUrl ?? operationUrl(op, op.monitorPath, origins, other);
      if (script.location) headers.Location = script.pollingUrl ?? operationUrl(op, op.locationPath, origins, other);
      addRetryAfter(headers, script.retryAfter);
      // The ARM convention: a PUT/PATCH answers with the resource as accepted so far.
      const body = hasUpdateBody(op) && status !== 204 ? withProvisioningState(op.target, 'Accepted', at) : undefined;
      return { status, headers, body };
    }
    case 'location': {
      headers.Location = script.pollingUrl ?? operationUrl(op, op.locationPath, origins, other);
      addRetryAfter(headers, script.retryAfter);
      const body = hasUpdateBody(op) && status !== 202 && status !== 204 ? withProvisioningState(op.target, 'Accepted', at) : undefined;
      return { status, headers, body };
    }
    case 'provisioning-state': {
      addRetryAfter(headers, script.retryAfter);
      const body = status === 204 ? undefined : withProvisioningState(op.target, phase.status, at);
      return { status, headers, body };
    }
    case 'sync': {
      if (status === 204) return { status, headers };
      if (hasUpdateBody(op)) return { status, headers, body: withProvisioningState(op.target, phase.status, at) };
      return { status, headers, body: isAction(op.method) ? op.target : undefined };
    }
  }
}

/** GET of the status monitor. */
export function monitorResponse(op: Operation, phase: Phase, origins: Origins, other: OtherOrigin): SimResponse {
  const headers: Record<string, string> = {};
  if (!phase.done) addRetryAfter(headers, op.script.retryAfter);
  const header = monitorHeaderName(op);
  // The fault moves the rest of the polling to the other origin (rule R8 says the client must re-check it).
  if (other && header !== undefined) headers[header] = operationUrl(op, op.monitorPath, origins, true);
  return { status: 200, headers, body: monitorBody(op, phase, resourceLocationUrl(op, origins, other)) };
}

/** GET of the `Location` URL: 202 while running, then the result, the error, or 204. */
export function locationResponse(op: Operation, phase: Phase, origins: Origins, other: OtherOrigin): SimResponse {
  const { script } = op;
  const headers: Record<string, string> = {};
  if (!phase.done) {
    headers.Location = operationUrl(op, op.locationPath, origins, other);
    addRetryAfter(headers, script.retryAfter);
    return { status: 202, headers };
  }
  if (failedPhase(phase)) {
    if (script.locationFailure === 'provisioning-state') {
      return { status: 200, headers, body: withProvisioningState(op.target, phase.status, script.provisioningStateAt) };
    }
    const error = operationError(op, phase);
    return error === undefined
      ? { status: script.locationFailure, headers, body: {} }
      : armErrorResponse(script.locationFailure, error, headers);
  }
  const result = op.method === 'DELETE' ? undefined : resourceView(op, phase);
  return result === undefined ? { status: 204, headers } : { status: 200, headers, body: result };
}

/** GET of a resource: the resource or a 404 with an ARM error body. */
export function resourceResponse(resource: Record<string, unknown> | undefined, headers: Record<string, string> = {}): SimResponse {
  return resource === undefined
    ? armErrorResponse(404, { code: 'ResourceNotFound', message: 'The resource was not found (or was deleted).' }, headers)
    : { status: 200, headers, body: resource };
}
