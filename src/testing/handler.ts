import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerPreflight, setCorsHeaders } from './cors';
import { armErrorResponse, isPreemptive, pickFault, statusFaultResponse, type PreemptiveFault, type SimResponse } from './faults';
import { parseObject, readBody, resetConnection, writeResponse } from './http-io';
import { QUERY_HELP, scriptFromQuery } from './query';
import type { LogEntry, RequestLog } from './request-log';
import { initialResponse, locationResponse, monitorResponse, resourceResponse, type Origins } from './responses';
import { addRetryAfter } from './retry-after';
import { methodMismatch, resolveScript, validateScript, type ResolvedFault, type ResolvedScript } from './script';
import { failedPhase, phaseOf, resourceView, type Operation, type Phase } from './state';
import type { FaultTarget, LroMethod, OperationScript } from './types';

// The methods that start an operation on any path; a GET starts one only where a script says `GET /path`.
const LRO_METHODS: readonly LroMethod[] = ['PUT', 'PATCH', 'POST', 'DELETE'];
// Generated ids are UUIDs, so a resource path that merely ends in "operationResults/x" is never mistaken for one.
const OPERATION_ROUTE = /\/operation(Statuses|Results|Resources)\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** What the handler needs from the server around it. */
export interface HandlerContext {
  readonly log: RequestLog;
  /** Milliseconds since the simulator started. */
  readonly clock: () => number;
  readonly origins: () => Origins;
  /** Runs `fn` later unless the simulator closes first; returns a canceller. */
  readonly schedule: (ms: number, fn: () => void) => () => void;
}

/** The lookup key of a path: ARM ids are case-insensitive, and a trailing slash names the same resource. */
export function resourceKey(path: string): string {
  const bare = path.split('?')[0] ?? path;
  const trimmed = bare.length > 1 ? bare.replace(/\/+$/, '') : bare;
  return (trimmed === '' ? '/' : trimmed).toLowerCase();
}

/** Splits `'DELETE /path'` (or a plain path or URL) into a script key. */
export function scriptKey(pathOrKey: string): string {
  const match = /^(PUT|PATCH|POST|DELETE|GET)\s+(\S.*)$/i.exec(pathOrKey.trim());
  const method = match?.[1]?.toUpperCase();
  let path = (match?.[2] ?? pathOrKey).trim();
  if (/^https?:\/\//i.test(path)) path = new URL(path).pathname;
  if (!path.startsWith('/')) throw new TypeError(`rx-lro/testing: a script path must start with '/', got ${JSON.stringify(pathOrKey)}`);
  return method ? `${method} ${resourceKey(path)}` : resourceKey(path);
}

/** Where a provider's operations live, ARM style, so polling URLs look like Azure's. */
function operationPrefix(path: string): string {
  const provider = /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/[^/]+)?\/providers\/([^/]+)/i.exec(path);
  if (provider) return `/subscriptions/${provider[1]}/providers/${provider[2]}/locations/westus`;
  const subscription = /^\/subscriptions\/([^/]+)/i.exec(path);
  return subscription ? `/subscriptions/${subscription[1]}` : '';
}

function lastSegment(path: string): string {
  const segments = path.split('/').filter((s) => s !== '');
  return segments[segments.length - 1] ?? '';
}

function parseUrl(raw: string | undefined): URL {
  const text = raw ?? '/';
  try {
    // Prefixing keeps "//x" a path instead of a host.
    return text.startsWith('/') ? new URL(`http://simulator${text}`) : new URL(text);
  } catch {
    return new URL('http://simulator/');
  }
}

/** Plays the scripts: routes each request, keeps the operations, applies the faults. */
export class SimulatorHandler {
  private readonly scripts = new Map<string, OperationScript>();
  private readonly operations = new Map<string, Operation>();
  private readonly latestByKey = new Map<string, Operation>();
  /** Paths given as a string `resourceLocation`, served as the final result of their operation. */
  private readonly finalPaths = new Map<string, Operation>();
  private readonly initialCounts = new Map<string, number>();

  constructor(
    private readonly context: HandlerContext,
    private readonly defaults: OperationScript,
  ) {}

