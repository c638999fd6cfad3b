import type { Observable } from 'rxjs';
import type { HttpRequest, HttpResponse } from '../protocol/http-response';

export type { HttpRequest, HttpResponse };

/**
 * The one seam to the network: sends a request when subscribed, emits one response, completes;
 * unsubscribing aborts the request. Errors with a `NetworkError` when no response arrives.
 * Tests replace it with cold observables; `fetchHttpClient` makes one from any `fetch`.
 * @example
 * ```ts
 * // A test double: every request answered with the same finished status monitor.
 * const http: HttpClient = () => of({ status: 200, headers: {}, body: { status: 'Succeeded' } });
 * ```
 */
export type HttpClient = (request: HttpRequest) => Observable<HttpResponse>;
