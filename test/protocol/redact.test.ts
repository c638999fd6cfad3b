// F4: the redaction every rx-lro error applies to its data.
import { describe, expect, it } from 'vitest';
import { REDACTED, redactor } from '../../src/protocol/redact';

const SAS = 'sv=2024-05-04&se=2026-12-31T00%3A00%3A00Z&sr=b&sp=r&sig=k3Y%2Bs1gn%2Fatur3%3D';
const URL_WITH_SAS = `https://acct.blob.core.windows.net/c/b?api-version=2024-01-01&${SAS}`;

describe('F4 redactor', () => {
  const redact = redactor();

  it('F4 every query value of a URL in a text is redacted, but api-version', () => {
    expect(redact(`GET ${URL_WITH_SAS} failed`)).toBe(
      `GET https://acct.blob.core.windows.net/c/b?api-version=2024-01-01&sv=${REDACTED}&se=${REDACTED}&sr=${REDACTED}&sp=${REDACTED}&sig=${REDACTED} failed`,
    );
    expect(redact('https://h/x?API-Version=1&Api-Version=2')).toBe('https://h/x?API-Version=1&Api-Version=2');
  });

  it('F4 a percent-encoded URL inside another text is redacted too', () => {
    const encoded = encodeURIComponent(URL_WITH_SAS);
    const out = redact(`redirect to ${encoded}`);
    expect(out).not.toContain('k3Y');
    expect(out).toContain('api-version%3D2024-01-01');
  });

  it('F4 the values of the URLs an error is about are redacted wherever they appear, however written', () => {
    const secret = 'k3Y+s1gn/atur3=';
    const bySecret = redactor([URL_WITH_SAS]);
    for (const text of [
      `signature ${secret} refused`,
      `signature ${encodeURIComponent(secret)} refused`,
      `{"sig":"${secret}"}`,
      `sig: ${secret}`,
    ]) {
      expect(bySecret(text), text).not.toContain('k3Y');
    }
  });

  it('F4 short values are redacted in query strings, never as bare words', () => {
    const bySecret = redactor(['https://h/x?a=1&b=on']);
    expect(bySecret('https://h/x?a=1&b=on')).toBe(`https://h/x?a=${REDACTED}&b=${REDACTED}`);
    expect(bySecret('retry 1 of 3, turned on')).toBe('retry 1 of 3, turned on');
  });

  it('F4 S4 nested data is redacted and copied; keys such as __proto__ stay plain keys', () => {
    const body = JSON.parse(
      `{"error":{"target":"${URL_WITH_SAS}","__proto__":{"polluted":true}},"list":["${URL_WITH_SAS}"],"n":1}`,
    ) as unknown;
    const out = redact(body) as { error: { target: string }; list: string[]; n: number };
    expect(JSON.stringify(out)).not.toContain('k3Y');
    expect(out.n).toBe(1);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(out.error)).toBe(Object.prototype);
    expect(body).toMatchObject({ list: [URL_WITH_SAS] });
  });

  it('F4 data nested past its depth bound is dropped, not kept unread', () => {
    let deep: unknown = `${URL_WITH_SAS}`;
    for (let i = 0; i < 40; i++) deep = { next: deep };
    expect(JSON.stringify(redact(deep))).not.toContain('k3Y');
  });
});
