// One benchmark run in its own process; prints one JSON line.
//
//   node --expose-gc bench/client.mjs <client> <N> <simulator URL>
//
// N concurrent operations against the simulator at URL, through one client. Each rx-lro transport has
// its loop: the least a correct client of this one pattern must do, written by hand over the very same
// transport, so that the ratio of the two is rx-lro's own cost and nothing of the transport's.
//
//   loop-fetch, rx-lro-fetch, core-lro   Node's global fetch (loop-fetch-abortable: the loop with an
//                                        AbortSignal per request and redirect: 'manual')
//   loop-undici, rx-lro-undici           undici's pooled `request` (its global dispatcher)
//   loop-node, rx-lro-node               node:http with a kept-alive agent
//
//   node --expose-gc bench/client.mjs <mem-loop|mem-rx-lro> <N>
//
// The in-memory run: no network at all. Both clients get the same responses from the same in-memory
// service, each one macrotask (setImmediate) after its request, and wait with one timer per wait:
// what is left is each client's own work.
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { PerformanceObserver } from 'node:perf_hooks';
import { clearImmediate, setImmediate } from 'node:timers';
import { Observable, lastValueFrom } from 'rxjs';
import { trackOperation } from 'rx-lro';
import { nodeHttpClient, undiciHttpClient } from 'rx-lro/node';

const [client, nText, base] = process.argv.slice(2);
const N = Number(nText);
const DURATION_MS = 2000;
const INTERVAL_MS = 200;
// The warm-up runs the same code paths on short operations: compiled, not timed. BENCH_WARM sets how
// many operations (default 20); a few thousand let the JIT finish optimizing both clients' code.
const WARM = { durationMs: 300, intervalMs: 30, operations: Number(process.env.BENCH_WARM ?? 20) };
let requests = 0;

const opUrl = (i, tag, { durationMs, intervalMs } = { durationMs: DURATION_MS, intervalMs: INTERVAL_MS }) =>
  `${base}/subscriptions/bench-${tag}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm${i}/start?api-version=2024-07-01&sim-duration=${durationMs}&sim-retry-after=ms:${intervalMs}`;

const TERMINAL = new Set(['succeeded', 'failed', 'canceled', 'cancelled']);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const isTerminal = (status) => TERMINAL.has(String(status).toLowerCase());
// Retry-After as the loops read it: the simulator's `retry-after-ms`, else `retry-after` in seconds.
function waitOf(get) {
  const ms = get('retry-after-ms');
  if (ms != null && Number.isFinite(Number(ms))) return Number(ms);
  const s = get('retry-after');
  return s != null && Number.isFinite(Number(s)) ? Number(s) * 1000 : INTERVAL_MS;
}

// --- The loops, one per transport ---------------------------------------------------------------

// `abortable`: each request with its own AbortSignal and redirects left to the caller, as a client
// that can be cancelled mid-request and checks where a redirect goes (what rx-lro's fetch client does).
function fetchLoop(abortable = false) {
  const send = (url, init) => {
    requests += 1;
    return fetch(url, abortable ? { ...init, signal: new AbortController().signal, redirect: 'manual' } : init);
  };
  return async (url) => {
    const first = await send(url, { method: 'POST', headers: { accept: 'application/json' } });
    const monitor = new URL(first.headers.get('azure-asyncoperation'), url).href;
    let wait = waitOf((name) => first.headers.get(name));
    await first.arrayBuffer();
    for (;;) {
      await sleep(wait);
      const response = await send(monitor, { headers: { accept: 'application/json' } });
      const body = await response.json();
      if (isTerminal(body.status)) return body.status;
      wait = waitOf((name) => response.headers.get(name));
    }
  };
}

function undiciLoop(request) {
  const send = (url, options) => {
    requests += 1;
    return request(url, options);
  };
  return async (url) => {
    const first = await send(url, { method: 'POST', headers: { accept: 'application/json' } });
    const monitor = new URL(first.headers['azure-asyncoperation'], url).href;
    let wait = waitOf((name) => first.headers[name]);
    await first.body.dump();
    for (;;) {
      await sleep(wait);
      const response = await send(monitor, { method: 'GET', headers: { accept: 'application/json' } });
      const body = await response.body.json();
      if (isTerminal(body.status)) return body.status;
      wait = waitOf((name) => response.headers[name]);
    }
  };
}

