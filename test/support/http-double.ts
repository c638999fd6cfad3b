import { defer, type Observable } from 'rxjs';
import type { RunHelpers, TestScheduler } from 'rxjs/testing';
import type { HttpClient, HttpRequest, HttpResponse } from '../../src/index';

/** One scripted answer of the HTTP double. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  /** Virtual milliseconds before the answer arrives. Default: 100. */
  latencyMs?: number;
  /** Fail with this error instead of answering. */
  fail?: unknown;
}

/** A request the double received, with the virtual time it was sent at. */
export interface SentRequest extends HttpRequest {
  time: number;
}

/**
 * A cold-observable HTTP double for `TestScheduler.run`: each URL answers its replies in order (the
 * last one repeats), each after its latency in virtual time. Records every request it is sent.
 */
export function httpDouble(
  scheduler: TestScheduler,
  helpers: Pick<RunHelpers, 'cold'>,
  routes: Record<string, Reply[]>,
): { http: HttpClient; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  const served = new Map<string, number>();
  const http: HttpClient = (request) =>
    defer((): Observable<HttpResponse> => {
      sent.push({ ...request, time: scheduler.now() });
      const replies = routes[request.url];
      if (!replies || replies.length === 0) throw new Error(`no reply scripted for ${request.method} ${request.url}`);
      const index = served.get(request.url) ?? 0;
      served.set(request.url, index + 1);
      const reply = replies[Math.min(index, replies.length - 1)]!;
      const latency = reply.latencyMs ?? 100;
      if (reply.fail !== undefined) return helpers.cold(`${latency}ms #`, undefined, reply.fail);
      const response: HttpResponse = { status: reply.status, headers: lower(reply.headers ?? {}) };
      if (reply.body !== undefined) response.body = reply.body;
      if (reply.rawBody !== undefined) response.rawBody = reply.rawBody;
      return helpers.cold(`${latency}ms (a|)`, { a: response });
    });
  return { http, sent };
}

function lower(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
