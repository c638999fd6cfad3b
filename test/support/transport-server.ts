// A real HTTP server on 127.0.0.1 for the transport tests: bodies of every kind, cuts, redirects,
// requests that hang, and a record of the sockets it accepted and the responses a client dropped.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

export interface TransportServer {
  base: string;
  /** Every socket the server accepted. */
  sockets: Set<unknown>;
  /** Responses the server gave up on because the client went away, by path: resolved when that happens. */
  closedEarly: Map<string, Promise<void>>;
  /** Resolves once the server has received a request for `path`. */
  arrival(path: string): Promise<void>;
  close(): Promise<void>;
}

export async function startTransportServer(): Promise<TransportServer> {
  const sockets = new Set<unknown>();
  const closedEarly = new Map<string, Promise<void>>();
  const arrived = new Map<string, () => void>();
  const watchClose = (path: string, res: ServerResponse): void => {
    closedEarly.set(path, new Promise((resolve) => res.on('close', () => !res.writableFinished && resolve())));
    arrived.get(path)?.();
  };
  const server = createServer((req, res) => {
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
    } else if (path === '/declared-big') {
      watchClose(path, res);
      // Declares more than the cap, sends a little, then waits: only a client that drops it ends it.
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '5000' });
      res.write('{"pad":"');
    } else if (path === '/endless') {
      watchClose(path, res);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"pad":"');
      const timer = setInterval(() => res.write('z'.repeat(500)), 5);
      res.on('close', () => clearInterval(timer));
    } else if (path === '/cut') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
      res.write('{"status":"Running","pad":"', () => res.destroy());
    } else if (path === '/redirect') {
      res.writeHead(307, { Location: '/json' });
      res.end();
    } else if (path === '/hang') {
      watchClose(path, res);
    } else if (path === '/hang-in-body') {
      watchClose(path, res);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"status":');
    } else if (path === '/echo') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ method: req.method, body, auth: req.headers.authorization, length: req.headers['content-length'] }));
      });
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  server.on('connection', (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sockets,
    closedEarly,
    arrival: (path) => new Promise((resolve) => arrived.set(path, resolve)),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** One server for a test file, started before its tests and closed after; the getter gives it. */
export function useTransportServer(): () => TransportServer {
  let server: TransportServer | undefined;
  beforeAll(async () => {
    server = await startTransportServer();
  });
  afterAll(() => server?.close());
  return () => {
    if (!server) throw new Error('transport server not started');
    return server;
  };
}
