import { Observable } from 'rxjs';
import { NetworkError, ProtocolError } from '../errors';
import { readBodyText } from '../protocol/json';
import { normalizeHeaders } from '../protocol/headers';
import type { HttpClient, HttpResponse } from './http-client';
import { describeFailure } from './failure';
import { DEFAULT_MAX_BODY_BYTES, positiveOption, tooLarge } from './limits';
import { MAX_TIMER_MS } from '../protocol/delay';
import type { NodeStreamLike } from './node-stream';

const WHERE = 'rx-lro: fetchHttpClient';

/**
 * The parts of `fetch` rx-lro uses; the global `fetch`, cross-fetch, undici's and node-fetch's all fit.
 * @example
 * ```ts
 * trackOperation(request, { fetch: globalThis.fetch as FetchLike });
 * ```
 */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal; redirect: 'manual' },
) => Promise<FetchResponseLike>;

/**
 * The parts of a fetch `Response` rx-lro reads.
 * @example
 * ```ts
 * const response: FetchResponseLike = await fetch(url); // any fetch Response fits
 * ```
 */
export interface FetchResponseLike {
  status: number;
  /** `'cors'` for a cross-origin browser response, whose headers are filtered. */
  type?: string;
  headers: { forEach(callback: (value: string, name: string) => void): void; get(name: string): string | null };
  body?: unknown;
  text(): Promise<string>;
}

/**
 * Options of `fetchHttpClient`.
 * @example
 * ```ts
 * trackOperation(request, { http: fetchHttpClient(globalThis.fetch, { maxBodyBytes: 1 << 20, bodyStallMs: 5_000 }) });
 * ```
 */
export interface FetchClientOptions {
  /** Bodies larger than this are a `ProtocolError` (rule F2). Default: 4 MiB. */
  maxBodyBytes?: number;
  /**
   * How long a Node stream body (node-fetch's, which cross-fetch uses in Node) may stay silent before
   * it is taken as cut: node-fetch never reports a connection closed in the middle of a body with a
   * `Content-Length`, so without this the read would wait forever. The cut is a `NetworkError`,
   * retried like any other (rule F1). WHATWG bodies (browsers, the global `fetch` of Node) report
   * a cut themselves and are not timed. Default: 2000 ms.
   */
  bodyStallMs?: number;
}

/**
 * The default silence after which a Node stream body is taken as cut (see `bodyStallMs`).
 * @example
 * ```ts
 * fetchHttpClient(undefined, { bodyStallMs: DEFAULT_BODY_STALL_MS * 5 });
 * ```
 */
export const DEFAULT_BODY_STALL_MS = 2000;

// Reads a body without ever holding more than the cap: a WHATWG stream (browsers, undici) or a
// Node stream (node-fetch, which cross-fetch uses in Node); other bodies fall back to `text()`.
async function readCapped(response: FetchResponseLike, limit: number, stallMs: number): Promise<string> {
  const length = response.headers.get('content-length');
  const declared = Number(length);
  if (declared > limit) throw tooLarge(limit);
  const body = response.body as
    ({ getReader?: () => ReadableStreamDefaultReader<Uint8Array> } & Partial<NodeStreamLike>) | null | undefined;
  // A WHATWG body (browsers, Node's fetch) reports a cut itself, and with a declared length and no
  // content coding it cannot outgrow that length: the platform reads it whole, at less cost than a
  // loop over its chunks. A cross-origin browser response may hide its Content-Encoding, so it
  // always goes through the loop.
  if (
    body &&
    typeof body.getReader === 'function' &&
    length !== null &&
    response.type !== 'cors' &&
    response.headers.get('content-encoding') === null
  ) {
    return response.text();
  }
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  const add = (chunk: Uint8Array | string): void => {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    size += bytes.byteLength;
    if (size > limit) throw tooLarge(limit);
    text += decoder.decode(bytes, { stream: true });
  };
  if (body && typeof body.getReader === 'function') {
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        add(value);
      }
    } catch (error) {
      void reader.cancel().catch(() => undefined);
      throw error;
    }
  } else if (body && typeof body.on === 'function') {
    // Only node-fetch (cross-fetch in a Node without fetch) has such bodies: their reader, with its
    // stall timer, is loaded the first time one comes, and never in a browser.
    const { readNodeStream } = await import('./node-stream');
    await readNodeStream(body as NodeStreamLike, stallMs, add);
  } else {
    add(await response.text());
  }
  return text + decoder.decode();
}

