// rx-lro/node: a transport over undici's pooled `request`, which the user hands in, so that rx-lro
// itself never depends on undici (nor do its types: the shapes below are what it reads of undici).
import { EventEmitter } from 'node:events';
import { Observable } from 'rxjs';
import { NetworkError, type HttpClient, type HttpResponse } from 'rx-lro';
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

/**
 * The network seam over undici's pooled `request`, given by the caller (rx-lro does not depend on
 * undici). Each subscription sends one request with its own abort signal (an EventEmitter, which
 * undici takes at a small part of an `AbortController`'s cost); unsubscribing aborts it (rule F3). Redirects come back as they are, for rx-lro to follow through its origin rules;
 * a body over the cap is a `ProtocolError` (F2), a body cut short a `NetworkError`.
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
      const init: Parameters<UndiciRequestLike<Dispatcher>>[1] = {
        method: method as Parameters<UndiciRequestLike>[1]['method'],
        // undici only reads them.
        headers: httpRequest.headers,
        signal,
        maxRedirections: 0,
      };
      if (httpRequest.body !== undefined) init.body = httpRequest.body;
      if (dispatcher !== undefined) init.dispatcher = dispatcher;
      let sent: ReturnType<UndiciRequestLike<Dispatcher>>;
      try {
        sent = request(url, init);
      } catch (error) {
        sent = Promise.reject(error);
      }
      sent.then(
        (response) => {
          const { body } = response;
          // The body is destroyed when the read stops early; its error then is ours, not the process's.
          let stopped = false;
          const fail = (error: Error): void => {
            if (stopped) return;
            stopped = true;
            body.on('error', ignore);
            body.destroy();
            // After unsubscribe the abort ends the read; nobody listens any more.
            if (settled || signal.aborted) return;
            settled = true;
            subscriber.error(error);
          };
          if (signal.aborted) return fail(new Error('aborted'));
          if (Number(response.headers['content-length']) > limit) return fail(tooLarge(limit));
          const chunks: Uint8Array[] = [];
          let size = 0;
          body.on('data', (chunk: Uint8Array) => {
            size += chunk.byteLength;
            if (size > limit) fail(tooLarge(limit));
            else chunks.push(chunk);
          });
          body.on('error', (error: Error) => fail(new NetworkError(method, url, `the body could not be read: ${describeFailure(error)}`)));
          body.on('end', () => {
            if (settled || signal.aborted) return;
            settled = true;
            subscriber.next({ status: response.statusCode, headers: headersOf(response.headers), ...readBodyText(utf8(chunks, size)) });
            subscriber.complete();
          });
          return undefined;
        },
        (error: unknown) => {
          // After unsubscribe the abort rejects the request; nobody listens, and nothing is unhandled.
          if (signal.aborted) return;
          settled = true;
          subscriber.error(new NetworkError(method, url, describeFailure(error)));
        },
      );
      return () => {
        if (settled) return;
        signal.aborted = true;
        signal.emit('abort');
      };
    });
}
