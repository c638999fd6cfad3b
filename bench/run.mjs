// npm run bench: the simulator in its own process; for each N, every client in its own process,
// interleaved (A B C…, then B C … A, …) and repeated; then the in-memory run, interleaved the same way.
// Medians, and each rx-lro client's ratio to the loop over its own transport, go to bench/RESULTS.md.
//
//   BENCH_N=100 BENCH_REPEAT=1 npm run bench                  a quick run
//   BENCH_CLIENTS=loop-undici,rx-lro-undici npm run bench     some clients only (pair each with its loop)
//   BENCH_LARGE_REPEAT=3                                       runs per client at N >= 10,000 (default 1)
//   BENCH_LARGE_CLIENTS=…                                      clients at N >= 10,000 (default: all but
//                                                              core-lro, a reference only, which takes
//                                                              minutes there)
//   BENCH_MEMORY_N=0                                           no in-memory run (default 2000 trackers)
//   BENCH_WARM=2000                                            operations of each client's warm-up (default 20),
//                                                              for steady-state figures once the JIT has optimized
//   BENCH_FROM=<file>                                          the report again, from the JSON lines an
//                                                              earlier run printed (npm run bench | tee <file>)
import { execFile, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BUDGETS, TERSER, measure, measureParts, measureReferences } from '../scripts/size.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = promisify(execFile);
const list = (text) => text.split(',').filter((item) => item !== '');

const TRANSPORTS = [
  { name: 'global fetch', loop: 'loop-fetch', clients: ['loop-fetch-abortable', 'rx-lro-fetch', 'core-lro'] },
  { name: 'undici `request`', loop: 'loop-undici', clients: ['rx-lro-undici'] },
  { name: '`node:http`', loop: 'loop-node', clients: ['rx-lro-node'] },
];
const NETWORK_CLIENTS = TRANSPORTS.flatMap((t) => [t.loop, ...t.clients]);
const LOOP_OF = Object.fromEntries(TRANSPORTS.flatMap((t) => [t.loop, ...t.clients].map((client) => [client, t.loop])));
const TRANSPORT_OF = Object.fromEntries(TRANSPORTS.flatMap((t) => [t.loop, ...t.clients].map((client) => [client, t.name])));
const MEMORY_CLIENTS = ['mem-loop', 'mem-rx-lro'];
LOOP_OF['mem-loop'] = LOOP_OF['mem-rx-lro'] = 'mem-loop';

const SIZES = list(process.env.BENCH_N ?? '100,1000,10000').map(Number);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const LARGE = 10_000;
const LARGE_REPEAT = Number(process.env.BENCH_LARGE_REPEAT ?? 1);
const CLIENTS = list(process.env.BENCH_CLIENTS ?? NETWORK_CLIENTS.join(','));
const LARGE_CLIENTS = list(process.env.BENCH_LARGE_CLIENTS ?? CLIENTS.filter((client) => client !== 'core-lro').join(','));
const MEMORY_N = Number(process.env.BENCH_MEMORY_N ?? 2000);
for (const client of [...CLIENTS, ...LARGE_CLIENTS]) if (!NETWORK_CLIENTS.includes(client)) throw new Error(`unknown client ${client}`);
const repeatsFor = (n) => (n >= LARGE ? LARGE_REPEAT : REPEAT);
const clientsFor = (n) => (n >= LARGE ? LARGE_CLIENTS : CLIENTS);

async function runClient(client, n, url) {
  const args = ['--expose-gc', join(root, 'bench', 'client.mjs'), client, String(n), ...(url ? [url] : [])];
  const { stdout } = await run(process.execPath, args, { cwd: root, timeout: 600_000, maxBuffer: 1 << 20 });
  const result = JSON.parse(stdout.trim().split('\n').at(-1));
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return result;
}

// Each round runs every client once; the order rotates from round to round.
async function interleaved(clients, n, rounds, url) {
  const results = [];
  for (let round = 0; round < rounds; round++) {
    for (const client of clients.map((_, i) => clients[(i + round) % clients.length])) results.push(await runClient(client, n, url));
  }
  return results;
}

