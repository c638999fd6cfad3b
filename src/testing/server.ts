import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { SimulatorHandler } from './handler';
import { RequestLog } from './request-log';
import type { Origins } from './responses';
import { validateScript } from './script';
import type { Simulator, SimulatorOptions } from './types';

const LOOPBACK_HOSTS: Record<string, string> = { '127.0.0.1': '127.0.0.1', localhost: '127.0.0.1', '::1': '::1', '[::1]': '::1' };
const DEFAULT_LOG_LIMIT = 10_000;

function checkPort(name: string, port: unknown): number {
  if (port === undefined) return 0;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`rx-lro/testing: options.${name} must be an integer 0–65535, got ${JSON.stringify(port)}`);
  }
  return port;
}

/** The loopback address to bind; the simulator plays faults on purpose and must never face a network. */
export function loopbackAddress(host: string | undefined): string {
  const address = LOOPBACK_HOSTS[(host ?? '127.0.0.1').toLowerCase()];
  if (address === undefined) {
    throw new TypeError(`rx-lro/testing: options.host must be a loopback host (127.0.0.1, ::1 or localhost), got ${JSON.stringify(host)}`);
  }
  return address;
}

function listen(server: Server, port: number, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, address, () => {
      server.off('error', onError);
      const bound = server.address();
      resolve(typeof bound === 'object' && bound !== null ? bound.port : port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
  });
}

/**
 * Resolves after libuv's close-callbacks phase has run once: `server.close()` reports before its handle is
 * released, and callers (tests checking `process.getActiveResourcesInfo()`) should see nothing left.
 */
async function afterCloseCallbacks(): Promise<void> {
  // The first turn lands in the check phase that precedes this loop iteration's close callbacks; the second follows them.
  await new Promise<void>((resolve) => setImmediate(resolve));
  await new Promise<void>((resolve) => setImmediate(resolve));
}

/** The simulator's timers, every one of them cleared on close. */
function timerSet(): { schedule: (ms: number, fn: () => void) => () => void; clearAll: () => void } {
  const timers = new Set<NodeJS.Timeout>();
  return {
    schedule: (ms, fn) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        fn();
      }, ms);
      timers.add(timer);
      return () => {
        clearTimeout(timer);
        timers.delete(timer);
      };
    },
    clearAll: () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

/** One listener of the simulator; its sockets are kept in `sockets`, so that close can end them. */
function serverFor(handler: SimulatorHandler, listener: 'main' | 'other-origin', sockets: Set<Socket>): Server {
  const server = createServer((req, res) => handler.handle(req, res, listener));
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A client that hangs up mid-request must not crash the test process.
  server.on('clientError', (_error, socket: Socket) => socket.destroy());
  return server;
}

/**
 * Starts the Azure long-running-operation simulator: two `node:http` listeners on loopback (the main
 * origin and `otherOriginUrl`) that play the scripted patterns, outcomes and faults.
 *
 * @example
 * const sim = await startSimulator({ scenarios: { '/subscriptions/s/resourceGroups/rg/providers/P/things/a': { durationMs: 100 } } });
 * const res = await fetch(`${sim.url}/subscriptions/s/resourceGroups/rg/providers/P/things/a?api-version=2020-01-01`, { method: 'PUT' });
 * res.headers.get('azure-asyncoperation'); // the status monitor
 * await sim.close();
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const port = checkPort('port', options.port);
  const otherPort = checkPort('otherOriginPort', options.otherOriginPort);
  const address = loopbackAddress(options.host);
  const limit = options.maxRecordedRequests ?? DEFAULT_LOG_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new TypeError(`rx-lro/testing: options.maxRecordedRequests must be an integer >= 1, got ${JSON.stringify(limit)}`);
  }
  const defaults = options.defaults ?? {};
  validateScript(defaults, 'options.defaults');

  const t0 = performance.now();
  const log = new RequestLog(limit);
  const timers = timerSet();
  const sockets = new Set<Socket>();
  let origins: Origins = { main: '', other: '' };
  const handler = new SimulatorHandler(
    { log, clock: () => performance.now() - t0, origins: () => origins, schedule: timers.schedule },
    defaults,
  );
  for (const [path, script] of Object.entries(options.scenarios ?? {})) handler.define(path, script);
  const main = serverFor(handler, 'main', sockets);
  const other = serverFor(handler, 'other-origin', sockets);
  const hostInUrl = address.includes(':') ? `[${address}]` : address;
  try {
    const mainPort = await listen(main, port, address);
    const otherOriginPort = await listen(other, otherPort, address);
    origins = { main: `http://${hostInUrl}:${mainPort}`, other: `http://${hostInUrl}:${otherOriginPort}` };
  } catch (error) {
    await Promise.all([closeServer(main), closeServer(other)]);
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    url: origins.main,
    otherOriginUrl: origins.other,
    requests: log.view,
    define: (path, script) => handler.define(path, script),
    reset: () => {
      log.clear();
      handler.reset();
    },
    close: () => {
      closing ??= (async () => {
        timers.clearAll();
        const closed = Promise.all([closeServer(main), closeServer(other)]);
        // server.close() waits for keep-alive sockets to time out; destroying them ends it now.
        for (const socket of sockets) socket.destroy();
        sockets.clear();
        await closed;
        await afterCloseCallbacks();
      })();
      return closing;
    },
  };
}