function nodeLoop() {
  // As nodeHttpClient() sets its pool up.
  const agent = new HttpAgent({ keepAlive: true, maxSockets: 256, timeout: 15_000 });
  const send = (method, url) =>
    new Promise((resolve, reject) => {
      requests += 1;
      const req = httpRequest(url, { method, headers: { accept: 'application/json' }, agent }, (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => resolve({ headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  return async (url) => {
    const first = await send('POST', url);
    const monitor = new URL(first.headers['azure-asyncoperation'], url).href;
    let wait = waitOf((name) => first.headers[name]);
    for (;;) {
      await sleep(wait);
      const response = await send('GET', monitor);
      const body = JSON.parse(response.text);
      if (isTerminal(body.status)) return body.status;
      wait = waitOf((name) => response.headers[name]);
    }
  };
}

// --- The clients over them ----------------------------------------------------------------------

async function toOperationResponse(response, method, url) {
  const text = await response.text();
  const headers = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  const body = text === '' ? undefined : JSON.parse(text);
  return { flatResponse: body, rawResponse: { statusCode: response.status, headers, body, request: { method, url } } };
}

// @azure/core-lro's poller over the global fetch: a reference, not a loop.
async function coreLro() {
  const { createHttpPoller } = await import('@azure/core-lro');
  const send = (url, init) => {
    requests += 1;
    return fetch(url, init);
  };
  return async (url) => {
    const poller = createHttpPoller(
      {
        sendInitialRequest: async () =>
          toOperationResponse(await send(url, { method: 'POST', headers: { accept: 'application/json' } }), 'POST', url),
        sendPollRequest: async (path) => toOperationResponse(await send(path, { headers: { accept: 'application/json' } }), 'GET', path),
      },
      { intervalInMs: INTERVAL_MS, baseUrl: base, resolveOnUnsuccessful: true },
    );
    await poller.pollUntilDone();
    return poller.operationState?.status;
  };
}

// rx-lro's trackOperation over an HttpClient, every request counted.
function rxLroOver(http) {
  const counted = (request) => {
    requests += 1;
    return http(request);
  };
  return async (url) => (await lastValueFrom(trackOperation({ method: 'POST', url }, { http: counted, delay: INTERVAL_MS }))).status;
}

function rxLroFetch() {
  const counted = (url, init) => {
    requests += 1;
    return fetch(url, init);
  };
  return async (url) => (await lastValueFrom(trackOperation({ method: 'POST', url }, { fetch: counted, delay: INTERVAL_MS }))).status;
}

// --- In memory ----------------------------------------------------------------------------------

const MEM_BASE = 'https://management.bench.example';
// The same answers for both clients: 202 with the monitor's URL, then `Running` until the last poll.
// Each answer is a new object, as a transport makes one per response.
function inMemoryService(polls) {
  const left = new Map();
  return (method, url) => {
    if (method === 'POST') {
      const monitor = `${url.slice(0, url.indexOf('/start'))}/operationStatuses/op?api-version=2024-07-01`;
      left.set(monitor, polls);
      return { status: 202, headers: { 'azure-asyncoperation': monitor, 'retry-after-ms': String(INTERVAL_MS) }, body: undefined };
    }
    const remaining = left.get(url) - 1;
    left.set(url, remaining);
    if (remaining > 0) return { status: 200, headers: { 'retry-after-ms': String(INTERVAL_MS) }, body: { status: 'Running' } };
    left.delete(url);
    return { status: 200, headers: {}, body: { status: 'Succeeded' } };
  };
}
const memUrl = (i, tag) =>
  `${MEM_BASE}/subscriptions/${tag}/providers/Microsoft.Compute/virtualMachines/vm${i}/start?api-version=2024-07-01`;

function memLoop(respond) {
  const send = (method, url) =>
    new Promise((resolve) => {
      requests += 1;
      setImmediate(() => resolve(respond(method, url)));
    });
  return async (url) => {
    const first = await send('POST', url);
    const monitor = new URL(first.headers['azure-asyncoperation'], url).href;
    let wait = waitOf((name) => first.headers[name]);
    for (;;) {
      await sleep(wait);
      const response = await send('GET', monitor);
      if (isTerminal(response.body.status)) return response.body.status;
      wait = waitOf((name) => response.headers[name]);
    }
  };
}

function memRxLro(respond) {
  const http = (request) =>
    new Observable((subscriber) => {
      requests += 1;
      const immediate = setImmediate(() => {
        subscriber.next(respond(request.method, request.url));
        subscriber.complete();
      });
      return () => clearImmediate(immediate);
    });
  return async (url) => (await lastValueFrom(trackOperation({ method: 'POST', url }, { http, delay: INTERVAL_MS }))).status;
}

const IDEAL_POLLS = DURATION_MS / INTERVAL_MS;
const clients = {
  'loop-fetch': () => fetchLoop(),
  'loop-fetch-abortable': () => fetchLoop(true),
  'rx-lro-fetch': rxLroFetch,
  'core-lro': coreLro,
  // undici is loaded for these clients only: once loaded, its global dispatcher would also carry the
  // global fetch of the other clients.
  'loop-undici': async () => undiciLoop((await import('undici')).request),
  'rx-lro-undici': async () => rxLroOver(undiciHttpClient((await import('undici')).request)),
  'loop-node': nodeLoop,
  'rx-lro-node': () => rxLroOver(nodeHttpClient()),
  'mem-loop': () => memLoop(inMemoryService(IDEAL_POLLS)),
  'mem-rx-lro': () => memRxLro(inMemoryService(IDEAL_POLLS)),
};
if (!Object.hasOwn(clients, client)) throw new Error(`unknown client ${client}`);
const inMemory = client.startsWith('mem-');
const run = await clients[client]();
const urlOf = inMemory ? (i, tag) => memUrl(i, tag) : (i, tag) => opUrl(i, tag);

// Warm-up (not measured): the same paths, compiled on short operations. In memory the waits are the
// same as measured ones, and few operations suffice.
await Promise.all(
  Array.from({ length: WARM.operations }, (_, i) => run(inMemory ? memUrl(i, `warm-${client}`) : opUrl(i, `warm-${client}`, WARM))),
);
globalThis.gc?.();
await sleep(50);
requests = 0;

const baseline = process.memoryUsage();
let peakRss = baseline.rss;
let peakHeap = baseline.heapUsed;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
}, 20);

// Mid-run, when most trackers wait between polls: the heap that survives a full GC, per tracker. The
// forced GC is left out of the GC time below.
let idleHeap = null;
const forced = { from: Infinity, to: -Infinity };
const idleSample = setTimeout(() => {
  forced.from = performance.now();
  globalThis.gc?.();
  forced.to = performance.now();
  idleHeap = process.memoryUsage().heapUsed;
}, DURATION_MS / 2);

// Time the main thread spends in the garbage collector during the run, but for that forced GC.
let gcMs = 0;
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (entry.startTime < forced.from || entry.startTime > forced.to) gcMs += entry.duration;
});
gcObserver.observe({ entryTypes: ['gc'] });

const started = performance.now();
const cpu0 = process.cpuUsage();
const latencies = [];
let errors = 0;
const errorKinds = {};
const tag = `${client}-${process.pid}`;
await Promise.all(
  Array.from({ length: N }, async (_, i) => {
    const sentAt = performance.now();
    try {
      const status = await run(urlOf(i, tag));
      if (String(status).toLowerCase() !== 'succeeded') errors += 1;
      // The simulator finishes the operation DURATION_MS after it receives the initial request.
      latencies.push(performance.now() - (sentAt + DURATION_MS));
    } catch (error) {
      errors += 1;
      const kind = `${error?.name ?? 'Error'}${error?.method ? ` (${error.method})` : ''}: ${String(error?.reason ?? error?.message ?? error).slice(0, 120)}`;
      errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
    }
  }),
);
const cpu = process.cpuUsage(cpu0);
// Entries are delivered asynchronously: one more turn for the last ones.
await new Promise((resolve) => setImmediate(resolve));
gcObserver.disconnect();
clearTimeout(idleSample);
clearInterval(sampler);
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? null;
const cpuUs = cpu.user + cpu.system;
console.log(
  JSON.stringify({
    kind: inMemory ? 'memory' : 'network',
    client,
    n: N,
    errors,
    requests,
    requestsPerOp: requests / N,
    wallMs: performance.now() - started,
    cpuUsPerRequest: cpuUs / requests,
    gcShare: gcMs / (cpuUs / 1000),
    rssPerTracker: (peakRss - baseline.rss) / N,
    heapPerTracker: (peakHeap - baseline.heapUsed) / N,
    idleHeapPerTracker: idleHeap === null ? null : (idleHeap - baseline.heapUsed) / N,
    latencyP50: pct(50),
    latencyP99: pct(99),
    errorKinds,
  }),
);
process.exit(0);