async function runAll() {
  const results = [];
  if (CLIENTS.length > 0 && SIZES.length > 0) {
    const simulator = spawn(process.execPath, [join(root, 'bin', 'rx-lro-simulator.mjs'), '--port', '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const url = await new Promise((resolve, reject) => {
        simulator.stdout.on('data', (chunk) => {
          const match = /listening on (http:\/\/[^\s]+)/.exec(String(chunk));
          if (match) resolve(match[1]);
        });
        simulator.on('exit', (code) => reject(new Error(`the simulator exited (${code})`)));
      });
      for (const n of SIZES) results.push(...(await interleaved(clientsFor(n), n, repeatsFor(n), url)));
    } finally {
      simulator.kill();
    }
  }
  if (MEMORY_N > 0) results.push(...(await interleaved(MEMORY_CLIENTS, MEMORY_N, REPEAT)));
  return results;
}

const median = (values) => {
  const sorted = values.filter((v) => v !== null && v !== undefined && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const results = process.env.BENCH_FROM
  ? readFileSync(process.env.BENCH_FROM, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
  : await runAll();

/** Medians of every measure of one client at one N, and its ratio to the loop over its transport. */
function summarize(kind, clients, n) {
  const rows = {};
  for (const client of clients) {
    const runs = results.filter((r) => (r.kind ?? 'network') === kind && r.n === n && r.client === client);
    if (runs.length === 0) continue;
    const pick = (key) => median(runs.map((r) => r[key]));
    rows[client] = {
      client,
      n,
      runs: runs.length,
      cpu: pick('cpuUsPerRequest'),
      gc: pick('gcShare'),
      rss: pick('rssPerTracker'),
      heap: pick('heapPerTracker'),
      idle: pick('idleHeapPerTracker'),
      reqs: pick('requestsPerOp'),
      p50: pick('latencyP50'),
      p99: pick('latencyP99'),
      errors: runs.reduce((a, r) => a + r.errors, 0),
    };
  }
  for (const row of Object.values(rows)) {
    const loop = rows[LOOP_OF[row.client]];
    row.ratio = loop ? row.cpu / loop.cpu : null;
    row.own = loop ? row.cpu - loop.cpu : null;
    row.p50Delta = loop ? row.p50 - loop.p50 : null;
  }
  return rows;
}

const fmt = (v, digits = 0) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));
const times = (v) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : `×${v.toFixed(2)}`);
const kb = (bytes) => (bytes === null || bytes === undefined ? '–' : (bytes / 1024).toFixed(1));
const thousands = (n) => n.toLocaleString('en-US');
const pkg = (name) => JSON.parse(readFileSync(join(root, 'node_modules', ...name.split('/'), 'package.json'), 'utf8')).version;