  /** Registers a validated script under `'METHOD /path'` or `/path`. */
  define(pathOrKey: string, script: OperationScript): void {
    const key = scriptKey(pathOrKey);
    validateScript(script, `script for ${JSON.stringify(pathOrKey)}`);
    this.scripts.set(key, { ...script });
  }

  /** Forgets operations, resources and counters; scripts stay. */
  reset(): void {
    this.operations.clear();
    this.latestByKey.clear();
    this.finalPaths.clear();
    this.initialCounts.clear();
  }

  /** Handles one request; never throws (a bug answers 500 instead of killing the server). */
  handle(req: IncomingMessage, res: ServerResponse, listener: LogEntry['listener']): void {
    const entry = this.context.log.record(req, this.context.clock(), listener);
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    setCorsHeaders(res);
    const fail = (error: unknown): void => {
      writeResponse(res, armErrorResponse(500, { code: 'SimulatorError', message: String(error) }));
    };
    try {
      const method = (req.method ?? 'GET').toUpperCase();
      const url = parseUrl(req.url);
      if (method === 'OPTIONS') {
        answerPreflight(req, res);
      } else if ((LRO_METHODS as readonly string[]).includes(method)) {
        this.handleInitial(req, res, entry, method as LroMethod, url).catch(fail);
      } else if (method === 'GET' && this.scripts.has(`GET ${resourceKey(url.pathname)}`)) {
        this.handleInitial(req, res, entry, 'GET', url).catch(fail);
      } else if (method === 'GET') {
        req.resume();
        this.handleGet(req, res, entry, url);
      } else {
        req.resume();
        writeResponse(
          res,
          armErrorResponse(
            405,
            { code: 'MethodNotAllowed', message: `The simulator does not answer ${method}.` },
            { Allow: 'GET, PUT, PATCH, POST, DELETE, OPTIONS' },
          ),
        );
      }
    } catch (error) {
      fail(error);
    }
  }

  private scriptFor(method: LroMethod, key: string, query: URLSearchParams): OperationScript {
    const defined = this.scripts.get(`${method} ${key}`) ?? this.scripts.get(key);
    if (defined) return defined;
    const merged = { ...this.defaults, ...scriptFromQuery(query) };
    validateScript(merged, 'query');
    return merged;
  }

  private async handleInitial(req: IncomingMessage, res: ServerResponse, entry: LogEntry, method: LroMethod, url: URL): Promise<void> {
    const key = resourceKey(url.pathname);
    entry.kind = 'initial';
    let script: ResolvedScript;
    try {
      const raw = this.scriptFor(method, key, url.searchParams);
      const mismatch = methodMismatch(raw, method);
      if (mismatch !== undefined) throw new TypeError(mismatch);
      script = resolveScript(raw, method);
    } catch (error) {
      await readBody(req);
      const message = error instanceof Error ? error.message : String(error);
      writeResponse(res, armErrorResponse(400, { code: 'InvalidSimulatorScenario', message }));
      return;
    }
    const countKey = `${method} ${key}`;
    const n = (this.initialCounts.get(countKey) ?? 0) + 1;
    this.initialCounts.set(countKey, n);
    const fault = pickFault(script.faults, 'initial', n);
    if (fault) entry.fault = fault.kind;
    // A reset drops the request before it is read; the other preemptive faults answer after it is.
    if (fault?.kind === 'reset') {
      resetConnection(req, res);
      return;
    }
    const startedAt = entry.time;
    const startedWall = Date.now();
    const text = await readBody(req);
    if (isPreemptive(fault)) {
      this.deliverPreemptive(req, res, fault, undefined);
      return;
    }
    const op = this.startOperation(method, url, key, script, parseObject(text), startedAt, startedWall);
    entry.operationId = op.id;
    this.deliver(res, fault, (other) => initialResponse(op, this.context.origins(), other));
  }

