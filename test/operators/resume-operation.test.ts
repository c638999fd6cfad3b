import { describe, expect, it } from 'vitest';
import { Observable } from 'rxjs';
import {
  ProtocolError,
  SecurityError,
  resumeOperation,
  trackOperation,
  type HttpClient,
  type HttpResponse,
  type LroMethod,
  type OperationSnapshot,
  type ResumeToken,
} from '../../src/index';
import { testScheduler } from '../support/virtual';

const ARM = 'https://management.azure.com/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Example/things';
const DONE_AT = 10_000;

type Server = (method: string, url: string, now: number) => { status: number; headers?: Record<string, string>; body?: unknown };

/** A server whose operation finishes at DONE_AT, whatever client asks, for each pattern. */
const patterns: Record<string, { method: LroMethod; url: string; server: Server }> = {
  'operation-location started by a GET (R16)': {
    method: 'GET',
    url: `${ARM}/g/export?api-version=1`,
    server: (_method, url, now) =>
      url.includes('/ops/')
        ? { status: 200, body: now < DONE_AT ? { status: 'Running' } : { status: 'Succeeded', result: { rows: 3 } } }
        : { status: 202, headers: { 'operation-location': `${ARM}/ops/g?api-version=1` } },
  },
  'azure-async-operation (PUT)': {
    method: 'PUT',
    url: `${ARM}/a?api-version=1`,
    server: (method, url, now) =>
      method === 'PUT'
        ? {
            status: 201,
            headers: { 'azure-asyncoperation': `${ARM}/ops/a?api-version=1` },
            body: { properties: { provisioningState: 'Accepted' } },
          }
        : url.includes('/ops/')
          ? { status: 200, body: { status: now < DONE_AT ? 'Running' : 'Succeeded', percentComplete: Math.min(100, now / 100) } }
          : { status: 200, body: { name: 'a', properties: { provisioningState: 'Succeeded' } } },
  },
  'operation-location + Location (POST)': {
    method: 'POST',
    url: `${ARM}/b/run?api-version=1`,
    server: (method, url, now) =>
      method === 'POST'
        ? { status: 202, headers: { 'operation-location': `${ARM}/ops/b?api-version=1`, location: `${ARM}/results/b?api-version=1` } }
        : url.includes('/ops/')
          ? { status: 200, body: { status: now < DONE_AT ? 'NotStarted' : 'Succeeded' } }
          : { status: 200, body: { output: 'b' } },
  },
  'location (DELETE)': {
    method: 'DELETE',
    url: `${ARM}/c?api-version=1`,
    server: (method, _url, now): ReturnType<Server> =>
      method === 'DELETE'
        ? { status: 202, headers: { location: `${ARM}/results/c?api-version=1`, 'retry-after': '3' } }
        : now < DONE_AT
          ? { status: 202, headers: { 'retry-after': '3' } }
          : { status: 204 },
  },
  'provisioningState (PUT)': {
    method: 'PUT',
    url: `${ARM}/d?api-version=1`,
    server: (_method, _url, now) => ({
      status: 200,
      body: { name: 'd', properties: { provisioningState: now < DONE_AT ? 'Creating' : 'Succeeded' } },
    }),
  },
  'failed via status monitor (PUT)': {
    method: 'PUT',
    url: `${ARM}/e?api-version=1`,
    server: (method, url, now) =>
      method === 'PUT'
        ? { status: 201, headers: { 'azure-asyncoperation': `${ARM}/ops/e?api-version=1` } }
        : url.includes('/ops/')
          ? {
              status: 200,
              body: now < DONE_AT ? { status: 'Running' } : { status: 'Failed', error: { code: 'Quota', message: 'none left' } },
            }
          : { status: 500 },
  },
};

function httpFor(scheduler: ReturnType<typeof testScheduler>, server: Server, sent: string[]): HttpClient {
  return (request) =>
    new Observable<HttpResponse>((subscriber) => {
      sent.push(`${request.method} ${request.url}`);
      const action = scheduler.schedule(() => {
        const reply = server(request.method, request.url, scheduler.now());
        subscriber.next({ status: reply.status, headers: reply.headers ?? {}, ...(reply.body === undefined ? {} : { body: reply.body }) });
        subscriber.complete();
      }, 50);
      return () => action.unsubscribe();
    });
}

