// rx-lro/node: Node transports, over node:http and node:https with kept-alive, pooled connections,
// or over undici's `request` handed in by the user. In Node the HTTP client dominates what a tracker
// costs; these do less per request than a fetch. Node only: browsers and other runtimes keep the
// default (the global fetch, cross-fetch where there is none).
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Observable } from 'rxjs';
import { NetworkError, type HttpClient, type HttpResponse } from 'rx-lro';
import { readBodyText } from '../protocol/json';
import { DEFAULT_MAX_BODY_BYTES, tooLarge } from '../http/limits';
import { headersOf, httpUrl, positive, utf8 } from './shared';

export { undiciHttpClient, type UndiciHttpClientOptions, type UndiciRequestLike } from './undici-client';

/**
 * Options of `nodeHttpClient`.
 * @example
 * ```ts
 * const http = nodeHttpClient({ maxSockets: 32, idleTimeoutMs: 30_000, maxBodyBytes: 1 << 20 });
 * ```
 */
export interface NodeHttpClientOptions {
  /** Bodies larger than this are a `ProtocolError` (rule F2). Default: 4 MiB. */
  maxBodyBytes?: number;
  /** Connections kept per origin (requests beyond it wait for one). Default: 256. */
  maxSockets?: number;
  /** How long an idle connection is kept for the next request. Default: 15000 ms. */
  idleTimeoutMs?: number;
}

/**
 * The network seam over `node:http`/`node:https` with kept-alive connection pools (one per client).
 * Each subscription sends one request; unsubscribing destroys it (rule F3). Redirects come back
 * as they are, for rx-lro to follow through its origin rules; a body cut short is a `NetworkError`.
 *
 * @example
 * ```ts
 * import { trackOperation } from 'rx-lro';
 * import { nodeHttpClient } from 'rx-lro/node';
 *
 * const http = nodeHttpClient({ maxSockets: 64 });
 * trackOperation(request, { http, authorize }).subscribe(render);
 * ```
 */
export function nodeHttpClient(options: NodeHttpClientOptions = {}): HttpClient {
  if (typeof options !== 'object' || options === null) throw new TypeError('rx-lro/node: nodeHttpClient expects an options object');
  const limit = positive('nodeHttpClient', 'maxBodyBytes', options.maxBodyBytes, DEFAULT_MAX_BODY_BYTES);
  const maxSockets = positive('nodeHttpClient', 'maxSockets', options.maxSockets, 256);
  const idle = positive('nodeHttpClient', 'idleTimeoutMs', options.idleTimeoutMs, 15_000);
  const agents = {
    'http:': new HttpAgent({ keepAlive: true, maxSockets, timeout: idle }),
    'https:': new HttpsAgent({ keepAlive: true, maxSockets, timeout: idle }),
  };
  return (request) =>
    new Observable<HttpResponse>((subscriber) => {
      const url = httpUrl(request.method, request.url);
      if (url instanceof NetworkError) {
        subscriber.error(url);
        return undefined;
      }
      let done = false;
      const fail = (error: Error): void => {
        if (done) return;
        done = true;
        subscriber.error(error);
      };
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      // node:http only reads the headers; a copy is made only to add the body's length.
      const headers: Record<string, string> =
        request.body === undefined ? request.headers : { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) };
      const req = send(url, { method: request.method, headers, agent: agents[url.protocol as 'http:' | 'https:'] }, (response) => {
        const declared = Number(response.headers['content-length']);
        if (declared > limit) {
          fail(tooLarge(limit));
          response.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > limit) {
            fail(tooLarge(limit));
            response.destroy();
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => {
          if (done) return;
          done = true;
          subscriber.next({ status: response.statusCode ?? 0, headers: headersOf(response.headers), ...readBodyText(utf8(chunks, size)) });
          subscriber.complete();
        });
        // A connection closed before the body ended: Node says so here (no hang, no stall timer).
        response.on('close', () => {
          if (!response.complete) fail(new NetworkError(request.method, request.url, 'the connection closed before the body ended'));
        });
        response.on('error', (error) => fail(new NetworkError(request.method, request.url, error.message)));
      });
      req.on('error', (error) => fail(new NetworkError(request.method, request.url, error.message)));
      if (request.body !== undefined) req.write(request.body);
      req.end();
      return () => {
        if (!done) {
          done = true;
          req.destroy();
        }
      };
    });
}