  private startOperation(
    method: LroMethod,
    url: URL,
    key: string,
    script: ResolvedScript,
    requestBody: Record<string, unknown> | undefined,
    startedAt: number,
    startedWall: number,
  ): Operation {
    const path = url.pathname;
    const id = randomUUID();
    const previous = this.latestByKey.get(key);
    const identity = { id: path, name: lastSegment(path) };
    const current = previous && resourceView(previous, phaseOf(previous, this.context.clock()));
    // A DELETE of a resource the simulator never saw still shows it being deleted: scripts need no set-up PUT.
    const before = current ?? (method === 'DELETE' ? { ...identity, properties: {} } : undefined);
    let target: Record<string, unknown> | undefined;
    if (script.resource !== undefined) target = { ...script.resource };
    else if (method === 'PUT') target = { ...identity, ...requestBody };
    else if (method === 'PATCH') target = mergePatch(before ?? identity, requestBody);
    // Resource-scoped operation URLs live under the resource itself, and vanish with it after a DELETE.
    const prefix = script.resourceScopedUrls ? path.replace(/\/+$/, '') : operationPrefix(path);
    const op: Operation = {
      id,
      method,
      path,
      key,
      script,
      startedAt,
      startedWall,
      apiVersion: url.searchParams.get('api-version') ?? undefined,
      before,
      target,
      monitorPath: `${prefix}/operationStatuses/${id}`,
      locationPath: `${prefix}/operationResults/${id}`,
      resourcePath: `${prefix}/operationResources/${id}`,
      polls: 0,
      finals: 0,
      gone: false,
      terminalServed: false,
      endedWall: script.pattern === 'sync' ? startedWall : undefined,
    };
    this.operations.set(id, op);
    this.latestByKey.set(key, op);
    if (typeof script.resourceLocation === 'string') {
      const located = script.resourceLocation.startsWith('/') ? script.resourceLocation : safePathname(script.resourceLocation);
      if (located !== undefined) this.finalPaths.set(resourceKey(located), op);
    }
    return op;
  }

  private handleGet(req: IncomingMessage, res: ServerResponse, entry: LogEntry, url: URL): void {
    const path = url.pathname;
    if (path === '/') {
      writeResponse(res, {
        status: 200,
        headers: {},
        body: {
          simulator: 'rx-lro/testing',
          usage: 'PUT/PATCH/POST/DELETE any path to start an operation; tune it with these query parameters.',
          queryParameters: QUERY_HELP.split('\n'),
        },
      });
      return;
    }
    const route = OPERATION_ROUTE.exec(path);
    if (route) return this.serveOperationRoute(req, res, entry, (route[1] ?? '').toLowerCase(), (route[2] ?? '').toLowerCase());
    const key = resourceKey(path);
    const located = this.finalPaths.get(key);
    if (located) {
      entry.operationId = located.id;
      this.serveOperationRequest(req, res, entry, located, 'final', () =>
        resourceResponse(resourceView(located, phaseOf(located, this.context.clock()))),
      );
      return;
    }
    const op = this.latestByKey.get(key);
    if (!op) {
      writeResponse(res, resourceResponse(undefined));
      return;
    }
    entry.operationId = op.id;
    this.serveResource(req, res, entry, op);
  }

  /** A GET of an operation's own URL: its status monitor, its Location, or its result. */
  private serveOperationRoute(req: IncomingMessage, res: ServerResponse, entry: LogEntry, kindOfRoute: string, id: string): void {
    const op = this.operations.get(id);
    if (!op) {
      writeResponse(res, armErrorResponse(404, { code: 'OperationNotFound', message: 'No such operation (was the simulator reset?).' }));
      return;
    }
    entry.operationId = op.id;
    const phase = (): Phase => phaseOf(op, this.context.clock());
    if (kindOfRoute === 'statuses') {
      this.serveOperationRequest(
        req,
        res,
        entry,
        op,
        'poll',
        (other) => this.vanished(op) ?? monitorResponse(op, phase(), this.context.origins(), other),
      );
    } else if (kindOfRoute === 'results') {
      const target: FaultTarget = op.script.pattern !== 'location' && phase().done ? 'final' : 'poll';
      this.serveOperationRequest(
        req,
        res,
        entry,
        op,
        target,
        (other) => this.vanished(op) ?? locationResponse(op, phase(), this.context.origins(), other),
      );
    } else {
      this.serveOperationRequest(req, res, entry, op, 'final', () => resourceResponse(resourceView(op, phase())));
    }
  }

