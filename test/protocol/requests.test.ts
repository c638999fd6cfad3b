import { describe, expect, it } from 'vitest';
import type { HttpResponse } from '../../src/protocol/http-response';
import {
  MAX_REDIRECTS,
  isResendable,
  readRequest,
  redirectTarget,
  requestHeaders,
  resumedState,
  retriesNetworkError,
  throttleWait,
  trackerKey,
} from '../../src/protocol/requests';
import type { ResumeToken } from '../../src/snapshot';

const ARM = 'https://management.azure.com';
const response = (status: number, headers: Record<string, string> = {}): HttpResponse => ({ status, headers });

describe('the requests a tracker sends', () => {
  it('every request accepts JSON; the caller’s headers come after and win', () => {
    expect(requestHeaders(undefined)).toEqual({ accept: 'application/json' });
    expect(requestHeaders({ accept: 'application/xml', 'x-ms-client-request-id': 'r1' })).toEqual({
      accept: 'application/xml',
      'x-ms-client-request-id': 'r1',
    });
    expect(readRequest(`${ARM}/op`, { accept: 'application/json' })).toEqual({
      method: 'GET',
      url: `${ARM}/op`,
      headers: { accept: 'application/json' },
    });
  });

  it('F1 a network error is retried on every poll and final GET; on the initial request only for PUT, DELETE and GET', () => {
    for (const method of ['PUT', 'PATCH', 'POST', 'DELETE', 'GET']) {
      expect(retriesNetworkError('poll', method)).toBe(true);
      expect(retriesNetworkError('final', method)).toBe(true);
      const idempotent = method !== 'POST' && method !== 'PATCH';
      expect(retriesNetworkError('initial', method)).toBe(idempotent);
      expect(isResendable(method)).toBe(idempotent);
    }
  });

  it('S1 a redirected poll or final GET goes to its Location, resolved against the URL it came from, for a few hops at most', () => {
    for (const status of [301, 302, 303, 307, 308]) {
      expect(redirectTarget('poll', response(status, { location: '/moved?x=1' }), `${ARM}/a/op`, 0)).toBe(`${ARM}/moved?x=1`);
      expect(redirectTarget('final', response(status, { location: 'https://other.example/r' }), `${ARM}/a`, 0)).toBe(
        'https://other.example/r',
      );
    }
    expect(redirectTarget('poll', response(302, { location: `${ARM}/b` }), `${ARM}/a`, MAX_REDIRECTS - 1)).toBe(`${ARM}/b`);
    expect(redirectTarget('poll', response(302, { location: `${ARM}/b` }), `${ARM}/a`, MAX_REDIRECTS)).toBeUndefined();
  });

  it('S1 the initial request’s redirect, a redirect without Location and any other status are read as they are', () => {
    expect(redirectTarget('initial', response(302, { location: `${ARM}/b` }), `${ARM}/a`, 0)).toBeUndefined();
    expect(redirectTarget('poll', response(302), `${ARM}/a`, 0)).toBeUndefined();
    for (const status of [200, 201, 202, 304, 404]) {
      expect(redirectTarget('poll', response(status, { location: `${ARM}/b` }), `${ARM}/a`, 0)).toBeUndefined();
    }
  });

  it('F1 a 429 with Retry-After holds the origin for the service’s wait, clamped to maxDelayMs; other answers hold nothing', () => {
    expect(throttleWait(response(429, { 'retry-after': '7' }), 0, 30_000)).toBe(7_000);
    expect(throttleWait(response(429, { 'retry-after': '600' }), 0, 30_000)).toBe(30_000);
    expect(throttleWait(response(429, { 'retry-after-ms': '250' }), 0, 30_000)).toBe(250);
    expect(throttleWait(response(429), 0, 30_000)).toBeUndefined();
    expect(throttleWait(response(503, { 'retry-after': '7' }), 0, 30_000)).toBeUndefined();
  });

  it('F5 a resumed tracker polls where the token says, with the caller’s key or the token’s own; a token with nothing to poll polls the resource', () => {
    const token: ResumeToken = { v: 1, method: 'PUT', url: `${ARM}/r?api-version=1`, mode: 'status', pollUrl: `${ARM}/op?api-version=1` };
    expect(resumedState(token, undefined)).toEqual({ token: { ...token, key: `${ARM}/op` }, polls: 0, status: 'InProgress' });
    expect(resumedState({ ...token, key: 'saved' }, undefined).token.key).toBe('saved');
    expect(resumedState({ ...token, key: 'saved' }, 'mine').token.key).toBe('mine');
    const none: ResumeToken = { v: 1, method: 'PUT', url: `${ARM}/r?api-version=1`, mode: 'none' };
    expect(resumedState(none, undefined).token).toMatchObject({ mode: 'body', pollUrl: none.url });
  });

  it('a tracker that fails before its first step is known by its initial request, or by the caller’s key', () => {
    const request = { method: 'POST' as const, url: `${ARM}/vm/start?api-version=1&sig=s` };
    expect(trackerKey(undefined, undefined, request)).toBe(`POST ${ARM}/vm/start`);
    expect(trackerKey(undefined, 'mine', request)).toBe('mine');
    const token: ResumeToken = { v: 1, method: 'POST', url: request.url, mode: 'status', pollUrl: `${ARM}/op`, key: 'k' };
    expect(trackerKey({ token, polls: 1, status: 'Running' }, undefined, request)).toBe('k');
  });
});
