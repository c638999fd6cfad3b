// F4 as a property: whatever the URL's secret query values, whatever the transport or the service wrote
// about them, no error rx-lro ends a stream with carries one, in any class and any field: message,
// String(e), the stack, toJSON(), url, reason, body. Real requests to a local server (and to a closed
// port) through every transport, and a fetch whose failures quote the URL in every form it can.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import crossFetch from 'cross-fetch';
import fc from 'fast-check';
import * as t from 'io-ts';
import { lastValueFrom } from 'rxjs';
import { request as undiciRequest } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finalResult, isLroError, trackOperation, type FetchLike, type LroMethod, type PollOptions } from '../../src/index';
import { nodeHttpClient, undiciHttpClient } from '../../src/node/index';

const RUNS = 1000;
const API_VERSION = '2024-01-01';

let server: Server;
let base = '';
let closedPort = 0;

// What the service says, by the first path segment: each makes one error class.
function answer(req: IncomingMessage, res: ServerResponse): void {
  const url = `${base}${req.url ?? '/'}`;
  const [, scenario, , step] = (req.url ?? '/').split('?')[0]!.split('/');
  const query = (req.url ?? '').split('?')[1] ?? '';
  const json = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  req.resume();
  switch (scenario) {
    case 'forbidden':
      return json(403, { error: { code: 'AuthorizationFailed', message: `The client may not write ${url} (${decodeURIComponent(url)})` } });
    case 'text':
      res.writeHead(400, { 'content-type': 'text/plain' });
      return void res.end(`bad request for ${url}\n${encodeURIComponent(url)}`);
    case 'elsewhere':
      // localhost is another origin than 127.0.0.1: a SecurityError, with the secret in the refused URL.
      return json(202, {}, { 'operation-location': `${base.replace('127.0.0.1', 'localhost')}/ops/x?${query}` });
    case 'no-status':
      return step === undefined ? json(202, {}, { 'operation-location': `/no-status/x/monitor?${query}` }) : json(200, { echo: url });
    case 'failed':
      return step === undefined
        ? json(202, {}, { 'operation-location': `/failed/x/monitor?${query}` })
        : json(200, { status: 'Failed', error: { code: 'Denied', message: `see ${url}`, target: decodeURIComponent(url) } });
    case 'decode':
      return json(200, { name: url, properties: { provisioningState: 'Succeeded' } });
    case 'reset':
      return void req.socket.destroy();
    case 'running':
      return step === undefined ? json(202, {}, { 'operation-location': `/running/x/monitor?${query}` }) : json(200, { status: 'Running' });
    default:
      return json(404, { error: { code: 'NotFound', message: url } });
  }
}

