// Secrets travel in query strings (SAS signatures, tokens): no error rx-lro makes may carry the value of a
// query parameter, but for `api-version`, as the Azure SDK pipeline's log sanitizer allows (rule F4).

/** What a redacted query value is replaced with. */
export const REDACTED = 'REDACTED';

// One query parameter, written plainly (`?sig=x`, `&sig=x`) or percent-encoded inside another text
// (`%3Fsig%3Dx`, `%26sig%3Dx`), as transports and services echo URLs.
const PAIR =
  /(\?|&|%3[Ff]|%26)((?:[^=&#%\s"'<>`\\]|%(?!3[Dd]|26)[0-9A-Fa-f]{2})*)(=|%3[Dd])((?:[^&#%\s"'<>`\\]|%(?!26)[0-9A-Fa-f]{2}|%(?![0-9A-Fa-f]{2}))*)/g;

// A secret this short could be any word of a message; the pattern above still redacts it in a URL.
const MIN_SECRET_LENGTH = 6;

function isKept(name: string): boolean {
  let decoded = name;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    // a broken escape: judged as written
  }
  return decoded.toLowerCase() === 'api-version';
}

function redactPairs(text: string): string {
  return text.replace(PAIR, (whole: string, separator: string, name: string, equals: string, value: string) =>
    value === '' || isKept(name) ? whole : `${separator}${name}${equals}${REDACTED}`,
  );
}

/** The query values (but `api-version`'s) of a URL, in the forms a text may show them. */
function secretsOf(url: string): string[] {
  const query = url.indexOf('?');
  if (query < 0) return [];
  const found: string[] = [];
  for (const pair of url
    .slice(query + 1)
    .split('#')[0]!
    .split('&')) {
    const at = pair.indexOf('=');
    if (at < 0 || isKept(pair.slice(0, at))) continue;
    const raw = pair.slice(at + 1);
    const forms = new Set([raw, encodeURIComponent(raw)]);
    try {
      const decoded = decodeURIComponent(raw.replace(/\+/g, ' '));
      forms.add(decoded).add(encodeURIComponent(decoded));
    } catch {
      // a broken escape: the raw form is enough
    }
    for (const form of forms) if (form.length >= MIN_SECRET_LENGTH) found.push(form);
  }
  // Longest first, so that a value is never half-replaced by a shorter form of itself.
  return found.sort((a, b) => b.length - a.length);
}

/**
 * A redaction for the data of one error: every query value (but `api-version`) of any URL in a text,
 * and wherever they appear, the query values of the URLs the error is about (`urls`), however the
 * transport wrote them. Strings nested in arrays and objects are redacted too; other values are kept.
 */
export function redactor(urls: readonly string[] = []): <V>(value: V) => V {
  const secrets = urls.flatMap(secretsOf);
  const text = (value: string): string => {
    let out = redactPairs(value);
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  };
  const deep = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return text(value);
    if (typeof value !== 'object' || value === null) return value;
    // Past this depth nothing is kept: unread data could hold a secret.
    if (depth > 16) return '…';
    if (Array.isArray(value)) return value.map((item) => deep(item, depth + 1));
    // fromEntries defines own properties: a `__proto__` key stays a key (S4).
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [text(key), deep(item, depth + 1)]));
  };
  return <V>(value: V): V => deep(value, 0) as V;
}
