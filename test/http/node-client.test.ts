// rx-lro/node: the Node transport over node:http with kept-alive connections, against a real server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkError, ProtocolError, trackOperation } from '../../src/index';
import { nodeHttpClient } from '../../src/node/index';
import { startSimulator } from '../../src/testing/index';

let server: Server;
let base: string;
const sockets = new Set<unknown>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/json') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Azure-AsyncOperation': 'https://x/op', 'Set-Cookie': ['a=1', 'b=2'] });
      res.end(JSON.stringify({ status: 'Running', n: 1 }));
    } else if (path === '/html') {
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end('<html>Bad gateway</html>');
    } else if (path === '/big') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      for (let i = 0; i < 10; i++) res.write(`${i === 0 ? '{"pad":"' : ''}${'y'.repeat(1000)}`);
      res.end('"}');
    } else if (path === '/cut') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
      res.write('{"status":"Running","pad":"', () => res.destroy());
    } else if (path === '/redirect') {
      res.writeHead(307, { Location: '/json' });
      res.end();
    } else if (path === '/slow') {
      setTimeout(() => res.end('{}'), 5_000).unref();
    } else if (path === '/echo') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ method: req.method, body, auth: req.headers.authorization }));
      });
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  server.on('connection', (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('nodeHttpClient (rx-lro/node)', () => {
  const http = nodeHttpClient();
  const get = (path: string) => firstValueFrom(http({ method: 'GET', url: `${base}${path}`, headers: { accept: 'application/json' } }));

  it('parses a JSON body, lower-case headers, repeated headers joined', async () => {
    const response = await get('/json');
    expect(response).toMatchObject({ status: 200, body: { status: 'Running', n: 1 } });
    expect(response.headers['azure-asyncoperation']).toBe('https://x/op');
    expect(response.headers['set-cookie']).toBe('a=1, b=2');
  });

  it('F2 keeps a non-JSON body as an excerpt; a body over the cap is a ProtocolError', async () => {
    expect(await get('/html')).toMatchObject({ status: 502, rawBody: '<html>Bad gateway</html>' });
    const capped = nodeHttpClient({ maxBodyBytes: 2000 });
    const error = await firstValueFrom(capped({ method: 'GET', url: `${base}/big`, headers: {} })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
  });

  it('F2 a body cut short is a NetworkError at once (no stall timer needed)', async () => {
    const started = Date.now();
    const error = await get('/cut').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('S1 a redirect comes back as it is, for rx-lro to follow through its origin rules', async () => {
    expect(await get('/redirect')).toMatchObject({ status: 307, headers: { location: '/json' } });
  });

  it('sends the method, body and headers it is given', async () => {
    const response = await firstValueFrom(
      http({ method: 'PUT', url: `${base}/echo`, headers: { authorization: 'Bearer t' }, body: '{"a":"é"}' }),
    );
    expect(response.body).toEqual({ method: 'PUT', body: '{"a":"é"}', auth: 'Bearer t' });
  });

  it('F3 unsubscribing destroys the request in flight; refused connections are NetworkErrors', async () => {
    const subscription = http({ method: 'GET', url: `${base}/slow`, headers: {} }).subscribe();
    await new Promise((resolve) => setTimeout(resolve, 50));
    subscription.unsubscribe();
    const refused = await firstValueFrom(http({ method: 'GET', url: 'http://127.0.0.1:1/x', headers: {} })).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NetworkError);
  });

  it('keeps connections alive: ten sequential requests reuse one socket', async () => {
    const before = sockets.size;
    const client = nodeHttpClient();
    for (let i = 0; i < 10; i++) await firstValueFrom(client({ method: 'GET', url: `${base}/json`, headers: {} }));
    expect(sockets.size - before).toBe(1);
  });

  it('tracks an operation on the simulator end to end', async () => {
    const sim = await startSimulator({ defaults: { polls: 2 } });
    try {
      const url = `${sim.url}/subscriptions/s/resourceGroups/rg/providers/Microsoft.Test/widgets/w1?api-version=1`;
      const last = await lastValueFrom(trackOperation({ method: 'PUT', url, body: {} }, { http: nodeHttpClient(), delay: 5 }));
      expect(last).toMatchObject({ state: 'succeeded', polls: 3 });
    } finally {
      await sim.close();
    }
  });

  it('rejects bad options with a TypeError', () => {
    expect(() => nodeHttpClient({ maxSockets: 0 })).toThrow(/maxSockets must be a positive finite number/);
  });
});
