// One benchmark run in its own process: N concurrent operations through one client, all over the
// same transport (Node's global fetch), against the simulator at URL. Prints one JSON line.
//   node --expose-gc bench/client.mjs <loop|core-lro|rx-lro|rx-lro-node|rx-lro-undici> <N> <simulator URL>
import { createHttpPoller } from '@azure/core-lro';
import { lastValueFrom } from 'rxjs';
import { trackOperation } from 'rx-lro';
import { nodeHttpClient, undiciHttpClient } from 'rx-lro/node';

const [client, nText, base] = process.argv.slice(2);
const N = Number(nText);
const DURATION_MS = 2000;
const INTERVAL_MS = 200;
const transport = globalThis.fetch;
let requests = 0;
const counted = (input, init) => {
  requests += 1;
  return transport(input, init);
};

const opUrl = (i, tag) =>
  `${base}/subscriptions/bench-${tag}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm${i}/start?api-version=2024-07-01&sim-duration=${DURATION_MS}&sim-retry-after=ms:${INTERVAL_MS}`;

const TERMINAL = new Set(['succeeded', 'failed', 'canceled', 'cancelled']);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
function retryAfterMs(headers) {
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') !== null && Number.isFinite(ms)) return ms;
  const s = Number(headers.get('retry-after'));
  return headers.get('retry-after') !== null && Number.isFinite(s) ? s * 1000 : INTERVAL_MS;
}

// The limit: the least a correct client must do, written by hand for this one pattern.
async function handWritten(url) {
  const first = await counted(url, { method: 'POST', headers: { accept: 'application/json' } });
  const monitor = new URL(first.headers.get('azure-asyncoperation'), url).href;
  let wait = retryAfterMs(first.headers);
  await first.arrayBuffer();
  for (;;) {
    await sleep(wait);
    const response = await counted(monitor, { headers: { accept: 'application/json' } });
    const body = await response.json();
    if (TERMINAL.has(String(body.status).toLowerCase())) return body.status;
    wait = retryAfterMs(response.headers);
  }
}

async function toOperationResponse(response, method, url) {
  const text = await response.text();
  const headers = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  const body = text === '' ? undefined : JSON.parse(text);
  return { flatResponse: body, rawResponse: { statusCode: response.status, headers, body, request: { method, url } } };
}

async function coreLro(url) {
  const poller = createHttpPoller(
    {
      sendInitialRequest: async () =>
        toOperationResponse(await counted(url, { method: 'POST', headers: { accept: 'application/json' } }), 'POST', url),
      sendPollRequest: async (path) => toOperationResponse(await counted(path, { headers: { accept: 'application/json' } }), 'GET', path),
    },
    { intervalInMs: INTERVAL_MS, baseUrl: base, resolveOnUnsuccessful: true },
  );
  await poller.pollUntilDone();
  return poller.operationState?.status;
}

async function rxLro(url) {
  const last = await lastValueFrom(trackOperation({ method: 'POST', url }, { fetch: counted, delay: INTERVAL_MS }));
  return last.status;
}

// rx-lro over another transport (an HttpClient), every request counted.
function rxLroOver(http) {
  const countedHttp = (request) => {
    requests += 1;
    return http(request);
  };
  return async (url) => {
    const last = await lastValueFrom(trackOperation({ method: 'POST', url }, { http: countedHttp, delay: INTERVAL_MS }));
    return last.status;
  };
}

const clients = {
  loop: () => handWritten,
  'core-lro': () => coreLro,
  'rx-lro': () => rxLro,
  // node:http with kept-alive pools instead of fetch.
  'rx-lro-node': () => rxLroOver(nodeHttpClient()),
  // undici's pooled `request` (its global dispatcher). undici is loaded for this client only: once
  // loaded, its global dispatcher would also carry the global fetch of the other clients.
  'rx-lro-undici': async () => rxLroOver(undiciHttpClient((await import('undici')).request)),
};
if (!Object.hasOwn(clients, client)) throw new Error(`unknown client ${client}`);
const run = await clients[client]();

// Warm-up (not measured): load and compile every path once.
await Promise.all(Array.from({ length: 5 }, (_, i) => run(opUrl(i, `warm-${client}`))));
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

// Mid-run, when most trackers wait between polls: the heap that survives a full GC, per tracker.
let idleHeap = null;
const idleSample = setTimeout(() => {
  globalThis.gc?.();
  idleHeap = process.memoryUsage().heapUsed;
}, DURATION_MS / 2);

const cpu0 = process.cpuUsage();
const latencies = [];
let errors = 0;
const errorKinds = {};
const tag = `${client}-${process.pid}`;
await Promise.all(
  Array.from({ length: N }, async (_, i) => {
    const sentAt = performance.now();
    try {
      const status = await run(opUrl(i, tag));
      if (String(status).toLowerCase() !== 'succeeded') errors += 1;
      // The simulator finishes the operation DURATION_MS after it receives the initial request.
      latencies.push(performance.now() - (sentAt + DURATION_MS));
    } catch (error) {
      errors += 1;
      const kind = `${error?.name ?? 'Error'}: ${String(error?.reason ?? error?.message ?? error).slice(0, 120)}`;
      errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
    }
  }),
);
const cpu = process.cpuUsage(cpu0);
clearTimeout(idleSample);
clearInterval(sampler);
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? null;
console.log(
  JSON.stringify({
    client,
    n: N,
    errors,
    requests,
    requestsPerOp: requests / N,
    cpuUsPerRequest: (cpu.user + cpu.system) / requests,
    rssPerTracker: (peakRss - baseline.rss) / N,
    heapPerTracker: (peakHeap - baseline.heapUsed) / N,
    idleHeapPerTracker: idleHeap === null ? null : (idleHeap - baseline.heapUsed) / N,
    latencyP50: pct(50),
    latencyP99: pct(99),
    errorKinds,
  }),
);
process.exit(0);
