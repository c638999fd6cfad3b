// The default transport: the platform's fetch wherever there is one, cross-fetch only where there is
// none, loaded then and not before (so that a bundle for a platform with fetch never holds it).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fetchHttpClient, trackOperation } from '../../src/index';

// Counts what goes through cross-fetch, and whether it was loaded at all.
const crossFetchUse = vi.hoisted(() => ({ loaded: 0, calls: 0 }));
vi.mock('cross-fetch', async (importOriginal) => {
  crossFetchUse.loaded += 1;
  const actual = (await importOriginal()) as { default: typeof fetch };
  const counted = (input: string, init?: RequestInit): Promise<Response> => {
    crossFetchUse.calls += 1;
    return actual.default(input, init);
  };
  return { default: counted, fetch: counted };
});

let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ status: 'Succeeded', path: req.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the default fetch', () => {
  it('is the global fetch, looked up at each request, while cross-fetch is not even loaded', async () => {
    const platform = globalThis.fetch;
    const sent: string[] = [];
    vi.stubGlobal('fetch', (input: string, init?: RequestInit) => {
      sent.push(input);
      return platform(input, init);
    });
    const response = await firstValueFrom(fetchHttpClient()({ method: 'GET', url: `${base}/one`, headers: {} }));
    expect(response.body).toEqual({ status: 'Succeeded', path: '/one' });
    const last = await lastValueFrom(trackOperation({ method: 'PUT', url: `${base}/two` }));
    expect(last.state).toBe('succeeded');
    expect(sent).toEqual([`${base}/one`, `${base}/two`]);
    expect(crossFetchUse).toEqual({ loaded: 0, calls: 0 });
  });

  it('is cross-fetch where there is no global fetch, loaded once on the first request', async () => {
    vi.stubGlobal('fetch', undefined);
    const http = fetchHttpClient();
    expect(crossFetchUse.loaded).toBe(0);
    const response = await firstValueFrom(http({ method: 'GET', url: `${base}/three`, headers: {} }));
    expect(response.body).toEqual({ status: 'Succeeded', path: '/three' });
    const last = await lastValueFrom(trackOperation({ method: 'PUT', url: `${base}/four` }));
    expect(last.state).toBe('succeeded');
    expect(crossFetchUse).toEqual({ loaded: 1, calls: 2 });
  });
});