const networkSizes = [...new Set(results.filter((r) => (r.kind ?? 'network') === 'network').map((r) => r.n))].sort((a, b) => a - b);
const network = networkSizes.map((n) => summarize('network', NETWORK_CLIENTS, n));
const cell = (rows, client) => (rows[client] ? `${fmt(rows[client].cpu)} (${times(rows[client].ratio)})` : '–');
const loopCell = (rows, client) => (rows[client] ? fmt(rows[client].cpu) : '–');
const summaryTable = [
  '| N | runs | loop over fetch | abortable loop over fetch | rx-lro over fetch | core-lro over fetch | loop over undici | rx-lro over `undiciHttpClient` | loop over `node:http` | rx-lro over `nodeHttpClient` |',
  '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...network.map((rows, i) => {
    const n = networkSizes[i];
    const runs = Math.max(...Object.values(rows).map((r) => r.runs));
    return `| ${thousands(n)} | ${runs} | ${loopCell(rows, 'loop-fetch')} | ${cell(rows, 'loop-fetch-abortable')} | ${cell(rows, 'rx-lro-fetch')} | ${cell(rows, 'core-lro')} | ${loopCell(rows, 'loop-undici')} | ${cell(rows, 'rx-lro-undici')} | ${loopCell(rows, 'loop-node')} | ${cell(rows, 'rx-lro-node')} |`;
  }),
];
const IDEAL_REQUESTS = 1 + 2000 / 200; // the initial request, then one poll per Retry-After over 2 s
const fullTable = [
  `| N | transport | client | CPU µs/request | × loop | requests/op (ideal ${IDEAL_REQUESTS}) | latency p50 ms | p50 − loop | p99 ms | peak RSS KB/tracker | peak heap KB/tracker | idle heap KB/tracker | errors |`,
  '| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...network.flatMap((rows) =>
    NETWORK_CLIENTS.filter((client) => rows[client]).map((client) => {
      const r = rows[client];
      return `| ${thousands(r.n)} | ${TRANSPORT_OF[client]} | ${client} | ${fmt(r.cpu)} | ${fmt(r.ratio, 2)} | ${fmt(r.reqs, 2)} | ${fmt(r.p50)} | ${fmt(r.p50Delta)} | ${fmt(r.p99)} | ${kb(r.rss)} | ${kb(r.heap)} | ${kb(r.idle)} | ${r.errors} |`;
    }),
  ),
];
const memorySizes = [...new Set(results.filter((r) => r.kind === 'memory').map((r) => r.n))].sort((a, b) => a - b);
const memory = memorySizes.map((n) => summarize('memory', MEMORY_CLIENTS, n));
const memoryTable = [
  '| trackers | client | runs | CPU µs/request | × loop | own work µs/request (− loop) | GC pauses, % of CPU | requests/op | idle heap KB/tracker | errors |',
  '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...memory.flatMap((rows) =>
    MEMORY_CLIENTS.filter((client) => rows[client]).map((client) => {
      const r = rows[client];
      return `| ${thousands(r.n)} | ${client} | ${r.runs} | ${fmt(r.cpu, 1)} | ${fmt(r.ratio, 2)} | ${client === 'mem-loop' ? '–' : fmt(r.own, 1)} | ${fmt(r.gc * 100)} % | ${fmt(r.reqs, 2)} | ${kb(r.idle)} | ${r.errors} |`;
    }),
  ),
];

const sizes = await measure(root);
const parts = await measureParts(root);
const references = await measureReferences(root);
const sizeTable = [
  '| entry | minified KB | gzipped KB | budget KB | lazy chunks, gzipped KB |',
  '| --- | ---: | ---: | ---: | --- |',
  ...Object.entries(sizes).map(([name, size]) => {
    const lazy = size.lazy.map((chunk) => {
      const packages = [...new Set(chunk.modules.flatMap((id) => /node_modules\/((@[^/]+\/)?[^/]+)/.exec(id)?.[1] ?? []))];
      return `${packages.length > 0 ? packages.join(', ') : 'rx-lro'} ${(chunk.gzipped / 1024).toFixed(2)}`;
    });
    return `| \`${name}\` | ${kb(size.minified)} | ${(size.gzipped / 1024).toFixed(2)} | ${(BUDGETS[name] / 1024).toFixed(2)} | ${lazy.join('; ') || '–'} |`;
  }),
  ...Object.entries(parts).map(
    ([name, size]) =>
      `| part of the core: ${name.replace(/^rx-lro, /, '').replace(/\w+Operation|fromStart|finalResult/g, '`$&`')}, as an app's bundler tree-shakes it | ${kb(size.minified)} | ${(size.gzipped / 1024).toFixed(2)} | – | – |`,
  ),
  ...Object.entries(references).map(
    ([name, size]) =>
      `| for comparison: ${name.replace(/@[\w/-]+/g, '`$&`')} | ${kb(size.minified)} | ${(size.gzipped / 1024).toFixed(2)} | – | – |`,
  ),
];

