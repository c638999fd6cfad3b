// What the two Node transports share: option checks, the URL check, headers, the body text.
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

// An absolute http(s) URL with a host, by its text: the URL a transport can send to without a check of
// its own (the transport parses it anyway). Anything else goes through `httpUrl` for its exact error.
const PLAIN_HTTP_URL = /^https?:\/\/[^\s/?#\\@]+(?:[/?#][^\s]*)?$/i;

/** Whether `url` can go to the transport as it is: an http(s) URL of a plain shape; else see `httpUrl`. */
export function isPlainHttpUrl(url: string): boolean {
  return PLAIN_HTTP_URL.test(url);
}

/** Response headers as rx-lro keeps them: lower-case names, repeated values joined with ', '. */
export function headersOf(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  // Both transports give an object of their own (node:http's without a prototype): no inherited keys.
  for (const name in raw) {
    const value = raw[name];
    if (value !== undefined) headers[name.toLowerCase()] = typeof value === 'string' ? value : value.join(', ');
  }
  return headers;
}

/** The UTF-8 text of a body read as chunks (`size` bytes in all); one chunk is not copied. */
export function utf8(chunks: readonly Uint8Array[], size: number): string {
  const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}
