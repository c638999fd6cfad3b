// S1 redirects over real HTTP: rx-lro follows them itself, so each hop passes the origin rules and a
// redirect can never carry the credentials to another origin (fetch's own redirect handling would:
// node-fetch keeps `authorization` for the same host on another port).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import crossFetch from 'cross-fetch';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchHttpClient, trackOperation, type FetchLike, type HttpClient, type OperationSnapshot } from '../../src/index';

interface Seen {
  server: 'trusted' | 'other';
  method: string;
  path: string;
  authorization?: string;
}

let trusted: Server;
let other: Server;
let trustedUrl: string;
let otherUrl: string;
const seen: Seen[] = [];

function record(server: Seen['server'], req: IncomingMessage): void {
  const entry: Seen = { server, method: req.method ?? '', path: req.url ?? '' };
  if (req.headers.authorization !== undefined) entry.authorization = req.headers.authorization;
  seen.push(entry);
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  trusted = createServer((req, res) => {
    record('trusted', req);
    const [path, query] = (req.url ?? '/').split('?');
    const to = new URLSearchParams(query).get('to') ?? 'other';
    if (req.method === 'PUT') {
      // The monitor's URL says where its first GET is redirected to.
      res.writeHead(201, { 'Azure-AsyncOperation': `${trustedUrl}/op?to=${to}`, 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ properties: { provisioningState: 'Accepted' } }));
    } else if (path === '/op' && to === 'other') {
      res.writeHead(307, { Location: `${otherUrl}/op` });
      res.end();
    } else if (path === '/op' && to === 'same') {
      res.writeHead(302, { Location: '/op-moved' });
      res.end();
    } else if (path === '/op' && to === 'loop') {
      res.writeHead(307, { Location: `/op?to=loop` });
      res.end();
    } else if (path === '/op-moved') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ status: 'Succeeded' }));
    } else {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ name: 'thing', path }));
    }
  });
  other = createServer((req, res) => {
    record('other', req);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ status: 'Succeeded' }));
  });
  trustedUrl = await listen(trusted);
  otherUrl = await listen(other);
});

afterAll(async () => {
  for (const server of [trusted, other]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const clients: Array<[string, HttpClient | undefined]> = [
  ['cross-fetch', fetchHttpClient(crossFetch as unknown as FetchLike)],
  ['the global fetch', fetchHttpClient(globalThis.fetch as unknown as FetchLike)],
];

for (const [name, http] of clients) {
  describe(`S1 redirects with ${name}`, () => {
    const run = async (to: string, extra: Parameters<typeof trackOperation>[1] = {}) => {
      const tag = `${name}-${to}-${Math.random()}`;
      const options = {
        delay: 1,
        retry: false as const,
        authorize: () => ({ authorization: `Bearer ${tag}` }),
        ...(http ? { http } : {}),
        ...extra,
      };
      const outcome: { snapshots: OperationSnapshot[]; error?: unknown } = { snapshots: [] };
      try {
        outcome.snapshots = await lastValueFrom(
          trackOperation({ method: 'PUT', url: `${trustedUrl}/things/1?to=${to}` }, options).pipe(toArray()),
        );
      } catch (error) {
        outcome.error = error;
      }
      return { ...outcome, seen: seen.filter((s) => s.authorization === `Bearer ${tag}`) };
    };

    it('S1 a poll redirected to another origin is a SecurityError; the other origin receives nothing', async () => {
      const before = seen.filter((s) => s.server === 'other').length;
      const { error } = await run('other');
      expect(error).toMatchObject({ name: 'SecurityError', code: 'security' });
      expect(seen.filter((s) => s.server === 'other').length).toBe(before);
    });

    it('S1 a redirect within the origin is followed with the credentials; polls counts the hop', async () => {
      const { snapshots, error, seen: mine } = await run('same');
      expect(error).toBeUndefined();
      expect(snapshots.at(-1)).toMatchObject({ state: 'succeeded', polls: 3, result: { name: 'thing', path: '/things/1' } });
      expect(mine.map((s) => `${s.method} ${s.path.split('?')[0]}`)).toEqual([
        'PUT /things/1',
        'GET /op',
        'GET /op-moved',
        'GET /things/1',
      ]);
    });

    it('S1 allowedOrigins lets a redirect reach the allowed origin', async () => {
      const before = seen.filter((s) => s.server === 'other').length;
      const { snapshots, error } = await run('other', { allowedOrigins: [otherUrl] });
      expect(error).toBeUndefined();
      expect(snapshots.at(-1)).toMatchObject({ state: 'succeeded' });
      expect(seen.filter((s) => s.server === 'other').length).toBe(before + 1);
    });

    it('a redirect loop ends after five hops with an HttpError, not a hang', async () => {
      const { error, seen: mine } = await run('loop');
      expect(error).toMatchObject({ name: 'HttpError', status: 307 });
      expect(mine.filter((s) => s.path.startsWith('/op'))).toHaveLength(6);
    });
  });
}
