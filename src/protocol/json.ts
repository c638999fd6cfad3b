import type { HttpResponse } from './http-response';

/** How much of a non-JSON body is kept for diagnosis. */
export const BODY_EXCERPT_CHARS = 1024;

// A `\u` escape can spell any of those keys, so it also sends the text through the reviver.
const POISON = /__proto__|constructor|prototype|\\u/;

// A number literal beyond a double's range (1e400) parses to ±Infinity, which JSON.stringify writes as
// null: it becomes null at once, so that snapshots and errors holding the body stay plain JSON (F4).
// Only a literal with a 3-digit exponent or 309 digits in a row can overflow.
const OVERFLOW = /\d[eE][+]?\d{3}|\d{309}/;

// Keys that could reach an object's prototype when a body is later merged or spread are dropped
// (rule S4). The reviver costs time, so it only runs when such a key or number appears in the text.
function revive(this: unknown, key: string, value: unknown): unknown {
  if (key === '__proto__' || key === 'constructor' || key === 'prototype') return undefined;
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

/** Parses JSON without prototype pollution; `undefined` when the text is not JSON. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: POISON.test(text) || OVERFLOW.test(text) ? JSON.parse(text, revive) : JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Fills `body` (parsed JSON) or `rawBody` (an excerpt of a non-JSON text) from a body text. */
export function readBodyText(text: string): Pick<HttpResponse, 'body' | 'rawBody'> {
  if (text.trim() === '') return {};
  const parsed = parseJson(text);
  return parsed.ok ? { body: parsed.value } : { rawBody: text.slice(0, BODY_EXCERPT_CHARS) };
}

/** The body as plain data for an error: the parsed JSON, or the excerpt of the text. */
export function bodyForError(response: HttpResponse): unknown {
  return response.body !== undefined ? response.body : response.rawBody;
}

/** A short text excerpt of a response body, for `HttpError.body`. */
export function bodyExcerpt(response: HttpResponse): string | undefined {
  if (response.body !== undefined) return JSON.stringify(response.body).slice(0, BODY_EXCERPT_CHARS);
  return response.rawBody;
}

/**
 * The service's own words in an error body: `error.code` / `error.message` (Azure's error format), else
 * a top-level `code` / `message`, as some data-plane services write them; `undefined` when it has neither.
 */
export function serviceErrorOf(body: unknown): { code?: string; message?: string } | undefined {
  const record = asRecord(body);
  const source = asRecord(record?.['error']) ?? record;
  if (!source) return undefined;
  const said: { code?: string; message?: string } = {};
  if (typeof source['code'] === 'string') said.code = source['code'];
  if (typeof source['message'] === 'string') said.message = source['message'];
  return said.code === undefined && said.message === undefined ? undefined : said;
}

/** `value` as a record when it is a non-null, non-array object. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
