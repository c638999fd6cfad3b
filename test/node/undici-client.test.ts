// rx-lro/node: the transport over undici's `request`, against real servers on 127.0.0.1; the same
// cases as nodeHttpClient's, and the same responses.
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { Agent, interceptors, request, type Dispatcher } from 'undici';
import { describe, expect, it } from 'vitest';
import { NetworkError, ProtocolError, trackOperation, type HttpRequest } from '../../src/index';
import { nodeHttpClient, undiciHttpClient, type UndiciRequestLike } from '../../src/node/index';
import { startSimulator } from '../../src/testing/index';
import { useTransportServer } from '../support/transport-server';

const transport = useTransportServer();

const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => new Error('expected an error'),
    (e: unknown) => e,
  );

describe('undiciHttpClient (rx-lro/node)', () => {
  const http = undiciHttpClient(request);
  const get = (path: string, client = http) =>
    firstValueFrom(client({ method: 'GET', url: `${transport().base}${path}`, headers: { accept: 'application/json' } }));

  it('parses a JSON body, lower-case headers, repeated headers joined', async () => {
    const response = await get('/json');
    expect(response).toMatchObject({ status: 200, body: { status: 'Running', n: 1 } });
    expect(response.headers['azure-asyncoperation']).toBe('https://x/op');
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['set-cookie']).toBe('a=1, b=2');
    expect(Object.keys(response.headers).every((name) => name === name.toLowerCase())).toBe(true);
  });

  it('gives the same responses as nodeHttpClient', async () => {
    const node = nodeHttpClient();
    const send = (client: typeof http, r: HttpRequest) =>
      firstValueFrom(client(r)).then(({ headers: { date: _date, ...headers }, ...rest }) => ({ ...rest, headers }));
    const requests: HttpRequest[] = [
      { method: 'GET', url: `${transport().base}/json`, headers: {} },
      { method: 'GET', url: `${transport().base}/html`, headers: {} },
      { method: 'GET', url: `${transport().base}/redirect`, headers: {} },
      { method: 'GET', url: `${transport().base}/nothing`, headers: {} },
      { method: 'POST', url: `${transport().base}/echo`, headers: { authorization: 'Bearer t' }, body: '{"a":"é"}' },
    ];
    for (const r of requests) expect(await send(http, r)).toEqual(await send(node, r));
  });

  it('F2 keeps a non-JSON body as an excerpt; a body over the cap is a ProtocolError', async () => {
    const html = await get('/html');
    expect(html).toMatchObject({ status: 502, rawBody: '<html>Bad gateway</html>' });
    expect(html.body).toBeUndefined();
    const error = await failure(get('/big', undiciHttpClient(request, { maxBodyBytes: 2000 })));
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ rule: 'F2' });
    expect((await get('/big', undiciHttpClient(request, { maxBodyBytes: 20_000 }))).body).toEqual({ pad: 'y'.repeat(10_000) });
  });

  it('F2 a body over the cap is dropped, not read to its end: the stream is destroyed', async () => {
    const bodies: Array<{ destroyed?: boolean }> = [];
    const spy: UndiciRequestLike<Dispatcher> = async (url, init) => {
      const response = await request(url, init);
      bodies.push(response.body);
      return response;
    };
    const capped = undiciHttpClient(spy, { maxBodyBytes: 2000 });
    for (const path of ['/declared-big', '/endless']) {
      const error = await failure(get(path, capped));
      expect(error, path).toBeInstanceOf(ProtocolError);
      expect(error, path).toMatchObject({ rule: 'F2' });
      // The server sees its response abandoned (an endless body would otherwise never end).
      await transport().closedEarly.get(path);
    }
    expect(bodies.map((b) => b.destroyed)).toEqual([true, true]);
  });

  it('F2 a body cut short is a NetworkError', async () => {
    const error = await failure(get('/cut'));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: 'network', method: 'GET', url: `${transport().base}/cut` });
  });

  it('S1 a redirect comes back as it is, for rx-lro to follow through its origin rules', async () => {
    expect(await get('/redirect')).toMatchObject({ status: 307, headers: { location: '/json' } });
  });

  it('S1 a redirect comes back as it is even through a dispatcher composed with the redirect interceptor', async () => {
    const dispatcher = new Agent().compose(interceptors.redirect({ maxRedirections: 3 }));
    try {
      expect(await get('/redirect', undiciHttpClient(request, { dispatcher }))).toMatchObject({
        status: 307,
        headers: { location: '/json' },
      });
    } finally {
      await dispatcher.close();
    }
  });

  it('sends the method, body and headers it is given', async () => {
    const response = await firstValueFrom(
      http({ method: 'PUT', url: `${transport().base}/echo`, headers: { authorization: 'Bearer t' }, body: '{"a":"é"}' }),
    );
    expect(response.body).toEqual({ method: 'PUT', body: '{"a":"é"}', auth: 'Bearer t', length: '10' });
  });

  it('F3 unsubscribing aborts the request in flight, before and during the body, with no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      // Before the response: once the server has the request. During the body: once the client has the headers.
      let headersIn: () => void = () => undefined;
      const spy: UndiciRequestLike<Dispatcher> = (url, init) =>
        request(url, init).then((response) => {
          headersIn();
          return response;
        });
      const client = undiciHttpClient(spy);
      for (const path of ['/hang', '/hang-in-body']) {
        const seen = path === '/hang' ? transport().arrival(path) : new Promise<void>((resolve) => (headersIn = resolve));
        const events: string[] = [];
        const subscription = client({ method: 'GET', url: `${transport().base}${path}`, headers: {} }).subscribe({
          next: () => events.push('next'),
          error: () => events.push('error'),
          complete: () => events.push('complete'),
        });
        await seen;
        subscription.unsubscribe();
        // The server sees the client go away: the request was aborted, not left to hang.
        await transport().closedEarly.get(path);
        await new Promise((resolve) => setImmediate(resolve));
        expect(events, path).toEqual([]);
      }
    } finally {
      process.off('unhandledRejection', record);
    }
    expect(unhandled).toEqual([]);
  });

  it('refused connections and URLs it cannot send to are NetworkErrors', async () => {
    for (const url of ['http://127.0.0.1:1/x', 'not a url', 'ftp://127.0.0.1/x']) {
      const error = await failure(firstValueFrom(http({ method: 'GET', url, headers: {} })));
      expect(error, url).toBeInstanceOf(NetworkError);
    }
  });

  it('sends nothing before subscribe, and one request per subscription', async () => {
    let calls = 0;
    const counting: UndiciRequestLike<Dispatcher> = (url, init) => {
      calls += 1;
      return request(url, init);
    };
    const response$ = undiciHttpClient(counting)({ method: 'GET', url: `${transport().base}/json`, headers: {} });
    expect(calls).toBe(0);
    await firstValueFrom(response$);
    await firstValueFrom(response$);
    expect(calls).toBe(2);
  });

  it('keeps connections alive: ten sequential requests, each after a timer as polls are, reuse one socket of its dispatcher', async () => {
    const dispatcher = new Agent();
    try {
      const before = transport().sockets.size;
      const client = undiciHttpClient(request, { dispatcher });
      // undici frees a connection a tick after its body ends: a request sent in the same tick opens another.
      for (let i = 0; i < 10; i++) {
        await firstValueFrom(client({ method: 'GET', url: `${transport().base}/json`, headers: {} }));
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      expect(transport().sockets.size - before).toBe(1);
    } finally {
      await dispatcher.close();
    }
  });

  it('tracks an operation on the simulator end to end', async () => {
    const sim = await startSimulator({ defaults: { polls: 2 } });
    try {
      const url = `${sim.url}/subscriptions/s/resourceGroups/rg/providers/Microsoft.Test/widgets/w1?api-version=1`;
      const last = await lastValueFrom(trackOperation({ method: 'PUT', url, body: {} }, { http: undiciHttpClient(request), delay: 5 }));
      expect(last).toMatchObject({ state: 'succeeded', polls: 3 });
    } finally {
      await sim.close();
    }
  });

  it('rejects bad arguments with a TypeError', () => {
    const loose = undiciHttpClient as unknown as (request: unknown, options?: unknown) => unknown;
    expect(() => loose(undefined)).toThrow(TypeError);
    expect(() => loose({ request })).toThrow(/expects undici's request function, got object/);
    expect(() => loose(request, null)).toThrow(/expects an options object/);
    for (const maxBodyBytes of [0, -1, Number.NaN, Infinity, '1000'])
      expect(() => loose(request, { maxBodyBytes })).toThrow(/maxBodyBytes must be a positive finite number/);
    expect(() => loose(request, { dispatcher: 'agent' })).toThrow(/dispatcher must be an undici Dispatcher/);
  });
});
