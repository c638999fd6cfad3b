import type { RetryAfter } from './types';

/** The header (name and value) that carries a wait hint, or `undefined` for `none`. */
export function retryAfterHeader(hint: RetryAfter, nowMs: number = Date.now()): [name: string, value: string] | undefined {
  switch (hint.form) {
    case 'none':
      return undefined;
    case 'seconds':
      return ['Retry-After', String(hint.value)];
    case 'http-date':
      // HTTP-dates have whole-second resolution, so round up: a client must never be told to come back early.
      return ['Retry-After', new Date(Math.ceil((nowMs + hint.value * 1000) / 1000) * 1000).toUTCString()];
    case 'ms':
      return ['retry-after-ms', String(hint.value)];
    case 'x-ms':
      return ['x-ms-retry-after-ms', String(hint.value)];
    case 'raw':
      return ['Retry-After', hint.value];
  }
}

/** Adds the wait hint to a header record in place. */
export function addRetryAfter(headers: Record<string, string>, hint: RetryAfter): void {
  const header = retryAfterHeader(hint);
  if (header) headers[header[0]] = header[1];
}
