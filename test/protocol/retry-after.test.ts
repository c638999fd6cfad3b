import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../src/protocol/retry-after';

const NOW = Date.parse('Mon, 06 Jan 2025 12:00:00 GMT');

describe('T1 Retry-After forms', () => {
  const cases: Array<[string, Record<string, string>, number | undefined]> = [
    ['integer seconds', { 'retry-after': '17' }, 17_000],
    ['decimal seconds', { 'retry-after': '0.25' }, 250],
    ['zero', { 'retry-after': '0' }, 0],
    ['spaces around', { 'retry-after': ' 3 ' }, 3000],
    ['tabs and line breaks around', { 'retry-after': '\t4\r\n' }, 4000],
    ['leading zeros', { 'retry-after': '007' }, 7000],
    ['retry-after-ms with spaces around', { 'retry-after-ms': ' 250 ' }, 250],
    ['IMF-fixdate in the future', { 'retry-after': 'Mon, 06 Jan 2025 12:00:30 GMT' }, 30_000],
    ['RFC 850 date', { 'retry-after': 'Monday, 06-Jan-25 12:00:05 GMT' }, 5_000],
    ['asctime date (GMT)', { 'retry-after': 'Mon Jan  6 12:00:10 2025' }, 10_000],
    ['a past date means 0', { 'retry-after': 'Mon, 06 Jan 2025 11:00:00 GMT' }, 0],
    ['retry-after-ms first', { 'retry-after-ms': '1500', 'retry-after': '20' }, 1500],
    ['x-ms-retry-after-ms before retry-after', { 'x-ms-retry-after-ms': '700', 'retry-after': '20' }, 700],
    ['retry-after-ms before x-ms-retry-after-ms', { 'retry-after-ms': '10', 'x-ms-retry-after-ms': '700' }, 10],
    ['a broken retry-after-ms falls through', { 'retry-after-ms': 'soon', 'retry-after': '2' }, 2000],
    ['none', {}, undefined],
  ];
  for (const [name, headers, expected] of cases) {
    it(`T1 ${name}`, () => {
      expect(retryAfterMs(headers, NOW)).toBe(expected);
    });
  }

  it("T1 an HTTP-date is measured against the response's Date header (the server's clock)", () => {
    const headers = { 'retry-after': 'Mon, 06 Jan 2025 08:00:20 GMT', date: 'Mon, 06 Jan 2025 08:00:00 GMT' };
    expect(retryAfterMs(headers, NOW)).toBe(20_000);
  });
});

describe('T3 unusable Retry-After values', () => {
  const bad = [
    '-5',
    'soon',
    '1e400',
    '12abc',
    '17, 20',
    '',
    'Tue, 32 Foo 2025 99:00:00 GMT',
    '0x10',
    'Infinity',
    'NaN',
    '1.',
    '.5',
    '1.2.3',
    '+5',
    '1 2',
    ' ',
  ];
  for (const value of bad) {
    it(`T3 ${JSON.stringify(value)} gives no delay (the policy decides)`, () => {
      expect(retryAfterMs({ 'retry-after': value }, NOW)).toBeUndefined();
    });
  }
  it('T3 a huge value stays a finite number (clamped later to the ceiling)', () => {
    const ms = retryAfterMs({ 'retry-after': '1000000000000' }, NOW);
    expect(ms).toBe(1e15);
    expect(Number.isFinite(ms)).toBe(true);
  });
});
