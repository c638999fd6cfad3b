import { SecurityError } from '../errors';
import { isLoopback, originOf } from '../protocol/url';

/** What the origin rules (PROTOCOL S1, S2) need to judge a URL the tracker is about to follow. */
export interface UrlPolicy {
  /** The URL of the initial request; its origin is trusted. */
  initialUrl: string;
  allowedOrigins: ReadonlySet<string>;
  rewriteUrl?: (url: string) => string;
}

/**
 * The URL to fetch for a polling or final URL, after the caller's rewrite, or the `SecurityError`
 * that refuses it: another origin than the initial request's unless allowed (S1); a scheme other
 * than `https:`, except `http:` on loopback when the initial request was `http:` on loopback (S2).
 */
export function guardUrl(url: string, policy: UrlPolicy): string | SecurityError {
  let target = url;
  if (policy.rewriteUrl) {
    const rewritten: unknown = policy.rewriteUrl(url);
    if (typeof rewritten !== 'string') return new SecurityError(url, 'rewriteUrl did not return a string');
    target = rewritten;
  }
  const origin = originOf(target);
  if (origin === undefined) return new SecurityError(target, 'not an absolute http(s) URL');
  if (!origin.startsWith('https:')) {
    const localTesting =
      origin.startsWith('http:') && isLoopback(target) && /^http:/i.test(policy.initialUrl) && isLoopback(policy.initialUrl);
    if (!localTesting)
      return new SecurityError(target, 'only https: URLs are followed (http: only on loopback, when the operation started there)');
  }
  if (origin !== originOf(policy.initialUrl) && !policy.allowedOrigins.has(origin)) {
    return new SecurityError(target, `its origin ${origin} is neither the initial request's nor in allowedOrigins`);
  }
  return target;
}
