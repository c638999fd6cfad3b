import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import crossFetch from 'cross-fetch';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkError, ProtocolError, fetchHttpClient, trackOperation, type FetchLike, type HttpClient } from '../../src/index';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/json') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Azure-AsyncOperation': 'https://x/op', 'X-Custom': 'v' });
      res.end(JSON.stringify({ status: 'Running', n: 1 }));
    } else if (path === '/html') {
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end('<html>Bad gateway</html>');
    } else if (path === '/empty') {
      res.writeHead(204);
      res.end();
    } else if (path === '/poison') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        '{"status":"Running","__proto__":{"polluted":true},"nested":{"constructor":{"prototype":{"x":1}},"\\u005f_proto__":{"y":2}}}',
      );
    } else if (path === '/big-declared') {
      const body = JSON.stringify({ pad: 'x'.repeat(5000) });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) });
      res.end(body);
    } else if (path === '/big-chunked') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      // No content-length: the cap must hold while streaming.
      for (let i = 0; i < 10; i++) res.write(`${i === 0 ? '{"pad":"' : ''}${'y'.repeat(1000)}`);
      res.end('"}');
    } else if (path === '/gzip') {
      // 1,000 bytes on the wire, far more once decoded: the cap holds for the decoded body.
      const body = gzipSync(JSON.stringify({ pad: 'z'.repeat(100_000) }));
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': String(body.length) });
      res.end(body);
    } else if (path === '/cut') {
      // Half of the declared body, then the connection is dropped.
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
      res.write('{"status":"Running","pad":"', () => res.destroy());
    } else if (path === '/reset') {
      req.socket.destroy();
    } else if (path === '/echo') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, headers: req.headers }));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const clients: Array<[string, HttpClient]> = [
  ['cross-fetch', fetchHttpClient(crossFetch as unknown as FetchLike)],
  ['the global fetch', fetchHttpClient(globalThis.fetch as unknown as FetchLike)],
];

for (const [name, http] of clients) {
  describe(`fetchHttpClient over ${name}`, () => {
    const get = (path: string) => firstValueFrom(http({ method: 'GET', url: `${base}${path}`, headers: { accept: 'application/json' } }));

    it('parses a JSON body and lower-cases header names', async () => {
      const response = await get('/json');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: 'Running', n: 1 });
      expect(response.headers['azure-asyncoperation']).toBe('https://x/op');
      expect(response.headers['x-custom']).toBe('v');
    });
    it('F2 keeps a non-JSON body as an excerpt, never throws on it', async () => {
      const response = await get('/html');
      expect(response.status).toBe(502);
      expect(response.body).toBeUndefined();
      expect(response.rawBody).toBe('<html>Bad gateway</html>');
    });
    it('an empty body is neither body nor rawBody', async () => {
      const response = await get('/empty');
      expect(response).toEqual({ status: 204, headers: expect.any(Object) });
    });
    it('S4 __proto__ and constructor keys are dropped, escaped spellings too', async () => {
      const response = await get('/poison');
      const body = response.body as Record<string, unknown>;
      expect(body['status']).toBe('Running');
      expect(Object.prototype.hasOwnProperty.call(body, '__proto__')).toBe(false);
      expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
      expect(body['nested']).toEqual({});
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    });
    it('F2 a body over the cap is a ProtocolError, declared or streamed', async () => {
      const capped = name.startsWith('cross')
        ? fetchHttpClient(crossFetch as unknown as FetchLike, { maxBodyBytes: 2000 })
        : fetchHttpClient(globalThis.fetch as unknown as FetchLike, { maxBodyBytes: 2000 });
      for (const path of ['/big-declared', '/big-chunked', '/gzip']) {
        const error = await firstValueFrom(capped({ method: 'GET', url: `${base}${path}`, headers: {} })).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ProtocolError);
        expect((error as ProtocolError).rule).toBe('F2');
      }
    });
    it('a reset connection is a NetworkError', async () => {
      const error = await get('/reset').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NetworkError);
      expect((error as NetworkError).url).toBe(`${base}/reset`);
    });
    it('F2 a body cut short of its Content-Length is a NetworkError, not a hang', async () => {
      const quick = name.startsWith('cross')
        ? fetchHttpClient(crossFetch as unknown as FetchLike, { bodyStallMs: 100 })
        : fetchHttpClient(globalThis.fetch as unknown as FetchLike, { bodyStallMs: 100 });
      const error = await firstValueFrom(quick({ method: 'GET', url: `${base}/cut`, headers: {} })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NetworkError);
      expect((error as NetworkError).url).toBe(`${base}/cut`);
    });
    it('a refused connection is a NetworkError', async () => {
      const error = await firstValueFrom(http({ method: 'GET', url: 'http://127.0.0.1:1/nothing', headers: {} })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NetworkError);
    });
    it('sends the method, headers and body it is given', async () => {
      const response = await firstValueFrom(
        http({
          method: 'PUT',
          url: `${base}/echo`,
          headers: { 'x-ms-client-request-id': 'abc', 'content-type': 'application/json' },
          body: '{"a":1}',
        }),
      );
      expect(response.body).toMatchObject({ method: 'PUT', headers: { 'x-ms-client-request-id': 'abc' } });
    });
  });
}

