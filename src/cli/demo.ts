import { Subject, exponentialBackoff, takeUntil, timer, type Observable } from './rx';
import { trackOperation, type LroMethod, type OperationSnapshot } from 'rx-lro';
import { startSimulator, type OperationScript } from 'rx-lro/testing';
import { formatDuration, outcomeText, progressBar, stateMark, table, type Output } from './progress';

interface DemoOperation {
  label: string;
  how: string;
  method: LroMethod;
  path: string;
  script: OperationScript;
  body?: unknown;
  /** Unsubscribe after this many ms: the user cancels. */
  cancelAfterMs?: number;
}

const SUB = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-demo/providers';

/** The six operations of the demo: each pattern of the protocol, a failure and a cancellation. */
export const DEMO_OPERATIONS: readonly DemoOperation[] = [
  {
    label: 'Start VM vm-web-01',
    how: 'POST → 202 + Azure-AsyncOperation',
    method: 'POST',
    path: `${SUB}/Microsoft.Compute/virtualMachines/vm-web-01/start?api-version=2024-07-01`,
    script: { pattern: 'azure-async-operation', durationMs: 5000, percentComplete: true, runningStatuses: ['InProgress'] },
  },
  {
    label: 'Deploy template web-stack',
    how: 'PUT → 201 + provisioningState + Azure-AsyncOperation',
    method: 'PUT',
    path: `${SUB}/Microsoft.Resources/deployments/web-stack?api-version=2024-03-01`,
    body: { properties: { mode: 'Incremental', template: { resources: [] } } },
    script: { pattern: 'azure-async-operation', initialStatus: 201, durationMs: 7000, runningStatuses: ['Accepted', 'Running'] },
  },
  {
    label: 'Create storage demostore01',
    how: 'PUT → 202 + Location + Retry-After',
    method: 'PUT',
    path: `${SUB}/Microsoft.Storage/storageAccounts/demostore01?api-version=2023-05-01`,
    body: { location: 'westeurope', sku: { name: 'Standard_LRS' }, kind: 'StorageV2' },
    script: { pattern: 'location', durationMs: 4500, retryAfter: { form: 'seconds', value: 1 } },
  },
  {
    label: 'Create vnet-hub',
    how: 'PUT → 201, polled via provisioningState',
    method: 'PUT',
    path: `${SUB}/Microsoft.Network/virtualNetworks/vnet-hub?api-version=2024-01-01`,
    body: { location: 'westeurope', properties: { addressSpace: { addressPrefixes: ['10.0.0.0/16'] } } },
    script: { pattern: 'provisioning-state', durationMs: 3500, runningStatuses: ['Updating'] },
  },
  {
    label: 'Create SQL server sql-prod',
    how: 'PUT → 201 + Azure-AsyncOperation, fails',
    method: 'PUT',
    path: `${SUB}/Microsoft.Sql/servers/sql-prod?api-version=2023-08-01`,
    body: { location: 'westeurope' },
    script: {
      pattern: 'azure-async-operation',
      durationMs: 3000,
      outcome: 'Failed',
      error: {
        code: 'DeploymentFailed',
        message: 'At least one resource deployment operation failed.',
        details: [{ code: 'QuotaExceeded', message: 'Server quota exceeded in region westeurope.', target: 'sql-prod' }],
      },
    },
  },
  {
    label: 'Delete resource group rg-old',
    how: 'DELETE → 202 + Location, canceled by you',
    method: 'DELETE',
    path: '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg-old?api-version=2021-04-01',
    script: { pattern: 'location', durationMs: 60_000, retryAfter: { form: 'seconds', value: 1 } },
    cancelAfterMs: 2500,
  },
];

interface Row {
  operation: DemoOperation;
  last?: OperationSnapshot;
  /** The percentComplete last printed in plain mode. */
  printedPercent?: number;
  /** Requests the simulator had seen for this operation when it was canceled. */
  requestsAtCancel?: number;
  canceledByUser: boolean;
  error?: string;
  endedAt?: number;
}

