/**
 * Something that holds headers: a plain record (any case) or a `Headers`-like object with `forEach`.
 * @example
 * ```ts
 * of({ request, response: { status: 202, headers: new Headers({ Location: url }) } }).pipe(pollOperation());
 * ```
 */
export type HeadersInput =
  Record<string, string | string[] | number | undefined> | { forEach(callback: (value: string, name: string) => void): void };

/** Header names are case-insensitive (rule R7): every name is lower-cased once, here. */
export function normalizeHeaders(input: HeadersInput | undefined | null): Record<string, string> {
  const headers: Record<string, string> = {};
  if (input == null) return headers;
  if (typeof (input as { forEach?: unknown }).forEach === 'function' && !Array.isArray(input)) {
    (input as { forEach(cb: (v: string, n: string) => void): void }).forEach((value, name) => {
      headers[name.toLowerCase()] = String(value);
    });
    return headers;
  }
  for (const name of Object.keys(input)) {
    const value = (input as Record<string, unknown>)[name];
    if (value === undefined || value === null) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return headers;
}