describe('F2 the body cap and what a response declares', () => {
  // A WHATWG response whose stream holds more than its Content-Length says, as a cross-origin
  // browser response could once its Content-Encoding is hidden.
  const lying = (type: string): FetchLike => {
    const bytes = new TextEncoder().encode(JSON.stringify({ pad: 'w'.repeat(5000) }));
    return () =>
      Promise.resolve({
        status: 200,
        type,
        headers: new Headers({ 'content-type': 'application/json', 'content-length': '10' }),
        body: new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(bytes);
            controller.close();
          },
        }),
        text: () => Promise.resolve(new TextDecoder().decode(bytes)),
      });
  };
  const read = (fetch: FetchLike) =>
    firstValueFrom(fetchHttpClient(fetch, { maxBodyBytes: 1000 })({ method: 'GET', url: 'https://a.example/op', headers: {} })).catch(
      (e: unknown) => e,
    );

  it('F2 a cross-origin browser response is read chunk by chunk against the cap, whatever its length says', async () => {
    const error = await read(lying('cors'));
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).rule).toBe('F2');
  });

  it('F2 a same-origin or Node response of a declared length, with no content coding, is read whole', async () => {
    const response = await read(lying('basic'));
    expect(response).toMatchObject({ status: 200, body: { pad: 'w'.repeat(5000) } });
  });
});

describe('F3 every request has its own AbortController', () => {
  function recordingFetch() {
    const calls: { url: string; signal: AbortSignal }[] = [];
    const fetch: FetchLike = (url, init) => {
      calls.push({ url, signal: init.signal });
      return new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(new Error('aborted'))));
    };
    return { calls, fetch };
  }

  it('rejects bad options with a TypeError naming them', () => {
    expect(() => fetchHttpClient(undefined, { bodyStallMs: 0 })).toThrow(/bodyStallMs must be a positive finite number, got 0/);
    expect(() => fetchHttpClient(undefined, { maxBodyBytes: Number.NaN })).toThrow(TypeError);
    expect(() => fetchHttpClient('fetch' as unknown as FetchLike)).toThrow(/expects a fetch function, got string/);
  });

  it('F3 unsubscribing aborts the request in flight', async () => {
    const { calls, fetch } = recordingFetch();
    const subscription = fetchHttpClient(fetch)({ method: 'GET', url: 'https://a/1', headers: {} }).subscribe();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.signal.aborted).toBe(false);
    subscription.unsubscribe();
    expect(calls[0]!.signal.aborted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 5));
  });

  it('F3 two requests get two controllers', () => {
    const { calls, fetch } = recordingFetch();
    const http = fetchHttpClient(fetch);
    const a = http({ method: 'GET', url: 'https://a/1', headers: {} }).subscribe();
    const b = http({ method: 'GET', url: 'https://a/2', headers: {} }).subscribe();
    a.unsubscribe();
    expect(calls[0]!.signal.aborted).toBe(true);
    expect(calls[1]!.signal.aborted).toBe(false);
    b.unsubscribe();
  });

  it('F3 a request whose body was read is not aborted afterwards (the kept-alive connection stays usable)', async () => {
    const signals: AbortSignal[] = [];
    const spy: FetchLike = (url, init) => {
      signals.push(init.signal);
      return (globalThis.fetch as unknown as FetchLike)(url, init);
    };
    const response = await firstValueFrom(fetchHttpClient(spy)({ method: 'GET', url: `${base}/json`, headers: {} }));
    expect(response.status).toBe(200);
    expect(signals).toHaveLength(1);
    expect(signals[0]!.aborted).toBe(false);
  });

  it('F3/T6 unsubscribing a tracker mid-request aborts it, and no request starts after', async () => {
    const { calls, fetch } = recordingFetch();
    const subscription = trackOperation({ method: 'PUT', url: 'https://management.azure.com/r?api-version=1' }, { fetch }).subscribe();
    expect(calls).toHaveLength(1);
    subscription.unsubscribe();
    expect(calls[0]!.signal.aborted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(calls).toHaveLength(1);
  });

  it('F3 unsubscribing during the wait between polls sends nothing more (real timers)', async () => {
    const urls: string[] = [];
    const fetch: FetchLike = async (url) => {
      urls.push(url);
      return new Response('', {
        status: 202,
        headers: { location: 'https://management.azure.com/op?api-version=1', 'retry-after-ms': '20' },
      }) as never;
    };
    const seen: number[] = [];
    await new Promise<void>((resolve) => {
      const subscription = trackOperation({ method: 'DELETE', url: 'https://management.azure.com/r?api-version=1' }, { fetch }).subscribe(
        (s) => {
          seen.push(s.polls);
          if (s.polls === 2) {
            subscription.unsubscribe();
            resolve();
          }
        },
      );
    });
    // Polls come every 20 ms: had the unsubscribe not stopped them, more would have gone by now.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(seen).toEqual([0, 1, 2]);
    expect(urls).toHaveLength(3);
  });

  it('a tracker over a real server ends with the last snapshot (lastValueFrom)', async () => {
    const last = await lastValueFrom(trackOperation({ method: 'PUT', url: `${base}/echo` }));
    expect(last).toMatchObject({ state: 'succeeded', httpStatus: 200, result: { method: 'PUT' } });
  });
});
