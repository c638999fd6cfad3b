import { describe, expect, it } from 'vitest';
import { SecurityError } from '../../src/errors';
import { cleartextCredentials, urlGuard, type UrlPolicy } from '../../src/http/guard';

const ARM = 'https://management.azure.com';
const INITIAL = `${ARM}/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Web/sites/app1?api-version=2024-01-01`;

const guard = (policy: Partial<UrlPolicy> = {}): ((url: string) => string | SecurityError) =>
  urlGuard({ initialUrl: INITIAL, allowedOrigins: new Set(), ...policy });

/** The guard's verdict as data: the URL to fetch, or the refusal's reason. */
const verdict = (result: string | SecurityError): { fetch: string } | { refused: string } =>
  typeof result === 'string' ? { fetch: result } : { refused: result.reason };

describe('S1 another origin is refused unless allowed or rewritten', () => {
  const cases: Array<[string, Partial<UrlPolicy>, string, { fetch: string } | { refused: RegExp }]> = [
    ['the initial origin is followed', {}, `${ARM}/op/1?api-version=1`, { fetch: `${ARM}/op/1?api-version=1` }],
    ['the same origin spelt with its default port is the same origin', {}, `${ARM}:443/op`, { fetch: `${ARM}:443/op` }],
    ['another host is refused', {}, 'https://evil.example.com/op', { refused: /origin https:\/\/evil\.example\.com is neither/ }],
    ['another port is another origin', {}, `${ARM}:8443/op`, { refused: /origin https:\/\/management\.azure\.com:8443/ }],
    [
      'a subdomain is another origin',
      {},
      'https://westus.management.azure.com/op',
      { refused: /neither the initial request's nor in allowedOrigins/ },
    ],
    [
      'an allowed origin is followed',
      { allowedOrigins: new Set(['https://westus.management.azure.com']) },
      'https://westus.management.azure.com/op',
      { fetch: 'https://westus.management.azure.com/op' },
    ],
    [
      'allowing one origin does not allow another',
      { allowedOrigins: new Set(['https://westus.management.azure.com']) },
      'https://eastus.management.azure.com/op',
      { refused: /eastus/ },
    ],
    [
      'rewriteUrl maps another origin onto the initial one, which is what is fetched',
      { rewriteUrl: (url) => url.replace('https://gateway.internal', ARM) },
      'https://gateway.internal/op',
      { fetch: `${ARM}/op` },
    ],
    [
      'rewriteUrl is checked after the rewrite: a rewrite onto another origin is refused',
      { rewriteUrl: () => 'https://evil.example.com/op' },
      `${ARM}/op`,
      { refused: /evil\.example\.com/ },
    ],
    [
      'rewriteUrl must return a string',
      { rewriteUrl: () => 42 as unknown as string },
      `${ARM}/op`,
      { refused: /rewriteUrl did not return a string/ },
    ],
    ['a relative or broken URL is refused', {}, '/op', { refused: /not an absolute http\(s\) URL/ }],
  ];
  it.each(cases)('S1 %s', (_name, policy, url, expected) => {
    const result = verdict(guard(policy)(url));
    if ('fetch' in expected) expect(result).toEqual(expected);
    else expect(result).toEqual({ refused: expect.stringMatching(expected.refused) });
  });

  it('S1 a refusal is a SecurityError naming the URL, its query left out of the message', () => {
    const refused = guard()('https://evil.example.com/op?sig=secret');
    expect(refused).toBeInstanceOf(SecurityError);
    expect(refused).toMatchObject({ name: 'SecurityError', code: 'security' });
    expect((refused as SecurityError).message).toContain('https://evil.example.com/op');
    expect((refused as SecurityError).message).not.toContain('secret');
  });

  it('S1 one verdict per URL: the same URL again is not judged (nor rewritten) twice in a row', () => {
    const seen: string[] = [];
    const check = guard({ rewriteUrl: (url) => (seen.push(url), url) });
    expect(check(`${ARM}/op`)).toBe(`${ARM}/op`);
    const again = check('https://evil.example.com/op');
    expect(again).toBeInstanceOf(SecurityError);
    expect(check('https://evil.example.com/op')).toBe(again);
    expect(check(`${ARM}/op`)).toBe(`${ARM}/op`);
    // rewriteUrl runs on every call (the mapping is the caller's); the verdict on its result is kept.
    expect(seen).toHaveLength(4);
  });
});

describe('S2 https only, http only on loopback when the operation started there', () => {
  const local = 'http://127.0.0.1:3000/subscriptions/s1/resourceGroups/rg/providers/P/things/a?api-version=1';
  const cases: Array<[string, string, string, boolean]> = [
    ['http to a public host is refused', INITIAL, 'http://management.azure.com/op', false],
    ['http to loopback is refused when the operation started on https', INITIAL, 'http://127.0.0.1:3000/op', false],
    ['http on loopback is followed when the operation started there', local, 'http://127.0.0.1:3000/op', true],
    ['https on the same loopback host is another origin', local, 'https://127.0.0.1:3000/op', false],
    ['an operation started over http on a public host follows no http', 'http://example.com/r', 'http://example.com/op', false],
    ['localhost started, localhost followed', 'http://localhost:8080/r', 'http://localhost:8080/op', true],
    ['ftp is never followed', INITIAL, 'ftp://management.azure.com/op', false],
  ];
  it.each(cases)('S2 %s', (_name, initialUrl, url, followed) => {
    const result = urlGuard({ initialUrl, allowedOrigins: new Set() })(url);
    expect(typeof result === 'string').toBe(followed);
    if (!followed) expect(result).toBeInstanceOf(SecurityError);
  });

  it('S2 allowedOrigins cannot open plain http to a public host', () => {
    const result = guard({ allowedOrigins: new Set(['http://example.com']) })('http://example.com/op');
    expect(result).toBeInstanceOf(SecurityError);
    expect((result as SecurityError).reason).toMatch(/only https: URLs are followed/);
  });
});

describe('S2 cleartextCredentials: no credential over plain http: off loopback', () => {
  const PLAIN = 'http://management.example.com/x?api-version=1';
  it.each([
    ['an authorize hook', PLAIN, {}, true, true],
    ['an Authorization header (any case)', PLAIN, { AUTHORIZATION: 'Bearer t' }, false, true],
    ['a cookie', PLAIN, { cookie: 'a=1' }, false, true],
    ['an API key', PLAIN, { 'x-api-key': 'k' }, false, true],
    ['no credential at all', PLAIN, { accept: 'application/json' }, false, false],
    ['https', 'https://management.example.com/x', { authorization: 'Bearer t' }, true, false],
    ['http on 127.0.0.1', 'http://127.0.0.1:8080/x', { authorization: 'Bearer t' }, true, false],
    ['http on localhost', 'http://localhost/x', {}, true, false],
    ['http on [::1]', 'http://[::1]:9/x', {}, true, false],
  ] as const)('S2 %s', (_what, url, headers, authorizes, refused) => {
    const verdict = cleartextCredentials(url, headers, authorizes);
    if (!refused) {
      expect(verdict).toBeUndefined();
      return;
    }
    expect(verdict).toBeInstanceOf(SecurityError);
    expect(verdict!.reason).toContain('plain http:');
    expect(JSON.stringify(verdict)).not.toContain('Bearer');
  });
});
