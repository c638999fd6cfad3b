// What the two Node transports share: option checks, the URL check, headers, the body cap.
import { NetworkError, ProtocolError } from 'rx-lro';

/** The default cap on a response body, as the fetch transport's. */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** A positive finite number option of `client`, or its default; anything else is a TypeError. */
export function positive(client: string, name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`rx-lro/node: ${client} option ${name} must be a positive finite number, got ${String(value)}`);
  }
  return value;
}

/** The URL of a request when it is an http(s) URL, or the NetworkError that ends the request. */
export function httpUrl(method: string, url: string): URL | NetworkError {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return new NetworkError(method, url, 'the URL is not valid');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return new NetworkError(method, url, `${parsed.protocol} is not http or https`);
  }
  return parsed;
}

/** Response headers as rx-lro keeps them: lower-case names, repeated values joined with ', '. */
export function headersOf(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** The ProtocolError of a body over the cap (rule F2). */
export function tooLarge(limit: number): ProtocolError {
  return new ProtocolError(`The response body is larger than ${limit} bytes`, 'F2');
}