/** Options of `runDemo`, for tests: a faster clock and no live redraw. */
export interface DemoOptions {
  /** Multiplies every duration of the demo (0.2 = five times faster). Default 1. */
  speed?: number;
}

function rowState(row: Row): 'running' | 'succeeded' | 'failed' | 'canceled' | 'stopped' {
  if (row.canceledByUser) return 'stopped';
  if (row.error) return 'failed';
  return row.last?.state ?? 'running';
}

type Simulator = Awaited<ReturnType<typeof startSimulator>>;

/** A row's line in the live view: mark, label, progress bar, percent, status and time. */
function liveLine(row: Row, now: number): string {
  const s = row.last;
  const state = rowState(row);
  const elapsed = row.endedAt ?? now;
  const fraction =
    state === 'succeeded' ? 1 : s?.percentComplete !== undefined ? s.percentComplete / 100 : state === 'running' ? undefined : 0;
  const status = row.canceledByUser ? 'canceled by you' : row.error ? 'error' : (s?.status ?? 'starting');
  const percent = s?.percentComplete !== undefined ? `${Math.round(s.percentComplete)}%`.padStart(4) : '    ';
  return `${stateMark(state)} ${row.operation.label.padEnd(28)} ${progressBar(fraction, 20, elapsed)} ${percent} ${status.padEnd(16)} ${formatDuration(elapsed).padStart(6)}`;
}

/** The tracker of one demo operation, its script defined on the simulator and its times scaled by `speed`. */
function demoTracker(sim: Simulator, operation: DemoOperation, speed: number): Observable<OperationSnapshot> {
  const scaled = (ms: number): number => Math.max(1, Math.round(ms * speed));
  const script: OperationScript = { ...operation.script, durationMs: scaled(operation.script.durationMs ?? 1000) };
  if (typeof script.retryAfter === 'object' && script.retryAfter.form === 'seconds') {
    script.retryAfter = { form: 'seconds', value: Number((script.retryAfter.value * speed).toFixed(3)) };
  }
  sim.define(`${operation.method} ${operation.path.split('?')[0]}`, script);
  const cancel$ = operation.cancelAfterMs === undefined ? new Subject<void>() : timer(scaled(operation.cancelAfterMs));
  return trackOperation(
    { method: operation.method, url: sim.url + operation.path, body: operation.body },
    { delay: exponentialBackoff(scaled(250), scaled(1000)) },
  ).pipe(takeUntil(cancel$));
}

// The simulator's log tells which requests belong to an operation: its initial request names it.
function requestsOf(sim: Simulator, row: Row): number {
  const path = row.operation.path.split('?')[0]!.toLowerCase();
  const initial = sim.requests.find((r) => r.kind === 'initial' && r.url.toLowerCase().startsWith(path));
  return initial?.operationId === undefined ? 0 : sim.requests.filter((r) => r.operationId === initial.operationId).length;
}

/** What the demo tells as its trackers move: a snapshot, an error, a cancel. */
interface Report {
  snapshot(row: Row, before: OperationSnapshot | undefined): void;
  error(row: Row): void;
  canceled(row: Row): void;
}

/** Follows every row's tracker to its end; resolves when all have ended. */
function followAll(rows: Row[], trackers: Observable<OperationSnapshot>[], started: number, report: Report): Promise<void> {
  return new Promise<void>((resolve) => {
    let open = trackers.length;
    const finish = (row: Row): void => {
      row.endedAt ??= Date.now() - started;
      if (--open === 0) resolve();
    };
    trackers.forEach((snapshots$, index) => {
      const row = rows[index]!;
      snapshots$.subscribe({
        next: (snapshot) => {
          const before = row.last;
          row.last = snapshot;
          report.snapshot(row, before);
        },
        error: (error: unknown) => {
          row.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          report.error(row);
          finish(row);
        },
        complete: () => {
          if (!row.last?.done) {
            row.canceledByUser = true;
            report.canceled(row);
          }
          finish(row);
        },
      });
    });
  });
}

