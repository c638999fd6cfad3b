// rx-lro/node: a transport over undici's pooled `request`, which the user hands in, so that rx-lro
// itself never depends on undici (nor do its types: the shapes below are what it reads of undici).
import { EventEmitter } from 'node:events';
import { Observable } from 'rxjs';
import { NetworkError, ProtocolError, type HttpClient, type HttpRequest, type HttpResponse } from 'rx-lro';
import { readBodyText } from '../protocol/json';
import { DEFAULT_MAX_BODY_BYTES, tooLarge } from '../http/limits';
import { headersOf, httpUrl, isPlainHttpUrl, positive, utf8 } from './shared';
import { describeFailure } from '../http/failure';

/**
 * The parts of undici's `request` function rx-lro uses: undici 6's and 7's fit as they are.
 * `Dispatcher` is the type of the `dispatcher` option (undici's `Dispatcher`, inferred from `request`).
 * @example
 * ```ts
 * import { request, type Dispatcher } from 'undici';
 * const send: UndiciRequestLike<Dispatcher> = request;
 * ```
 */
export type UndiciRequestLike<Dispatcher = never> = (
  url: string,
  options: {
    // The methods rx-lro sends (undici 6 types `method` as a closed union).
    method: 'GET' | 'PUT' | 'PATCH' | 'POST' | 'DELETE';
    headers: Record<string, string>;
    body?: string;
    /** An EventEmitter that emits 'abort' once, `aborted` then set (undici takes one as an AbortSignal). */
    signal: EventEmitter & { aborted?: boolean };
    dispatcher?: Dispatcher;
    // 0 also turns off undici's redirect interceptor, should the dispatcher be composed with it.
    maxRedirections: 0;
  },
) => Promise<{
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: {
    on(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
    on(event: 'end', listener: () => void): unknown;
    on(event: 'error', listener: (error: Error) => void): unknown;
    destroy(error?: Error): unknown;
  };
}>;

/**
 * Options of `undiciHttpClient`.
 * @example
 * ```ts
 * import { Agent, request } from 'undici';
 * const http = undiciHttpClient(request, { dispatcher: new Agent({ connections: 64 }), maxBodyBytes: 1 << 20 });
 * ```
 */
export interface UndiciHttpClientOptions<Dispatcher = never> {
  /** Bodies larger than this are a `ProtocolError` (rule F2). Default: 4 MiB. */
  maxBodyBytes?: number;
  /**
   * The undici dispatcher (an `Agent`, `Pool`, `Client`…) every request goes through, its connection
   * pool and timeouts included. Default: undici's global dispatcher.
   */
  dispatcher?: Dispatcher;
}

const ignore = (): void => undefined;

type UndiciBody = Awaited<ReturnType<UndiciRequestLike>>['body'];

// Sends one request through undici's `request` with its abort signal; a throw becomes a rejection.
function send<Dispatcher>(
  request: UndiciRequestLike<Dispatcher>,
  httpRequest: HttpRequest,
  signal: EventEmitter,
  dispatcher: Dispatcher | undefined,
): ReturnType<UndiciRequestLike<Dispatcher>> {
  const init: Parameters<UndiciRequestLike<Dispatcher>>[1] = {
    method: httpRequest.method as Parameters<UndiciRequestLike>[1]['method'],
    // undici only reads them.
    headers: httpRequest.headers,
    signal,
    maxRedirections: 0,
  };
  if (httpRequest.body !== undefined) init.body = httpRequest.body;
  if (dispatcher !== undefined) init.dispatcher = dispatcher;
  try {
    return request(httpRequest.url, init);
  } catch (error) {
    return Promise.reject(error);
  }
}

// A body left unread is destroyed; its error then is ours to ignore, not the process's.
function discard(body: UndiciBody): void {
  body.on('error', ignore);
  body.destroy();
}

// Reads a body by its events, up to the cap: `end` gets its text, or `fail` the error that stopped
// it (over the cap, cut), once; a read that stops early destroys the body.
function readBody(body: UndiciBody, limit: number, end: (text: string) => void, fail: (error: Error) => void): void {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let stopped = false;
  const stop = (error: Error): void => {
    if (stopped) return;
    stopped = true;
    discard(body);
    fail(error);
  };
  body.on('data', (chunk: Uint8Array) => {
    size += chunk.byteLength;
    if (size > limit) stop(tooLarge(limit));
    else chunks.push(chunk);
  });
  body.on('error', stop);
  body.on('end', () => {
    if (!stopped) end(utf8(chunks, size));
  });
}

/**
 * The network seam over undici's pooled `request`, given by the caller (rx-lro does not depend on
 * undici). Each subscription sends one request with its own abort signal (an EventEmitter, which
 * undici takes at a small part of an `AbortController`'s cost); unsubscribing aborts it (rule F3).
 * Redirects come back as they are, for rx-lro to follow through its origin rules; a body over the
 * cap is a `ProtocolError` (F2), a body cut short a `NetworkError`.
 *
 * @example
 * ```ts
 * import { request } from 'undici';
 * import { trackOperation } from 'rx-lro';
 * import { undiciHttpClient } from 'rx-lro/node';
 *
 * const http = undiciHttpClient(request, { maxBodyBytes: 1 << 20 });
 * trackOperation({ method: 'PUT', url: deploymentUrl, body: template }, { http, authorize }).subscribe(render);
 * ```
 */
export function undiciHttpClient<Dispatcher = never>(
  request: UndiciRequestLike<Dispatcher>,
  options: UndiciHttpClientOptions<Dispatcher> = {},
): HttpClient {
  if (typeof request !== 'function') {
    throw new TypeError(
      `rx-lro/node: undiciHttpClient expects undici's request function, got ${request === null ? 'null' : typeof request}`,
    );
  }
  if (typeof options !== 'object' || options === null) throw new TypeError('rx-lro/node: undiciHttpClient expects an options object');
  const limit = positive('undiciHttpClient', 'maxBodyBytes', options.maxBodyBytes, DEFAULT_MAX_BODY_BYTES);
  const { dispatcher } = options;
  if (dispatcher !== undefined && (typeof dispatcher !== 'object' || dispatcher === null)) {
    throw new TypeError(`rx-lro/node: undiciHttpClient option dispatcher must be an undici Dispatcher, got ${String(dispatcher)}`);
  }
  return (httpRequest) =>
    new Observable<HttpResponse>((subscriber) => {
      const { method, url } = httpRequest;
      // undici parses the URL itself: a URL of a plain shape goes as it is, only another is checked here.
      const checked = isPlainHttpUrl(url) ? undefined : httpUrl(method, url);
      if (checked instanceof NetworkError) {
        subscriber.error(checked);
        return undefined;
      }
      // The request's own abort signal: undici takes an EventEmitter that emits 'abort' as well as an
      // AbortSignal (undici 6 and 7 alike), and one costs a small part of what an AbortController does.
      const signal: EventEmitter & { aborted?: boolean } = new EventEmitter();
      // Settled: the response or the error is given, and there is nothing left to abort.
      let settled = false;
      const sent = send(request, httpRequest, signal, dispatcher);
      // The request's end, once: after unsubscribe nobody listens any more.
      const settle = (error: Error): void => {
        if (settled || signal.aborted) return;
        settled = true;
        subscriber.error(error);
      };
      sent.then(
        (response) => {
          const { body } = response;
          if (signal.aborted) return discard(body);
          if (Number(response.headers['content-length']) > limit) {
            discard(body);
            return settle(tooLarge(limit));
          }
          const answer = (text: string): void => {
            if (settled || signal.aborted) return;
            settled = true;
            subscriber.next({ status: response.statusCode, headers: headersOf(response.headers), ...readBodyText(text) });
            subscriber.complete();
          };
          return readBody(body, limit, answer, (error) =>
            settle(
              error instanceof ProtocolError
                ? error
                : new NetworkError(method, url, `the body could not be read: ${describeFailure(error)}`),
            ),
          );
        },
        // After unsubscribe the abort rejects the request; settle ignores it, and nothing is unhandled.
        (error: unknown) => settle(new NetworkError(method, url, describeFailure(error))),
      );
      return () => {
        if (settled) return;
        signal.aborted = true;
        signal.emit('abort');
      };
    });
}
