const SECONDS = /^\s*\d+(?:\.\d+)?\s*$/;
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
// The three forms RFC 9110 §5.6.7 allows: IMF-fixdate, the obsolete RFC 850 form, and asctime.
const HTTP_DATE = new RegExp(
  `^\\s*(?:${DAY}, \\d{2} ${MONTH} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT` +
    `|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \\d{2}-${MONTH}-\\d{2} \\d{2}:\\d{2}:\\d{2} GMT` +
    `|${DAY} ${MONTH} [ \\d]\\d \\d{2}:\\d{2}:\\d{2} \\d{4})\\s*$`,
);

function parseMillis(value: string | undefined, scale: number): number | undefined {
  if (value === undefined) return undefined;
  // Tested, not matched: Number() skips the same white space as \s, and no match array is made per poll.
  if (!SECONDS.test(value)) return undefined;
  const ms = Number(value) * scale;
  return Number.isFinite(ms) ? ms : undefined;
}

function parseHttpDate(value: string): number | undefined {
  if (!HTTP_DATE.test(value)) return undefined;
  // asctime has no zone and means GMT; Date.parse would read it as local time.
  const ms = Date.parse(/GMT\s*$/.test(value) ? value : `${value.trim()} GMT`);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * The delay a response asks for, in milliseconds, or `undefined` when it asks for none or for
 * something unusable (rule T1, T3): `retry-after-ms` and `x-ms-retry-after-ms` first, then
 * `Retry-After` as seconds (integer or decimal) or an HTTP-date. A date is measured against the
 * response's own `Date` header when it has a valid one (the server's clock), else against `nowMs`;
 * a past date means 0. Negative, malformed and non-finite values give `undefined`; clamping to a
 * ceiling is the caller's job.
 *
 * @param headers response headers with lower-case names
 * @param nowMs the current time, for HTTP-dates when the response has no `Date`
 * @example
 * ```ts
 * retryAfterMs({ 'retry-after': '17' }, Date.now()); // 17000
 * ```
 */
export function retryAfterMs(headers: Record<string, string>, nowMs: number): number | undefined {
  const ms = parseMillis(headers['retry-after-ms'], 1) ?? parseMillis(headers['x-ms-retry-after-ms'], 1);
  if (ms !== undefined) return ms;
  const value = headers['retry-after'];
  if (value === undefined) return undefined;
  const seconds = parseMillis(value, 1000);
  if (seconds !== undefined) return seconds;
  const at = parseHttpDate(value);
  if (at === undefined) return undefined;
  const serverNow = headers['date'] !== undefined ? parseHttpDate(headers['date']) : undefined;
  return Math.max(0, at - (serverNow ?? nowMs));
}