/** Plain lines, for a log or a pipe: one when a tracker's status or state changes, or its progress moves by a quarter. */
function plainReport(out: Output, started: number, sim: Simulator): Report {
  const line = (row: Row, text: string): void => {
    out.write(`[${formatDuration(Date.now() - started).padStart(6)}] ${row.operation.label}: ${text}\n`);
  };
  return {
    snapshot: (row, before) => {
      const snapshot = row.last!;
      const percentMoved = (snapshot.percentComplete ?? 0) - (row.printedPercent ?? 0) >= 25;
      if (before?.status === snapshot.status && before?.state === snapshot.state && !percentMoved) return;
      row.printedPercent = snapshot.percentComplete;
      const percent = snapshot.percentComplete === undefined ? '' : ` ${Math.round(snapshot.percentComplete)}%`;
      line(
        row,
        `${snapshot.state} ${snapshot.status}${percent} (polls: ${snapshot.polls})${snapshot.done ? ` → ${outcomeText(snapshot)}` : ''}`,
      );
    },
    error: (row) => line(row, `error ${row.error}`),
    canceled: (row) => {
      row.requestsAtCancel = requestsOf(sim, row);
      line(row, 'canceled by you (unsubscribed: request aborted, timers cleared)');
    },
  };
}

function summary(rows: Row[]): string {
  return table(
    ['operation', 'how it is polled', 'state', 'polls', 'time', 'result or error'],
    rows.map((row) => [
      row.operation.label,
      row.operation.how,
      row.canceledByUser ? 'canceled (you)' : row.error ? 'error' : (row.last?.state ?? '?'),
      String(row.last?.polls ?? 0),
      formatDuration(row.endedAt ?? 0),
      row.canceledByUser ? 'unsubscribed: request aborted, no poll after' : (row.error ?? outcomeText(row.last)),
    ]),
  );
}

/**
 * Starts the simulator in-process and tracks six operations at once with the public API: live
 * progress bars on a terminal, plain lines otherwise, then a summary table. Resolves to the exit code.
 */
export async function runDemo(out: Output, options: DemoOptions = {}): Promise<number> {
  const speed = options.speed ?? 1;
  const sim = await startSimulator();
  const started = Date.now();
  const rows: Row[] = DEMO_OPERATIONS.map((operation) => ({ operation, canceledByUser: false }));
  const live = out.isTTY === true;
  let drawn = 0;
  const draw = (): void => {
    const lines = rows.map((row) => liveLine(row, Date.now() - started));
    out.write((drawn > 0 ? `\x1b[${drawn}A` : '') + lines.map((l) => `\x1b[2K${l}\n`).join(''));
    drawn = lines.length;
  };
  const quiet = () => undefined;
  const report: Report = live
    ? { snapshot: quiet, error: quiet, canceled: (row) => (row.requestsAtCancel = requestsOf(sim, row)) }
    : plainReport(out, started, sim);

  out.write(`rx-lro demo: six operations against the simulator at ${sim.url}\n\n`);
  const trackers = rows.map((row) => demoTracker(sim, row.operation, speed));
  const ticker = live ? setInterval(draw, 100) : undefined;
  if (live) draw();
  await followAll(rows, trackers, started, report);
  if (ticker) clearInterval(ticker);
  if (live) draw();

  // Proof that canceling really stops a tracker: wait one more polling interval, then count again.
  await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.round(1200 * speed))));
  const afterCancel = rows
    .filter((r) => r.canceledByUser)
    .reduce((sum, row) => sum + requestsOf(sim, row) - (row.requestsAtCancel ?? 0), 0);
  out.write('\n' + summary(rows));
  out.write(
    `\n${sim.requests.length} requests served; ${afterCancel} sent after the cancel. Total ${formatDuration(Date.now() - started)}.\n`,
  );
  await sim.close();
  return 0;
}
