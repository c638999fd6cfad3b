const ABSOLUTE = /^https?:\/\/[^\s]*$/i;

/** Longer URLs are refused: far beyond what any server accepts (8 KiB is common), short of a memory problem. */
export const MAX_URL_LENGTH = 16 * 1024;

/**
 * A polling header's value as an absolute URL, resolved against the URL of the response that
 * carried it (rule R7); `undefined` when it is empty, unparseable, not http(s), or longer than
 * `MAX_URL_LENGTH` (S4: an absurd header is refused, not followed).
 */
export function resolveUrl(value: string | undefined, base: string): string | undefined {
  if (value !== undefined && value.length > MAX_URL_LENGTH) return undefined;
  const text = value?.trim();
  // Whitespace or control characters inside a URL mean a broken header, not a relative path.
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  if (text === undefined || text === '' || /[\s\x00-\x1f\x7f]/.test(text)) return undefined;
  // An absolute URL is kept byte for byte: re-encoding could break a signed (SAS) URL. It only has
  // to parse, which URL.canParse (where there is one) tells without building a URL object.
  const absolute = ABSOLUTE.test(text);
  if (absolute && (URL as { canParse?: (url: string) => boolean }).canParse?.(text)) return text;
  try {
    const url = new URL(text, base);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    return absolute ? text : url.href;
  } catch {
    return undefined;
  }
}

/**
 * The `api-version` query parameter of an absolute URL, if any: its query (from the first `?` to the
 * fragment) read as `URL.searchParams` reads it, without parsing the whole URL.
 */
export function apiVersionOf(url: string): string | undefined {
  const hash = url.indexOf('#');
  const head = hash < 0 ? url : url.slice(0, hash);
  const query = head.indexOf('?');
  if (query < 0 || query === head.length - 1) return undefined;
  return new URLSearchParams(head.slice(query + 1)).get('api-version') ?? undefined;
}

/**
 * Adds `api-version` to a URL that has none (rule R15); an existing one is kept, unless
 * `replace` asks for it to be replaced. The URL's own text is kept as it is (no re-encoding of its
 * other parameters).
 */
export function withApiVersion(url: string, apiVersion: string | undefined, replace = false): string {
  if (apiVersion === undefined) return url;
  const existing = apiVersionOf(url);
  if (existing !== undefined && (!replace || existing === apiVersion)) return url;
  const hash = url.indexOf('#');
  let head = hash < 0 ? url : url.slice(0, hash);
  const tail = hash < 0 ? '' : url.slice(hash);
  if (existing !== undefined) {
    const query = head.indexOf('?');
    const kept = head
      .slice(query + 1)
      .split('&')
      .filter((pair) => pair !== '' && !/^api-version(=|$)/i.test(pair));
    head = kept.length > 0 ? `${head.slice(0, query)}?${kept.join('&')}` : head.slice(0, query);
  }
  // Only the first '?' starts the query: in `…/op??` or `…?a=b?` a trailing '?' belongs to it.
  const query = head.indexOf('?');
  const separator = query < 0 ? '?' : query === head.length - 1 || head.endsWith('&') ? '' : '&';
  return `${head}${separator}api-version=${encodeURIComponent(apiVersion)}${tail}`;
}

/** The origin (`scheme://host:port`) of an absolute URL; `undefined` when it is not one. */
export function originOf(url: string): string | undefined {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** Whether a URL's host is a loopback address (`localhost`, `127.0.0.0/8`, `[::1]`). */
export function isLoopback(url: string): boolean {
  try {
    return LOOPBACK.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** A URL without its query and fragment, for messages that must not carry secrets. */
export function withoutQuery(url: string): string {
  const query = url.indexOf('?');
  const hash = url.indexOf('#');
  const end = query < 0 ? hash : hash < 0 ? query : Math.min(query, hash);
  return end < 0 ? url : url.slice(0, end);
}

// An ARM path names the same resource whatever its case, with or without a trailing slash.
function pathKey(pathname: string): string {
  return pathname.replace(/\/+$/, '').toLowerCase();
}

/**
 * Whether `url` is `resource` itself or a URL under its path, on the same origin (rule R14): a
 * resource-scoped `…/operationResults/…` URL, which may vanish with the resource.
 */
export function isUnderPath(url: string, resource: string): boolean {
  try {
    const a = new URL(url);
    const b = new URL(resource);
    if (a.origin !== b.origin) return false;
    const path = pathKey(a.pathname);
    const base = pathKey(b.pathname);
    return base !== '' && (path === base || path.startsWith(`${base}/`));
  } catch {
    return false;
  }
}
