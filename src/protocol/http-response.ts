/** A request as the network seam sends it. */
export interface HttpRequest {
  method: string;
  url: string;
  /** Header names as given; the seam sends them as they are. */
  headers: Record<string, string>;
  /** Already serialized (JSON text) or absent. */
  body?: string;
}

/** A response as the protocol reads it. */
export interface HttpResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The parsed JSON body; `undefined` when the body was empty or not JSON. */
  body?: unknown;
  /** The body text (cut to an excerpt) when it was not empty and not JSON. */
  rawBody?: string;
}