  /** A GET of the resource an operation works on: polled (provisioning state), its final GET, or a plain read. */
  private serveResource(req: IncomingMessage, res: ServerResponse, entry: LogEntry, op: Operation): void {
    const { pattern } = op.script;
    if (!op.script.resourceRoute) {
      // A service with no GET route for this URL: whatever the client wanted, it is not here.
      entry.kind = phaseOf(op, this.context.clock()).done ? 'final' : 'other';
      writeResponse(res, armErrorResponse(404, { code: 'NotFound', message: 'This service has no GET route for the URL.' }));
      return;
    }
    if (pattern === 'provisioning-state' && !op.terminalServed) {
      this.serveOperationRequest(req, res, entry, op, 'poll', () => {
        const phase = phaseOf(op, this.context.clock());
        if (phase.done) op.terminalServed = true;
        const headers: Record<string, string> = {};
        if (!phase.done) addRetryAfter(headers, op.script.retryAfter);
        return resourceResponse(resourceView(op, phase), headers);
      });
    } else if (pattern !== 'sync' && pattern !== 'provisioning-state' && phaseOf(op, this.context.clock()).done) {
      this.serveOperationRequest(req, res, entry, op, 'final', () => resourceResponse(resourceView(op, phaseOf(op, this.context.clock()))));
    } else {
      writeResponse(res, resourceResponse(resourceView(op, phaseOf(op, this.context.clock()))));
    }
  }

  /** The `404` of a resource-scoped operation URL once its DELETE has succeeded (the resource took it along). */
  private vanished(op: Operation): SimResponse | undefined {
    if (op.method !== 'DELETE' || !op.script.resourceScopedUrls) return undefined;
    const phase = phaseOf(op, this.context.clock());
    return phase.done && !failedPhase(phase) ? goneResponse() : undefined;
  }

  /** Counts a poll or final GET, then answers it through its fault (or the sticky 404 of `gone`). */
  private serveOperationRequest(
    req: IncomingMessage,
    res: ServerResponse,
    entry: LogEntry,
    op: Operation,
    target: FaultTarget,
    produce: (other: boolean) => SimResponse,
  ): void {
    entry.kind = target;
    const n = target === 'poll' ? ++op.polls : ++op.finals;
    if (op.gone) {
      writeResponse(res, goneResponse());
      return;
    }
    const fault = pickFault(op.script.faults, target, n);
    if (fault) entry.fault = fault.kind;
    if (isPreemptive(fault)) {
      this.deliverPreemptive(req, res, fault, op);
      return;
    }
    this.deliver(res, fault, produce);
  }

  /** Answers in place of the scripted response: a dropped connection, an HTTP error, or the start of `gone`. */
  private deliverPreemptive(req: IncomingMessage, res: ServerResponse, fault: PreemptiveFault, op: Operation | undefined): void {
    if (fault.kind === 'reset') {
      resetConnection(req, res);
      return;
    }
    if (fault.kind === 'gone') {
      if (op) op.gone = true;
      writeResponse(res, goneResponse());
      return;
    }
    writeResponse(res, statusFaultResponse({ ...fault, kind: fault.kind }));
  }

  /** Answers through a non-preemptive fault: late (`slow`), elsewhere (`other-origin`), or reshaped. */
  private deliver(res: ServerResponse, fault: ResolvedFault | undefined, produce: (other: boolean) => SimResponse): void {
    if (fault?.kind === 'slow') {
      const cancel = this.context.schedule(fault.delayMs, () => writeResponse(res, produce(false)));
      // A client that gave up must not leave a timer behind.
      res.on('close', cancel);
      return;
    }
    writeResponse(res, produce(fault?.kind === 'other-origin'), fault);
  }
}

function goneResponse(): SimResponse {
  return armErrorResponse(404, { code: 'ResourceNotFound', message: 'The resource was deleted.' });
}

function safePathname(url: string): string | undefined {
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}

/** A shallow PATCH: top-level fields and `properties` fields of the body replace the current ones. */
function mergePatch(current: Record<string, unknown>, patch: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!patch) return { ...current };
  const properties = (value: unknown): Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  return { ...current, ...patch, properties: { ...properties(current.properties), ...properties(patch.properties) } };
}
