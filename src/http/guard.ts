import { SecurityError } from '../errors';
import { isLoopback, originOf } from '../protocol/url';

/** What the origin rules (rule S1, S2) need to judge a URL the tracker is about to follow. */
export interface UrlPolicy {
  /** The URL of the initial request; its origin is trusted. */
  initialUrl: string;
  allowedOrigins: ReadonlySet<string>;
  rewriteUrl?: ((url: string) => string) | undefined;
}

/** The URL to fetch, or the `SecurityError` that refuses it. */
export type SecurityCheck = (url: string) => string | SecurityError;

/**
 * The check of every polling or final URL one tracker follows: the URL to fetch after the caller's
 * rewrite, or the `SecurityError` that refuses it: another origin than the initial request's unless
 * allowed (S1); a scheme other than `https:`, except `http:` on loopback when the initial request was
 * `http:` on loopback (S2). A tracker polls one URL again and again, so the last verdict is kept.
 */
export function urlGuard(policy: UrlPolicy): SecurityCheck {
  const initialOrigin = originOf(policy.initialUrl);
  const startedOnLoopback = /^http:/i.test(policy.initialUrl) && isLoopback(policy.initialUrl);
  let last: { target: string; verdict: string | SecurityError } | undefined;
  const judge = (target: string): string | SecurityError => {
    const origin = originOf(target);
    if (origin === undefined) return new SecurityError(target, 'not an absolute http(s) URL');
    if (!origin.startsWith('https:') && !(origin.startsWith('http:') && startedOnLoopback && isLoopback(target))) {
      return new SecurityError(target, 'only https: URLs are followed (http: only on loopback, when the operation started there)');
    }
    if (origin !== initialOrigin && !policy.allowedOrigins.has(origin)) {
      return new SecurityError(target, `its origin ${origin} is neither the initial request's nor in allowedOrigins`);
    }
    return target;
  };
  return (url) => {
    let target = url;
    if (policy.rewriteUrl) {
      const rewritten: unknown = policy.rewriteUrl(url);
      if (typeof rewritten !== 'string') return new SecurityError(url, 'rewriteUrl did not return a string');
      target = rewritten;
    }
    if (last?.target !== target) last = { target, verdict: judge(target) };
    return last.verdict;
  };
}

// Headers that carry credentials: bearer tokens, cookies, API and subscription keys.
const CREDENTIAL_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-ms-authorization-auxiliary',
  'ocp-apim-subscription-key',
  'api-key',
  'x-api-key',
  'x-functions-key',
]);

/**
 * The `SecurityError` for a request that would send credentials in clear (rule S2): plain `http:`
 * to a host that is not loopback, with an `authorize` hook or a credential header among `headers`.
 * Checked before anything is sent, the initial request included.
 */
export function cleartextCredentials(
  url: string,
  headers: Readonly<Record<string, string>>,
  authorizes: boolean,
): SecurityError | undefined {
  if (!/^http:/i.test(url)) return undefined;
  let named: string | undefined;
  for (const name in headers) {
    if (CREDENTIAL_HEADERS.has(name.toLowerCase())) {
      named = name;
      break;
    }
  }
  // Checked at every request: the URL is parsed only when there are credentials to keep from it.
  if ((!authorizes && named === undefined) || isLoopback(url)) return undefined;
  const what = authorizes ? 'the authorize hook’s credentials' : `the ${named} header`;
  return new SecurityError(url, `${what} would be sent over plain http: to a host that is not loopback; use https:`);
}
