import type { Observable } from 'rxjs';
import { driveOperation } from '../driver';
import { resolveOptions, type PollOptions } from '../options';
import type { LroMethod, OperationSnapshot } from '../snapshot';
import { checkMethod, checkUrl } from '../start-input';
import { requestHeaders } from '../protocol/requests';

/**
 * The request that starts an operation.
 * @example
 * ```ts
 * const request: OperationRequest = { method: 'POST', url: `${vm}/start?api-version=2024-07-01` };
 * trackOperation(request).subscribe(render);
 * ```
 */
export interface OperationRequest {
  method: LroMethod;
  url: string;
  /** Sent as JSON; a string is sent as it is (already serialized). */
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Sends the initial request, then tracks the operation it starts. Cold: the request is sent on
 * subscribe, once per subscription. Transient faults of the initial request are retried (PUT and
 * DELETE also after a network error; a POST only when the service answered).
 *
 * @param request validated now; a bad request throws a `TypeError` at once
 * @example
 * trackOperation({ method: 'POST', url: `${vm}/start?api-version=2024-07-01` }, { authorize })
 *   .subscribe((s) => console.log(s.state, s.status));
 */
export function trackOperation<T = unknown>(request: OperationRequest, options?: PollOptions<T>): Observable<OperationSnapshot<T>> {
  if (typeof request !== 'object' || request === null) {
    throw new TypeError(`rx-lro: trackOperation needs a request { method, url, body?, headers? }, got ${JSON.stringify(request)}`);
  }
  const method = checkMethod(request.method, 'request.method');
  const url = checkUrl(request.url, 'request.url');
  const resolved = resolveOptions(options);
  const headers = requestHeaders(resolved.headers);
  let body: string | undefined;
  if (request.body !== undefined) {
    // fetch refuses a GET with a body; say so here, where the caller can see which request it was.
    if (method === 'GET') throw new TypeError('rx-lro: a GET request has no body: remove request.body');
    body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
    headers['content-type'] = 'application/json';
  }
  if (request.headers !== undefined) {
    if (typeof request.headers !== 'object' || request.headers === null) {
      throw new TypeError(`rx-lro: request.headers must be an object of strings, got ${JSON.stringify(request.headers)}`);
    }
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value !== 'string') throw new TypeError(`rx-lro: request.headers[${JSON.stringify(name)}] must be a string`);
      headers[name] = value;
    }
  }
  return driveOperation(
    { kind: 'send', request: body === undefined ? { method, url, headers } : { method, url, headers, body } },
    resolved,
  );
}
