import { Subject, exponentialBackoff, map, takeUntil, timer } from './rx';
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
    const now = Date.now() - started;
    const lines = rows.map((row) => {
      const s = row.last;
      const state = rowState(row);
      const elapsed = row.endedAt ?? now;
      const fraction =
        state === 'succeeded' ? 1 : s?.percentComplete !== undefined ? s.percentComplete / 100 : state === 'running' ? undefined : 0;
      const status = row.canceledByUser ? 'canceled by you' : row.error ? 'error' : (s?.status ?? 'starting');
      const percent = s?.percentComplete !== undefined ? `${Math.round(s.percentComplete)}%`.padStart(4) : '    ';
      return `${stateMark(state)} ${row.operation.label.padEnd(28)} ${progressBar(fraction, 20, elapsed)} ${percent} ${status.padEnd(16)} ${formatDuration(elapsed).padStart(6)}`;
    });
    out.write((drawn > 0 ? `\x1b[${drawn}A` : '') + lines.map((l) => `\x1b[2K${l}\n`).join(''));
    drawn = lines.length;
  };

  const plain = (row: Row, text: string): void => {
    out.write(`[${formatDuration(Date.now() - started).padStart(6)}] ${row.operation.label}: ${text}\n`);
  };

  out.write(`rx-lro demo: six operations against the simulator at ${sim.url}\n\n`);
  const scaled = (ms: number) => Math.max(1, Math.round(ms * speed));
  const tracked = rows.map((row, index) => {
    const { operation } = row;
    const script: OperationScript = { ...operation.script, durationMs: scaled(operation.script.durationMs ?? 1000) };
    if (typeof script.retryAfter === 'object' && script.retryAfter.form === 'seconds') {
      script.retryAfter = { form: 'seconds', value: Number((script.retryAfter.value * speed).toFixed(3)) };
    }
    sim.define(`${operation.method} ${operation.path.split('?')[0]}`, script);
    const cancel$ = operation.cancelAfterMs === undefined ? new Subject<void>() : timer(scaled(operation.cancelAfterMs));
    return trackOperation(
      { method: operation.method, url: sim.url + operation.path, body: operation.body },
      { delay: exponentialBackoff(scaled(250), scaled(1000)) },
    ).pipe(
      takeUntil(cancel$),
      map((snapshot) => ({ index, snapshot })),
    );
  });

  // The simulator's log tells which requests belong to an operation: its initial request names it.
  const requestsOf = (row: Row) => {
    const path = row.operation.path.split('?')[0]!.toLowerCase();
    const initial = sim.requests.find((r) => r.kind === 'initial' && r.url.toLowerCase().startsWith(path));
    return initial?.operationId === undefined ? [] : sim.requests.filter((r) => r.operationId === initial.operationId);
  };

  const ticker = live ? setInterval(draw, 100) : undefined;
  if (live) draw();
  await new Promise<void>((resolve) => {
    let open = tracked.length;
    const finish = (row: Row) => {
      row.endedAt ??= Date.now() - started;
      if (--open === 0) resolve();
    };
    tracked.forEach((snapshots$, index) => {
      const row = rows[index]!;
      snapshots$.subscribe({
        next: ({ snapshot }) => {
          const before = row.last;
          row.last = snapshot;
          const percentMoved = (snapshot.percentComplete ?? 0) - (row.printedPercent ?? 0) >= 25;
          if (!live && (before?.status !== snapshot.status || before?.state !== snapshot.state || percentMoved)) {
            row.printedPercent = snapshot.percentComplete;
            const percent = snapshot.percentComplete === undefined ? '' : ` ${Math.round(snapshot.percentComplete)}%`;
            plain(
              row,
              `${snapshot.state} ${snapshot.status}${percent} (polls: ${snapshot.polls})${snapshot.done ? ` → ${outcomeText(snapshot)}` : ''}`,
            );
          }
        },
        error: (error: unknown) => {
          row.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          if (!live) plain(row, `error ${row.error}`);
          finish(row);
        },
        complete: () => {
          if (!row.last?.done) {
            row.canceledByUser = true;
            row.requestsAtCancel = requestsOf(row).length;
            if (!live) plain(row, 'canceled by you (unsubscribed: request aborted, timers cleared)');
          }
          finish(row);
        },
      });
    });
  });
  if (ticker) clearInterval(ticker);
  if (live) draw();

  // Proof that canceling really stops a tracker: wait one more polling interval, then count again.
  await new Promise((resolve) => setTimeout(resolve, scaled(1200)));
  const afterCancel = rows
    .filter((r) => r.canceledByUser)
    .reduce((sum, row) => sum + requestsOf(row).length - (row.requestsAtCancel ?? 0), 0);

  out.write(
    '\n' +
      table(
        ['operation', 'how it is polled', 'state', 'polls', 'time', 'result or error'],
        rows.map((row) => [
          row.operation.label,
          row.operation.how,
          row.canceledByUser ? 'canceled (you)' : row.error ? 'error' : (row.last?.state ?? '?'),
          String(row.last?.polls ?? 0),
          formatDuration(row.endedAt ?? 0),
          row.canceledByUser ? 'unsubscribed: request aborted, no poll after' : (row.error ?? outcomeText(row.last)),
        ]),
      ),
  );
  out.write(
    `\n${sim.requests.length} requests served; ${afterCancel} sent after the cancel. Total ${formatDuration(Date.now() - started)}.\n`,
  );
  await sim.close();
  return 0;
}