beforeAll(async () => {
  server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A port that was just free and is closed again: connections to it are refused.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const SCENARIOS = ['forbidden', 'text', 'elsewhere', 'no-status', 'failed', 'decode', 'reset', 'running', 'refused'] as const;
type Scenario = (typeof SCENARIOS)[number];

// A SAS-like secret: base64 characters, so percent-encoding changes it in a URL.
const secret = fc.stringMatching(/^[A-Za-z0-9+/=]{12,44}$/);
const parameter = fc.oneof(fc.constantFrom('sig', 'se', 'sv', 'skoid', 'token', 'code'), fc.stringMatching(/^x[a-z]{1,8}$/));

interface Case {
  scenario: Scenario;
  secrets: Array<{ name: string; value: string }>;
}

const cases = fc.record({
  scenario: fc.constantFrom(...SCENARIOS),
  secrets: fc.uniqueArray(fc.record({ name: parameter, value: secret }), { minLength: 1, maxLength: 3, selector: (s) => s.name }),
});

function urlOf(c: Case): string {
  const origin = c.scenario === 'refused' ? `http://127.0.0.1:${closedPort}` : base;
  const query = c.secrets.map((s) => `${s.name}=${encodeURIComponent(s.value)}`).join('&');
  return `${origin}/${c.scenario}/w1?api-version=${API_VERSION}&${query}`;
}

/** Every text of an error a user may print, log or store. */
function textsOf(error: unknown): string[] {
  const e = error as Error & Record<string, unknown>;
  const fields = Object.getOwnPropertyNames(e).filter((name) => name !== 'resumeToken');
  return [e.message, String(e), e.stack ?? '', JSON.stringify(e), JSON.stringify(fields.map((name) => e[name]))];
}

function expectNoSecret(error: unknown, c: Case): void {
  expect(isLroError(error), `${String(error)}`).toBe(true);
  expect((error as { cause?: unknown }).cause).toBeUndefined();
  for (const text of textsOf(error)) {
    for (const { value } of c.secrets) {
      for (const form of new Set([value, encodeURIComponent(value), encodeURIComponent(encodeURIComponent(value))])) {
        expect(text.includes(form), `${form} in ${text.slice(0, 300)}`).toBe(false);
      }
    }
  }
}

const EXPECTED: Record<Scenario, string> = {
  forbidden: 'HttpError',
  text: 'HttpError',
  elsewhere: 'SecurityError',
  'no-status': 'ProtocolError',
  failed: 'OperationFailedError',
  decode: 'DecodeError',
  reset: 'NetworkError',
  running: 'TimeoutError',
  refused: 'NetworkError',
};

async function errorOf(c: Case, transport: PollOptions): Promise<unknown> {
  const method: LroMethod = c.scenario === 'decode' ? 'PUT' : 'POST';
  const options: PollOptions<unknown> = { ...transport, retry: false, delay: 1 };
  if (c.scenario === 'decode') options.result = t.type({ name: t.number }) as unknown as PollOptions['result'];
  if (c.scenario === 'running') options.timeoutMs = 5;
  try {
    await lastValueFrom(trackOperation({ method, url: urlOf(c) }, options).pipe(finalResult()));
  } catch (error) {
    return error;
  }
  throw new Error(`${c.scenario} did not fail`);
}

// A fetch whose failures quote the URL every way a transport might: as is, decoded, encoded, as JSON,
// in the error's cause, with the secret on its own.
const hostileFetch: FetchLike = (url) => {
  const forms = [url, decodeURIComponent(url), encodeURIComponent(url), JSON.stringify({ url }), url.toUpperCase().replace('HTTP', 'http')];
  const values = [...new URL(url).searchParams].filter(([name]) => name !== 'api-version').map(([, value]) => value);
  return Promise.reject(
    Object.assign(new Error(`request to ${forms.join(' | ')} failed (${values.join(', ')})`), {
      cause: new Error(`connect ECONNREFUSED ${url}`),
    }),
  );
};

const TRANSPORTS: Array<[string, () => PollOptions]> = [
  ['cross-fetch', () => ({ fetch: crossFetch as unknown as FetchLike })],
  ['the global fetch', () => ({ fetch: globalThis.fetch as unknown as FetchLike })],
  ['nodeHttpClient', () => ({ http: nodeHttpClient() })],
  ['undiciHttpClient', () => ({ http: undiciHttpClient(undiciRequest) })],
  ['a fetch whose failures quote the URL in every form', () => ({ fetch: hostileFetch })],
];

describe('F4 no error carries a secret query value, whatever the transport (fast-check)', () => {
  for (const [name, transport] of TRANSPORTS) {
    it(`F4 ${name}: every error class, ${RUNS} generated URLs and answers`, async () => {
      const options = transport();
      const seen = new Set<string>();
      await fc.assert(
        fc.asyncProperty(cases, async (c) => {
          const error = await errorOf(c, options);
          const expected = options.fetch === hostileFetch ? 'NetworkError' : EXPECTED[c.scenario];
          expect((error as Error).name).toBe(expected);
          seen.add(expected);
          expectNoSecret(error, c);
          if (expected === 'HttpError' && c.scenario === 'forbidden') {
            expect((error as Error).message).toContain('AuthorizationFailed: The client may not write');
          }
        }),
        { numRuns: RUNS },
      );
      // Every class the scenarios make was met (all but one for the hostile fetch, which never answers).
      expect(seen.size).toBe(options.fetch === hostileFetch ? 1 : new Set(Object.values(EXPECTED)).size);
    }, 120_000);
  }
});
