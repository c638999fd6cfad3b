// rx-lro/node: the Node transport over node:http with kept-alive connections, against a real server.
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { NetworkError, ProtocolError, trackOperation } from '../../src/index';
import { nodeHttpClient } from '../../src/node/index';
import { startSimulator } from '../../src/testing/index';
import { useTransportServer } from '../support/transport-server';

const transport = useTransportServer();

describe('nodeHttpClient (rx-lro/node)', () => {
  const http = nodeHttpClient();
  const get = (path: string) =>
    firstValueFrom(http({ method: 'GET', url: `${transport().base}${path}`, headers: { accept: 'application/json' } }));

  it('parses a JSON body, lower-case headers, repeated headers joined', async () => {
    const response = await get('/json');
    expect(response).toMatchObject({ status: 200, body: { status: 'Running', n: 1 } });
    expect(response.headers['azure-asyncoperation']).toBe('https://x/op');
    expect(response.headers['set-cookie']).toBe('a=1, b=2');
  });

  it('F2 keeps a non-JSON body as an excerpt; a body over the cap is a ProtocolError', async () => {
    expect(await get('/html')).toMatchObject({ status: 502, rawBody: '<html>Bad gateway</html>' });
    const capped = nodeHttpClient({ maxBodyBytes: 2000 });
    const error = await firstValueFrom(capped({ method: 'GET', url: `${transport().base}/big`, headers: {} })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
  });

  it('F2 a body cut short is a NetworkError at once (no stall timer needed)', async () => {
    // The client's only timer (the idle socket timeout) is set 10 minutes away, so within the test's
    // time only the cut itself can end the request: a client that waited on a timer would time out.
    const patient = nodeHttpClient({ idleTimeoutMs: 600_000 });
    const error = await firstValueFrom(patient({ method: 'GET', url: `${transport().base}/cut`, headers: {} })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
  }, 10_000);

  it('S1 a redirect comes back as it is, for rx-lro to follow through its origin rules', async () => {
    expect(await get('/redirect')).toMatchObject({ status: 307, headers: { location: '/json' } });
  });

  it('sends the method, body and headers it is given', async () => {
    const response = await firstValueFrom(
      http({ method: 'PUT', url: `${transport().base}/echo`, headers: { authorization: 'Bearer t' }, body: '{"a":"é"}' }),
    );
    expect(response.body).toEqual({ method: 'PUT', body: '{"a":"é"}', auth: 'Bearer t', length: '10' });
  });

  it('F3 unsubscribing destroys the request in flight; refused connections are NetworkErrors', async () => {
    const arrived = transport().arrival('/hang');
    const seen: unknown[] = [];
    const subscription = http({ method: 'GET', url: `${transport().base}/hang`, headers: {} }).subscribe({
      next: (v) => seen.push(v),
      error: (e: unknown) => seen.push(e),
    });
    await arrived;
    subscription.unsubscribe();
    // The server sees the connection go; the subscriber hears nothing more.
    await transport().closedEarly.get('/hang');
    expect(seen).toEqual([]);
    const refused = await firstValueFrom(http({ method: 'GET', url: 'http://127.0.0.1:1/x', headers: {} })).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NetworkError);
  });

  it('keeps connections alive: ten sequential requests reuse one socket', async () => {
    const before = transport().sockets.size;
    const client = nodeHttpClient();
    for (let i = 0; i < 10; i++) await firstValueFrom(client({ method: 'GET', url: `${transport().base}/json`, headers: {} }));
    expect(transport().sockets.size - before).toBe(1);
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