const report = `# Benchmark results

Written by \`npm run bench\` (\`bench/run.mjs\`) on ${new Date().toISOString().slice(0, 10)}.

- Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}.
- Versions: rx-lro ${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version}, @azure/core-lro ${pkg('@azure/core-lro')}, rxjs ${pkg('rxjs')}, undici ${pkg('undici')}.
- Work: N concurrent operations, each a POST answered \`202\` + \`Azure-AsyncOperation\`, whose monitor says
  \`Running\` with \`retry-after-ms: 200\` for 2 s, then \`Succeeded\` (no final GET). The simulator runs in its
  own process; each client runs in its own process.
- Clients, by transport: each rx-lro client is paired with a **loop**, the least a correct client of
  this one pattern must do, written by hand over the same transport, so that the ratio is rx-lro's own
  cost. **Global fetch**: \`loop-fetch\`; \`loop-fetch-abortable\`, the same loop with a new
  \`AbortSignal\` per request and \`redirect: 'manual'\`, as a client that can be cancelled mid-request
  and follows redirects itself must send (rx-lro's fetch client does both; the ratio between the two
  loops is what that costs Node's fetch); \`rx-lro-fetch\`, \`trackOperation\` with \`fetch\`; \`core-lro\`,
  \`createHttpPoller\` of @azure/core-lro (a reference client). **undici**: \`loop-undici\` over undici's
  \`request\`; \`rx-lro-undici\`, \`trackOperation\` over \`undiciHttpClient(request)\`. **node:http**:
  \`loop-node\` over \`http.request\` with a kept-alive agent set up as \`nodeHttpClient()\` sets its own;
  \`rx-lro-node\`, \`trackOperation\` over \`nodeHttpClient()\`.
- Runs: ${REPEAT} per client and N (${LARGE_REPEAT} at N = ${thousands(LARGE)}${LARGE_CLIENTS.includes('core-lro') ? '' : ', where core-lro, a reference only, is left out: it takes minutes there'}),
  interleaved (every client once
  per round, the order rotating each round); medians shown. Each process warms up on ${process.env.BENCH_WARM ?? 20} short
  operations first (not measured).
- CPU is the client process's user + system time over the run, divided by the requests it sent.
  Memory is the peak above the warmed-up baseline, divided by N (garbage not yet collected included);
  idle heap is what survives a full GC 1 s into the run, when most trackers wait between polls, above
  the baseline and divided by N: the transport's share included, so a client's own share is its
  figure minus its loop's.
  Latency is when the client saw the end minus when the simulator finished the operation (2 s after
  the initial request was sent), so it includes the wait to the next poll (up to 200 ms).

## CPU per request, against the loop over the same transport

µs per request (× the loop's).

${summaryTable.join('\n')}

From N = 1,000 the simulator, on the same 2 cores, is saturated: every client gets fewer polls in than
the ideal ${IDEAL_REQUESTS} per operation (see *requests/op* below), the loops too.

## In memory: each client's own work

No network: ${memorySizes.length > 0 ? thousands(memorySizes[0]) : 'N'} trackers of the same operation (11 requests each) against an in-memory
service that answers every request with a new response object, one macrotask (\`setImmediate\`) later;
both clients wait with one timer per wait. \`mem-loop\` is the hand-written loop over those responses,
\`mem-rx-lro\` is \`trackOperation\` over an \`HttpClient\` that gives them. *Own work* is rx-lro's CPU
per request minus the loop's. *GC pauses* are the main thread's garbage-collection time (\`gc\`
performance entries, the forced GC of the idle-heap sample left out) as a share of the process's CPU.

${memoryTable.join('\n')}

## Every client

${fullTable.join('\n')}

## Size

Each browser entry bundled by \`scripts/size.mjs\` as an app would bundle it: rollup with node-resolve
(the browser condition) and commonjs, every dependency bundled but rxjs (the core's own files are left out
of the add-ons': an app that uses one holds the core once), terser (\`${JSON.stringify(TERSER)}\`), gzipped at level 9.
The budget holds the entry chunk, which loads with the page; lazy chunks load only when needed
(cross-fetch where there is no global \`fetch\`, the reader of node-fetch's stream bodies when one comes).

${sizeTable.join('\n')}
`;
writeFileSync(join(root, 'bench', 'RESULTS.md'), report);
process.stdout.write(`\nwrote bench/RESULTS.md\n`);
