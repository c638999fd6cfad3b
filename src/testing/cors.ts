import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The headers a browser page must be able to read to follow an operation.
 * @example
 * ```ts
 * res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS.join(', '));
 * ```
 */
export const EXPOSED_HEADERS = [
  'Azure-AsyncOperation',
  'Operation-Location',
  'Location',
  'Retry-After',
  'retry-after-ms',
  'x-ms-retry-after-ms',
] as const;

export const ALLOWED_METHODS = 'GET, PUT, PATCH, POST, DELETE, OPTIONS';
const BASE_ALLOWED_HEADERS = ['authorization', 'content-type'];

/** Sets the CORS headers every response carries. `*` is enough: pages send bearer tokens in a header, not cookies. */
export function setCorsHeaders(res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS.join(', '));
}

/**
 * The `Access-Control-Allow-Headers` value for a preflight. `x-ms-*` cannot be written as a wildcard in
 * CORS (and `*` never covers `authorization`), so the requested `x-ms-` names are echoed one by one.
 */
export function allowedRequestHeaders(req: IncomingMessage): string {
  const requested = (req.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name.startsWith('x-ms-'));
  return [...new Set([...BASE_ALLOWED_HEADERS, ...requested])].join(', ');
}

/** Answers a preflight `OPTIONS` request. */
export function answerPreflight(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
  res.setHeader('Access-Control-Allow-Headers', allowedRequestHeaders(req));
  res.setHeader('Access-Control-Max-Age', '600');
  res.writeHead(204);
  res.end();
}
