import { describe, expect, it } from 'vitest';
import { MAX_URL_LENGTH, apiVersionOf, isLoopback, originOf, resolveUrl, withApiVersion } from '../../src/protocol/url';

const RESPONSE =
  'https://management.azure.com/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Web/sites/app1?api-version=2024-01-01';

describe('R7 resolveUrl: a polling header as an absolute URL, against the response that carried it', () => {
  const cases: Array<[string, string | undefined, string | undefined]> = [
    ['an absolute https URL is kept', 'https://management.azure.com/op/1?api-version=1', 'https://management.azure.com/op/1?api-version=1'],
    [
      'a root-relative path takes the response’s origin',
      '/subscriptions/s1/operations/op1',
      'https://management.azure.com/subscriptions/s1/operations/op1',
    ],
    [
      'a relative path resolves against the response’s path',
      'operations/op1',
      'https://management.azure.com/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Web/sites/operations/op1',
    ],
    ['a protocol-relative URL takes the response’s scheme', '//other.example.com/op', 'https://other.example.com/op'],
    ['surrounding whitespace is trimmed', '  https://management.azure.com/op  ', 'https://management.azure.com/op'],
    ['an http URL is a URL (the guard decides whether to follow it)', 'http://localhost:8080/op', 'http://localhost:8080/op'],
    ['a header that is absent gives nothing', undefined, undefined],
    ['an empty header gives nothing', '', undefined],
    ['a blank header gives nothing', '   ', undefined],
    ['whitespace inside is a broken header, not a path', 'https://management.azure.com/op 1', undefined],
    ['a control character is a broken header', 'https://management.azure.com/op\u0000', undefined],
    ['another scheme is not followed', 'ftp://management.azure.com/op', undefined],
    ['javascript: is not followed', 'javascript:alert(1)', undefined],
    ['an unparseable URL gives nothing', 'https://[bad', undefined],
  ];
  it.each(cases)('R7 %s', (_name, header, expected) => {
    expect(resolveUrl(header, RESPONSE)).toBe(expected);
  });

  it('R7 an absolute URL is kept byte for byte: a signed (SAS) query is not re-encoded', () => {
    const signed = "https://acct.blob.core.windows.net/c/b?sv=2024&sig=it's%2Bsigned&se=2030-01-01T00:00:00Z";
    expect(resolveUrl(signed, RESPONSE)).toBe(signed);
    expect(new URL(signed).href).not.toBe(signed);
  });

  it('R7 a header longer than MAX_URL_LENGTH is refused, one at the limit is followed', () => {
    const at = `https://management.azure.com/${'a'.repeat(MAX_URL_LENGTH - 'https://management.azure.com/'.length)}`;
    expect(at).toHaveLength(MAX_URL_LENGTH);
    expect(resolveUrl(at, RESPONSE)).toBe(at);
    expect(resolveUrl(`${at}a`, RESPONSE)).toBeUndefined();
  });
});