// The default `fetch`: the platform's own wherever there is one (browsers, Node >= 18, Deno, Bun),
// looked up at each request; cross-fetch only where there is none. cross-fetch is loaded by a dynamic
// import on the first request that needs it, so a bundle for a platform with fetch never holds it: a
// bundler puts it in a chunk of its own, which such a platform never loads.
let crossFetch: Promise<FetchLike> | undefined;
function loadCrossFetch(): Promise<FetchLike> {
  crossFetch ??= import('cross-fetch').then(
    (loaded) => {
      const { default: fetch } = loaded as unknown as { default: FetchLike | { default: FetchLike } };
      return typeof fetch === 'function' ? fetch : fetch.default;
    },
    (error: unknown) => {
      crossFetch = undefined;
      throw error;
    },
  );
  return crossFetch;
}
const platformOrCrossFetch: FetchLike = (url, init) =>
  typeof globalThis.fetch === 'function'
    ? (globalThis.fetch(url, init) as Promise<FetchResponseLike>)
    : loadCrossFetch().then((fetch) => fetch(url, init));

/**
 * The network seam over a `fetch` function (default: the platform's `fetch`, else cross-fetch). Each subscription sends one
 * request with its own `AbortController`; unsubscribing aborts it (rule F3). Bodies are read up
 * to a cap and parsed as JSON without prototype pollution (F2, S4).
 *
 * @example
 * trackOperation(request, { http: fetchHttpClient(globalThis.fetch) })
 */
export function fetchHttpClient(fetchImpl: FetchLike = platformOrCrossFetch, options: FetchClientOptions = {}): HttpClient {
  const limit = positiveOption(WHERE, 'maxBodyBytes', options.maxBodyBytes, DEFAULT_MAX_BODY_BYTES);
  const stallMs = positiveOption(WHERE, 'bodyStallMs', options.bodyStallMs, DEFAULT_BODY_STALL_MS, MAX_TIMER_MS);
  if (typeof fetchImpl !== 'function') throw new TypeError(`rx-lro: fetchHttpClient expects a fetch function, got ${typeof fetchImpl}`);
  return (request) =>
    new Observable<HttpResponse>((subscriber) => {
      const controller = new AbortController();
      // Redirects come back as they are: rx-lro follows them itself, through the origin rules (S1),
      // so a redirect can never carry credentials to another origin.
      const init: Parameters<FetchLike>[1] = {
        method: request.method,
        headers: request.headers,
        signal: controller.signal,
        redirect: 'manual',
      };
      if (request.body !== undefined) init.body = request.body;
      let status = 0;
      let headers: Record<string, string> = {};
      // Once the body is read there is nothing to abort: aborting then would only cost a DOMException
      // and, with undici, the kept-alive connection.
      let read = false;
      let sent: Promise<FetchResponseLike>;
      try {
        sent = fetchImpl(request.url, init);
      } catch (error) {
        sent = Promise.reject(error);
      }
      sent
        .then(
          (response) => {
            status = response.status;
            headers = normalizeHeaders(response.headers);
            return readCapped(response, limit, stallMs);
          },
          (error: unknown) => {
            throw new NetworkError(request.method, request.url, describeFailure(error));
          },
        )
        .then(
          (text) => {
            read = true;
            subscriber.next({ status, headers, ...readBodyText(text) });
            subscriber.complete();
          },
          (error: unknown) => {
            // After unsubscribe the abort rejects the promise; nobody listens, and nothing is unhandled.
            if (controller.signal.aborted) return;
            subscriber.error(
              error instanceof NetworkError || error instanceof ProtocolError
                ? error
                : new NetworkError(request.method, request.url, `the body could not be read: ${describeFailure(error)}`),
            );
          },
        );
      return () => {
        if (!read) controller.abort();
      };
    });
}