function comparable(snapshot: OperationSnapshot): Partial<OperationSnapshot> {
  const { polls: _polls, ...rest } = snapshot;
  return rest;
}

describe('resumeOperation', () => {
  for (const [name, pattern] of Object.entries(patterns)) {
    it(`a token from every snapshot of ${name} resumes to the same final snapshot, without the initial request`, () => {
      const scheduler = testScheduler();
      scheduler.run(() => {
        const sent: string[] = [];
        const snapshots: OperationSnapshot[] = [];
        trackOperation(
          { method: pattern.method, url: pattern.url },
          { http: httpFor(scheduler, pattern.server, sent), delay: 1000 },
        ).subscribe((s) => snapshots.push(s));
        scheduler.flush();
        const uninterrupted = snapshots.at(-1)!;
        expect(uninterrupted.done).toBe(true);
        expect(snapshots.length).toBeGreaterThan(1);
        for (const snapshot of snapshots) {
          const resumedSent: string[] = [];
          let last: OperationSnapshot | undefined;
          const token = JSON.parse(JSON.stringify(snapshot.resumeToken)) as ResumeToken;
          resumeOperation(token, { http: httpFor(scheduler, pattern.server, resumedSent), delay: 1000 }).subscribe((s) => (last = s));
          scheduler.flush();
          expect(comparable(last!)).toEqual(comparable(uninterrupted));
          expect(resumedSent.every((line) => line.startsWith('GET '))).toBe(true);
          expect(resumedSent).not.toContain(`${pattern.method} ${pattern.url}`);
        }
      });
    });
  }

  it('S3 a tampered or malformed token is a typed error before any request', () => {
    const scheduler = testScheduler();
    scheduler.run(() => {
      const sent: string[] = [];
      const http = httpFor(scheduler, () => ({ status: 200, body: { status: 'Succeeded' } }), sent);
      const errors: unknown[] = [];
      const bad: unknown[] = [
        null,
        'token',
        { v: 2, method: 'PUT', url: `${ARM}/a`, mode: 'status', pollUrl: `${ARM}/ops/a` },
        { v: 1, method: 'HEAD', url: `${ARM}/a`, mode: 'status', pollUrl: `${ARM}/ops/a` },
        { v: 1, method: 'GET', url: `${ARM}/a`, mode: 'none' },
        { v: 1, method: 'PUT', url: `${ARM}/a`, mode: 'status' },
        { v: 1, method: 'POST', url: `${ARM}/a`, mode: 'none' },
      ];
      for (const token of bad) resumeOperation(token as ResumeToken, { http }).subscribe({ error: (e) => errors.push(e) });
      const foreign = { v: 1, method: 'PUT', url: `${ARM}/a`, mode: 'status', pollUrl: 'https://attacker.example/ops/a' };
      resumeOperation(foreign as ResumeToken, { http, authorize: () => ({ authorization: 'Bearer secret' }) }).subscribe({
        error: (e) => errors.push(e),
      });
      scheduler.flush();
      expect(errors.slice(0, bad.length).every((e) => e instanceof ProtocolError && e.rule === 'S3')).toBe(true);
      expect(errors[bad.length]).toBeInstanceOf(SecurityError);
      expect(sent).toEqual([]);
    });
  });

  it('S2 S3 a token whose URLs are plain http: off loopback is refused before anything is sent, credentials or not', () => {
    const scheduler = testScheduler();
    scheduler.run(() => {
      const sent: string[] = [];
      const http = httpFor(scheduler, () => ({ status: 200, body: { status: 'Succeeded' } }), sent);
      const errors: unknown[] = [];
      const plain = 'http://management.example.com/subscriptions/s1/things/a';
      const token = {
        v: 1,
        method: 'PUT',
        url: `${plain}?api-version=1`,
        mode: 'status',
        pollUrl: `${plain}/ops/1?api-version=1`,
      } as const;
      resumeOperation(token, { http, authorize: () => ({ authorization: 'Bearer secret' }) }).subscribe({ error: (e) => errors.push(e) });
      resumeOperation(token, { http }).subscribe({ error: (e) => errors.push(e) });
      scheduler.flush();
      expect(errors).toHaveLength(2);
      for (const error of errors) expect(error).toBeInstanceOf(SecurityError);
      expect(sent).toEqual([]);
    });
  });
});