describe('R15 api-version', () => {
  it.each([
    ['https://h/op?api-version=2024-01-01', '2024-01-01'],
    ['https://h/op?a=1&api-version=2023-05-01&b=2', '2023-05-01'],
    ['https://h/op?a=1', undefined],
    ['not a url', undefined],
  ])('apiVersionOf(%s) is %s', (url, expected) => {
    expect(apiVersionOf(url)).toBe(expected);
  });

  const cases: Array<[string, string, string | undefined, boolean, string]> = [
    ['a URL without api-version gets it', 'https://h/op', '2024-01-01', false, 'https://h/op?api-version=2024-01-01'],
    ['appended after other parameters', 'https://h/op?a=1', '2024-01-01', false, 'https://h/op?a=1&api-version=2024-01-01'],
    ['a trailing ? takes it without another separator', 'https://h/op?', '2024-01-01', false, 'https://h/op?api-version=2024-01-01'],
    [
      'a trailing & takes it without another separator',
      'https://h/op?a=1&',
      '2024-01-01',
      false,
      'https://h/op?a=1&api-version=2024-01-01',
    ],
    ['before the fragment', 'https://h/op#frag', '2024-01-01', false, 'https://h/op?api-version=2024-01-01#frag'],
    [
      'an existing one is never replaced',
      'https://h/op?api-version=2020-01-01',
      '2024-01-01',
      false,
      'https://h/op?api-version=2020-01-01',
    ],
    ['nothing to add: the URL is unchanged', 'https://h/op?a=%2B', undefined, true, 'https://h/op?a=%2B'],
    [
      'replaced when the caller asks, other parameters kept as written',
      'https://h/op?a=%2B&api-version=2020-01-01&b=2',
      '2024-01-01',
      true,
      'https://h/op?a=%2B&b=2&api-version=2024-01-01',
    ],
    [
      'replaced when it is the only parameter',
      'https://h/op?api-version=2020-01-01',
      '2024-01-01',
      true,
      'https://h/op?api-version=2024-01-01',
    ],
    [
      'the same value asked for: unchanged',
      'https://h/op?api-version=2024-01-01&a=1',
      '2024-01-01',
      true,
      'https://h/op?api-version=2024-01-01&a=1',
    ],
    ['the value is encoded', 'https://h/op', '2024-01-01 preview', false, 'https://h/op?api-version=2024-01-01%20preview'],
  ];
  it.each(cases)('R15 %s', (_name, url, apiVersion, replace, expected) => {
    expect(withApiVersion(url, apiVersion, replace)).toBe(expected);
  });
});

describe('origins and loopback (what the origin guard compares)', () => {
  it.each([
    ['https://management.azure.com/x?y', 'https://management.azure.com'],
    ['HTTPS://Management.Azure.com:443/x', 'https://management.azure.com'],
    ['https://example.com:8443/x', 'https://example.com:8443'],
    ['http://127.0.0.1:3000/x', 'http://127.0.0.1:3000'],
    ['file:///etc/passwd', undefined],
    ['/relative', undefined],
    ['', undefined],
  ])('originOf(%j) is %j', (url, expected) => {
    expect(originOf(url)).toBe(expected);
  });

  it.each([
    ['http://localhost:3000/', true],
    ['http://LOCALHOST/', true],
    ['http://127.0.0.1/', true],
    ['http://127.200.3.4:8080/', true],
    ['http://[::1]:3000/', true],
    ['http://localhost.example.com/', false],
    ['http://128.0.0.1/', false],
    ['http://10.0.0.1/', false],
    ['not a url', false],
  ])('isLoopback(%j) is %j', (url, expected) => {
    expect(isLoopback(url)).toBe(expected);
  });
});

describe('R15 apiVersionOf reads the query as URL.searchParams does, without parsing the URL', () => {
  const urls = [
    'https://m.example/op?api-version=2024-01-01',
    'https://m.example/op?a=1&api-version=2024-01-01&b=2',
    'https://m.example/op?api-version=1&api-version=2',
    'https://m.example/op?api-version=',
    'https://m.example/op?api-version',
    'https://m.example/op?api%2Dversion=enc%20oded+plus',
    'https://m.example/op?API-VERSION=upper',
    'https://m.example/op#frag?api-version=in-fragment',
    'https://m.example/op?x=1#api-version=after-hash',
    'https://m.example/op?',
    'https://m.example/op',
    'https://m.example/op?q="quoted"&api-version=é',
  ];
  it.each(urls)('%s', (url) => {
    expect(apiVersionOf(url)).toBe(new URL(url).searchParams.get('api-version') ?? undefined);
  });
});

describe('R7 resolveUrl keeps an absolute URL byte for byte only when it parses', () => {
  it.each(['https://m.example/op?sig=a%2Fb&x=%zz', 'http://127.0.0.1:8080/op', 'HTTPS://M.example/Op'])('%s is kept', (url) => {
    expect(resolveUrl(url, 'https://m.example/')).toBe(url);
  });
  it.each(['https://[bad/op', 'https://m.example:99999/op', 'https://'])('%s is refused', (url) => {
    expect(resolveUrl(url, 'https://m.example/')).toBeUndefined();
  });
});
