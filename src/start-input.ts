import type { AjaxResponse } from 'rxjs/ajax';
import type { HttpResponse } from './protocol/http-response';
import { normalizeHeaders, type HeadersInput } from './protocol/headers';
import { readBodyText } from './protocol/json';
import { resolveUrl } from './protocol/url';
import type { LroMethod } from './snapshot';
import type { Begin } from './driver';
import { isObject } from './values';

/**
 * An initial response in hand, with the request that produced it.
 * @example
 * ```ts
 * of({ request: { method: 'PUT', url }, response: { status: 201, headers, body } }).pipe(pollOperation());
 * ```
 */
export interface OperationStart {
  request: { method: string; url: string };
  response: {
    status: number;
    /** A plain record (any case) or a `Headers` object. */
    headers?: HeadersInput;
    /** The parsed JSON body, or its text. */
    body?: unknown;
  };
}

/**
 * A fetch `Response` (from `fetch` or `fromFetch`); `options.method` names its request's method.
 * @example
 * ```ts
 * fromFetch(url, { method: 'PUT', body }).pipe(pollOperation({ method: 'PUT' }));
 * ```
 */
export interface FetchResponseStart {
  status: number;
  url: string;
  headers: { forEach(callback: (value: string, name: string) => void): void; get(name: string): string | null };
  text(): Promise<string>;
}

/**
 * Everything `pollOperation` accepts as a start.
 * @example
 * ```ts
 * ajax({ method: 'PUT', url, body }).pipe(pollOperation()); // an AjaxResponse is a StartInput
 * ```
 */
export type StartInput = OperationStart | AjaxResponse<unknown> | FetchResponseStart;

/**
 * A start made when its tracker begins: a function that sends the initial request (so a concurrency
 * limit holds the request itself back, not only its polling), returning a start or a promise of one.
 * @example
 * ```ts
 * const lazy: LazyStart = () => fetch(`${vm}/start?api-version=2024-07-01`, { method: 'POST' });
 * fromStart(lazy, { method: 'POST' });
 * ```
 */
export type LazyStart = () => StartInput | PromiseLike<StartInput>;

const METHODS: readonly string[] = ['PUT', 'PATCH', 'POST', 'DELETE', 'GET'];

function startError(message: string): TypeError {
  return new TypeError(`rx-lro: invalid operation start: ${message}`);
}

export function checkMethod(method: unknown, where: string): LroMethod {
  const upper = typeof method === 'string' ? method.toUpperCase() : undefined;
  if (upper === undefined || !METHODS.includes(upper)) {
    throw startError(`${where} must be one of PUT, PATCH, POST, DELETE, GET, got ${JSON.stringify(method)}`);
  }
  return upper as LroMethod;
}

export function checkUrl(url: unknown, where: string): string {
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  // The common case, an absolute http(s) URL outside a page, is taken as it is once it parses.
  if (base === undefined && typeof url === 'string' && resolveUrl(url, url) === url) return url;
  try {
    if (typeof url !== 'string' || url === '') throw new Error();
    const parsed = new URL(url, base);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error();
    return resolveUrl(url, base ?? parsed.href) ?? parsed.href;
  } catch {
    throw startError(`${where} must be an absolute http(s) URL, got ${JSON.stringify(url)}`);
  }
}

function checkStatus(status: unknown): number {
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    throw startError(`the response status must be an HTTP status code, got ${JSON.stringify(status)}`);
  }
  return status;
}

function bodyOf(body: unknown): Pick<HttpResponse, 'body' | 'rawBody'> {
  if (typeof body === 'string') return readBodyText(body);
  return body === undefined || body === null ? {} : { body };
}

/**
 * The tracker's beginning from whatever start the caller has: `{ request, response }`, an
 * `AjaxResponse` of `rxjs/ajax`, or a fetch `Response` (read once, hence a promise). Bad input is a
 * `TypeError` that says what is wrong.
 */
export function beginFromStart(start: unknown, method: LroMethod | undefined): Begin | Promise<Begin> {
  if (isObject(start) && typeof start['then'] === 'function') {
    throw startError(
      'got a promise, whose request was sent before its tracker began: give a function that sends it (() => fetch(url, init)), or use trackOperation',
    );
  }
  if (!isObject(start))
    throw startError(`expected { request, response }, an AjaxResponse or a fetch Response, got ${JSON.stringify(start)}`);
  if (isObject(start['request']) && isObject(start['responseHeaders']) && 'xhr' in start) {
    const ajax = start as unknown as AjaxResponse<unknown>;
    return {
      kind: 'start',
      request: { method: checkMethod(ajax.request.method, 'request.method'), url: checkUrl(ajax.request.url, 'request.url') },
      response: { status: checkStatus(ajax.status), headers: normalizeHeaders(ajax.responseHeaders), ...bodyOf(ajax.response) },
    };
  }
  if (isObject(start['request']) && isObject(start['response'])) {
    const { request, response } = start as unknown as OperationStart;
    return {
      kind: 'start',
      request: { method: checkMethod(request.method, 'request.method'), url: checkUrl(request.url, 'request.url') },
      response: { status: checkStatus(response.status), headers: normalizeHeaders(response.headers), ...bodyOf(response.body) },
    };
  }
  if (typeof start['text'] === 'function' && isObject(start['headers'])) {
    const response = start as unknown as FetchResponseStart;
    if (method === undefined) throw startError('a fetch Response does not say its method: pass options.method');
    const request = { method, url: checkUrl(response.url, 'response.url') };
    const status = checkStatus(response.status);
    const headers = normalizeHeaders(response.headers);
    return response.text().then((text) => ({ kind: 'start', request, response: { status, headers, ...readBodyText(text) } }));
  }
  throw startError('expected { request, response }, an AjaxResponse or a fetch Response');
}
