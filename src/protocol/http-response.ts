/**
 * A request as the network seam sends it.
 * @example
 * ```ts
 * const http: HttpClient = (request: HttpRequest) => ajax({ method: request.method, url: request.url, headers: request.headers }).pipe(map(toResponse));
 * ```
 */
export interface HttpRequest {
  method: string;
  url: string;
  /** Header names as given; the seam sends them as they are. */
  headers: Record<string, string>;
  /** Already serialized (JSON text) or absent. */
  body?: string;
}

/**
 * A response as the protocol reads it.
 * @example
 * ```ts
 * const response: HttpResponse = { status: 202, headers: { 'azure-asyncoperation': monitorUrl }, body: undefined };
 * ```
 */
export interface HttpResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The parsed JSON body; `undefined` when the body was empty or not JSON. */
  body?: unknown;
  /** The body text (cut to an excerpt) when it was not empty and not JSON. */
  rawBody?: string;
}
