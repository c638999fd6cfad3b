// npm run bench: the simulator in its own process; for each N, every client in its own process,
// interleaved (A B C, then B C A, …) and repeated; medians and ratios to the hand-written loop go to
// bench/RESULTS.md.   BENCH_N=1,100 BENCH_REPEAT=2 npm run bench   for a quick run;
// BENCH_FROM=<file> writes the report again from the JSON lines an earlier run printed.
import { execFile, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BUDGETS, measure } from '../scripts/size.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = promisify(execFile);
const SIZES = (process.env.BENCH_N ?? '1,100,1000,10000').split(',').map(Number);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const CLIENTS = ['loop', 'core-lro', 'rx-lro', 'rx-lro-node', 'rx-lro-undici'];

async function runAll() {
  const simulator = spawn(process.execPath, [join(root, 'bin', 'rx-lro-simulator.mjs'), '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    simulator.stdout.on('data', (chunk) => {
      const match = /listening on (http:\/\/[^\s]+)/.exec(String(chunk));
      if (match) resolve(match[1]);
    });
    simulator.on('exit', (code) => reject(new Error(`the simulator exited (${code})`)));
  });
  const results = [];
  try {
    for (const n of SIZES) {
      for (let rep = 0; rep < REPEAT; rep++) {
        const order = CLIENTS.map((_, i) => CLIENTS[(i + rep) % CLIENTS.length]);
        for (const client of order) {
          const { stdout } = await run(process.execPath, ['--expose-gc', join(root, 'bench', 'client.mjs'), client, String(n), url], {
            cwd: root,
            timeout: 600_000,
            maxBuffer: 1 << 20,
          });
          const result = JSON.parse(stdout.trim().split('\n').at(-1));
          results.push(result);
          process.stdout.write(`${JSON.stringify(result)}\n`);
        }
      }
    }
  } finally {
    simulator.kill();
  }
  return results;
}

const median = (values) => {
  const sorted = values.filter((v) => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const results = process.env.BENCH_FROM
  ? readFileSync(process.env.BENCH_FROM, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
      .filter((r) => SIZES.includes(r.n) && CLIENTS.includes(r.client))
  : await runAll();

const IDEAL_REQUESTS = 1 + 2000 / 200; // the initial request, then one poll per Retry-After over 2 s
const rows = [];
for (const n of SIZES) {
  const byClient = Object.fromEntries(
    CLIENTS.map((client) => {
      const runs = results.filter((r) => r.n === n && r.client === client);
      const pick = (key) => median(runs.map((r) => r[key]));
      return [
        client,
        {
          cpu: pick('cpuUsPerRequest'),
          rss: pick('rssPerTracker'),
          heap: pick('heapPerTracker'),
          idle: pick('idleHeapPerTracker'),
          reqs: pick('requestsPerOp'),
          p50: pick('latencyP50'),
          p99: pick('latencyP99'),
          errors: runs.reduce((a, r) => a + r.errors, 0),
        },
      ];
    }),
  );
  for (const client of CLIENTS)
    rows.push({
      n,
      client,
      ...byClient[client],
      cpuRatio: byClient[client].cpu / byClient.loop.cpu,
      p50Delta: byClient[client].p50 - byClient.loop.p50,
    });
}

const fmt = (v, digits = 0) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));
const kb = (bytes) => (bytes === null ? '–' : (bytes / 1024).toFixed(1));
const pkg = (name) => JSON.parse(readFileSync(join(root, 'node_modules', ...name.split('/'), 'package.json'), 'utf8')).version;
const table = [
  `| N | client | CPU µs/request | × loop | requests/op (ideal ${IDEAL_REQUESTS}) | peak RSS KB/tracker | peak heap KB/tracker | idle heap KB/tracker | latency p50 ms | p50 − loop | p99 ms | errors |`,
  '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (r) =>
      `| ${r.n} | ${r.client} | ${fmt(r.cpu)} | ${fmt(r.cpuRatio, 2)} | ${fmt(r.reqs, 2)} | ${kb(r.rss)} | ${kb(r.heap)} | ${kb(r.idle)} | ${fmt(r.p50)} | ${fmt(r.p50Delta)} | ${fmt(r.p99)} | ${r.errors} |`,
  ),
];
const sizes = await measure(root);
const sizeTable = [
  '| entry | minified KB | gzipped KB | budget KB |',
  '| --- | ---: | ---: | ---: |',
  ...Object.entries(sizes).map(
    ([name, size]) => `| \`${name}\` | ${kb(size.minified)} | ${(size.gzipped / 1024).toFixed(2)} | ${(BUDGETS[name] / 1024).toFixed(2)} |`,
  ),
];
const report = `# Benchmark results

Written by \`npm run bench\` (\`bench/run.mjs\`) on ${new Date().toISOString().slice(0, 10)}.

- Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}.
- Versions: rx-lro ${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version}, @azure/core-lro ${pkg('@azure/core-lro')}, rxjs ${pkg('rxjs')}, undici ${pkg('undici')}.
- Work: N concurrent operations, each a POST answered \`202\` + \`Azure-AsyncOperation\`, whose monitor says
  \`Running\` with \`retry-after-ms: 200\` for 2 s, then \`Succeeded\` (no final GET). The simulator runs in its
  own process; each client runs in its own process, all over the same transport (Node's global \`fetch\`).
- Clients: **loop**, a minimal hand-written fetch loop for this one pattern (the limit); **core-lro**,
  \`createHttpPoller\` of @azure/core-lro; **rx-lro**, \`trackOperation\`; **rx-lro-node**, \`trackOperation\`
  over \`nodeHttpClient()\` of \`rx-lro/node\` (node:http, kept-alive pools) instead of fetch; **rx-lro-undici**,
  \`trackOperation\` over \`undiciHttpClient(request)\` of \`rx-lro/node\` (undici's pooled \`request\`).
- Runs: ${REPEAT} per client and N, interleaved (the order rotates each round); medians shown.
- CPU is the client process's user + system time over the run, divided by the requests it sent.
  Memory is the peak above the warmed-up baseline, divided by N (garbage not yet collected included);
  idle heap is what survives a full GC 1 s into the run, when most trackers wait between polls, above
  the baseline and divided by N: the transport's share included, so a client's own share is its
  figure minus the loop's.
  Latency is when the client saw the end minus when the simulator finished the operation (2 s after
  the initial request was sent), so it includes the wait to the next poll (up to 200 ms).

${table.join('\n')}

## Size

Each entry bundled by \`scripts/size.mjs\` (rollup, terser with two compress passes, the peers, cross-fetch
and the core external), gzipped at level 9; \`npm test\` holds each to its budget.

${sizeTable.join('\n')}
`;
writeFileSync(join(root, 'bench', 'RESULTS.md'), report);
process.stdout.write(`\nwrote bench/RESULTS.md\n`);
