// What the two Node transports share: option checks, the URL check, headers.
import { NetworkError } from 'rx-lro';
import { positiveOption } from '../http/limits';

/** A positive finite number option of the Node transport `client`, or its default; anything else is a TypeError. */
export function positive(client: string, name: string, value: number | undefined, fallback: number): number {
  return positiveOption(`rx-lro/node: ${client}`, name, value, fallback);
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
