import { isFailureOutcome, type ResolvedScript } from './script';
import type { ArmError, LroMethod } from './types';

/** One operation the simulator is playing. Its state is never stored: it is computed from the clock and the poll count. */
export interface Operation {
  readonly id: string;
  readonly method: LroMethod;
  /** The original path, as the client sent it (for ids and `final` GETs). */
  readonly path: string;
  /** The lookup key of the resource the operation acts on. */
  readonly key: string;
  readonly script: ResolvedScript;
  /** Simulator clock (ms) at the initial request. */
  readonly startedAt: number;
  /** Wall clock at the initial request, for `startTime`. */
  readonly startedWall: number;
  readonly apiVersion: string | undefined;
  /** The resource as it was before the operation; `undefined` = it did not exist. */
  readonly before: Record<string, unknown> | undefined;
  /** The resource after success (PUT/PATCH) or the POST (or GET) result; `undefined` = none. */
  readonly target: Record<string, unknown> | undefined;
  /** Paths (no origin) of the URLs the simulator serves for this operation. */
  readonly monitorPath: string;
  readonly locationPath: string;
  readonly resourcePath: string;
  polls: number;
  finals: number;
  /** Set by the `gone` fault: every later poll and final GET answers 404. */
  gone: boolean;
  /** provisioning-state: the terminal state was shown once, so later GETs of the URL are ordinary reads. */
  terminalServed: boolean;
  /** Wall clock of the terminal state, fixed the first time it is observed. */
  endedWall: number | undefined;
}

/** Where an operation stands at one instant. */
export interface Phase {
  readonly done: boolean;
  /** Elapsed fraction 0–1 (of the duration, or of the polls). */
  readonly fraction: number;
  /** A running status, or the outcome once done. */
  readonly status: string;
  readonly percentComplete: number | undefined;
}

/** Computes the phase from elapsed time, or from the poll count when the script counts polls. */
export function phaseOf(op: Operation, now: number): Phase {
  const { script } = op;
  if (script.pattern === 'sync') return finished(op);
  const elapsedMs = Math.max(0, now - op.startedAt);
  let done: boolean;
  let fraction: number;
  if (script.polls !== undefined) {
    done = op.polls >= script.polls;
    fraction = Math.min(1, op.polls / script.polls);
  } else {
    done = elapsedMs >= script.durationMs;
    fraction = script.durationMs <= 0 ? 1 : Math.min(1, elapsedMs / script.durationMs);
  }
  if (done) {
    op.endedWall ??= script.polls !== undefined ? Date.now() : op.startedWall + script.durationMs;
    return finished(op);
  }
  return runningPhase(op, fraction);
}

/** The phase shown by the initial response: always running, whatever the duration. */
export function initialPhase(op: Operation): Phase {
  return op.script.pattern === 'sync' ? finished(op) : runningPhase(op, 0);
}

function runningPhase(op: Operation, fraction: number): Phase {
  const statuses = op.script.runningStatuses;
  const index = Math.min(statuses.length - 1, Math.floor(fraction * statuses.length));
  return { done: false, fraction, status: statuses[index] ?? 'InProgress', percentComplete: percentAt(op, fraction) };
}

function finished(op: Operation): Phase {
  return { done: true, fraction: 1, status: op.script.outcome, percentComplete: percentAt(op, 1) };
}

function percentAt(op: Operation, fraction: number): number | undefined {
  return op.script.percentComplete?.(fraction);
}

/** True once the operation ended in `Failed`/`Canceled`/`Cancelled`. */
export function failedPhase(phase: Phase): boolean {
  return phase.done && isFailureOutcome(phase.status);
}

/** A copy of a resource with its `provisioningState` set where the script says it sits. */
export function withProvisioningState(
  resource: Record<string, unknown> | undefined,
  state: string,
  at: 'properties' | 'root',
): Record<string, unknown> {
  const base = resource ?? {};
  if (at === 'root') return { ...base, provisioningState: state };
  const properties =
    typeof base.properties === 'object' && base.properties !== null && !Array.isArray(base.properties) ? base.properties : {};
  return { ...base, properties: { ...properties, provisioningState: state } };
}

/** GET of the operation's resource path at this phase; `undefined` means 404. */
export function resourceView(op: Operation, phase: Phase): Record<string, unknown> | undefined {
  if (op.gone) return undefined;
  const { script } = op;
  switch (op.method) {
    case 'PUT':
    case 'PATCH':
      return withProvisioningState(op.target, phase.status, script.provisioningStateAt);
    case 'DELETE':
      if (!phase.done) return op.before && withProvisioningState(op.before, 'Deleting', script.provisioningStateAt);
      return failedPhase(phase) ? op.before : undefined;
    case 'POST':
    case 'GET':
      // The action URL itself has no state; serving the result lets finalStateVia 'original-uri' be tested.
      return phase.done && !failedPhase(phase) ? op.target : undefined;
  }
}

/** The `error` of a finished operation's monitor body; `undefined` leaves the field out. */
export function operationError(op: Operation, phase: Phase): ArmError | string | undefined {
  if (!phase.done || phase.status.toLowerCase() === 'succeeded') return undefined;
  const explicit = op.script.error;
  if (explicit === null) return undefined;
  if (explicit !== undefined) return explicit;
  if (!isFailureOutcome(phase.status)) return undefined;
  return phase.status.toLowerCase() === 'failed'
    ? { code: 'OperationFailed', message: `The operation '${op.id}' failed.` }
    : { code: 'OperationCanceled', message: `The operation '${op.id}' was canceled.` };
}

/** The status monitor body (`Azure-AsyncOperation` / `Operation-Location`) at this phase. */
export function monitorBody(op: Operation, phase: Phase, resourceLocationUrl: string | undefined): Record<string, unknown> {
  const { script } = op;
  const fields = new Set(script.monitorFields);
  const body: Record<string, unknown> = {};
  if (fields.has('id')) body.id = op.monitorPath;
  if (fields.has('name')) body.name = op.id;
  body.status = phase.status;
  if (fields.has('startTime')) body.startTime = new Date(op.startedWall).toISOString();
  if (phase.done && fields.has('endTime') && op.endedWall !== undefined) body.endTime = new Date(op.endedWall).toISOString();
  if (phase.percentComplete !== undefined) body.percentComplete = phase.percentComplete;
  const succeeded = phase.done && !failedPhase(phase);
  if (succeeded && op.target !== undefined) {
    if (script.monitorResult === 'inline') {
      // The monitor keeps its own id and name; the resource's other fields (properties, type, tags…) join them.
      const { id: _id, name: _name, ...fields } = op.target;
      Object.assign(body, fields);
    } else if (script.monitorResult !== 'none') {
      body[script.monitorResult] = op.target;
    }
  }
  if (succeeded && resourceLocationUrl !== undefined) body.resourceLocation = resourceLocationUrl;
  const error = operationError(op, phase);
  if (error !== undefined) body.error = error;
  return script.monitorExtra ? { ...body, ...script.monitorExtra } : body;
}
