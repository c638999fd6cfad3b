// The browser example: buttons start operations against the simulator (or any service whose URL is
// given as ?service=…), one progress bar each, cancel buttons, state kept in localStorage through
// the registry, so a reload resumes what was running.
import type { OperationRequest } from 'rx-lro';
import { createOperationRegistry, type RegistryEntry } from 'rx-lro/registry';

const service = new URLSearchParams(location.search).get('service') ?? 'http://127.0.0.1:8080';
const base = `${service}/subscriptions/browser/resourceGroups/rg/providers`;

/** What each button starts. `sim-*` parameters tell the simulator how the operation behaves. */
const operations: Record<string, { label: string; request: () => OperationRequest }> = {
  vm: {
    label: 'Start VM',
    request: () => ({
      method: 'POST',
      url: `${base}/Microsoft.Compute/virtualMachines/vm-web-01/start?api-version=2024-07-01&sim-duration=3000&sim-percent=true`,
    }),
  },
  deploy: {
    label: 'Deploy template',
    request: () => ({
      method: 'PUT',
      url: `${base}/Microsoft.Resources/deployments/web-stack?api-version=2024-03-01&sim-duration=3500&sim-percent=true`,
      body: { properties: { mode: 'Incremental' } },
    }),
  },
  storage: {
    label: 'Create storage account',
    request: () => ({
      method: 'PUT',
      url: `${base}/Microsoft.Storage/storageAccounts/webdata01?api-version=2024-01-01&sim-pattern=location&sim-duration=3000&sim-retry-after=ms:300`,
      body: { location: 'westus', sku: { name: 'Standard_LRS' } },
    }),
  },
  delete: {
    label: 'Delete resource group',
    request: () => ({
      method: 'DELETE',
      url: `${service}/subscriptions/browser/resourceGroups/rg-old?api-version=2024-03-01&sim-pattern=location&sim-duration=20000`,
    }),
  },
};

const registry = createOperationRegistry({ storage: localStorage, storageKey: 'rx-lro-example', poll: { delay: 250 } });

let counter = Number(sessionStorage.getItem('rx-lro-example-counter') ?? '0');
document.getElementById('service')!.textContent = service;
for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-op]')) {
  button.addEventListener('click', () => {
    const kind = button.dataset['op']!;
    counter += 1;
    sessionStorage.setItem('rx-lro-example-counter', String(counter));
    registry.track(`${kind}-${counter}`, operations[kind]!.request());
  });
}
document.getElementById('clear')!.addEventListener('click', () => {
  for (const entry of Object.values(registry.getState()))
    if (entry.phase === 'done' || entry.phase === 'error' || entry.phase === 'canceled') registry.remove(entry.key);
});

function describe(entry: RegistryEntry): string {
  if (entry.phase === 'canceled') return `stopped by you (last status: ${entry.status ?? 'none'})`;
  if (entry.phase === 'error') return `${entry.fault?.name}: ${entry.fault?.message}`;
  if (entry.error) return `${entry.error.code}: ${entry.error.message}`;
  if (entry.state === 'succeeded') {
    const result = entry.result as { name?: string; status?: unknown } | undefined;
    // An action whose monitor carried no result of its own gives back the monitor body: nothing to show.
    if (result === undefined || typeof result.status === 'string') return 'done';
    return result.name ?? JSON.stringify(result).slice(0, 60);
  }
  return entry.status ?? '';
}

function render(): void {
  const rows = Object.values(registry.getState()).map((entry) => {
    const row = document.createElement('tr');
    row.dataset['key'] = entry.key;
    row.dataset['phase'] = entry.phase;
    const name = document.createElement('td');
    name.textContent = `${operations[entry.key.split('-')[0]!]?.label ?? entry.key} (${entry.key})`;
    const progressCell = document.createElement('td');
    const bar = document.createElement('progress');
    bar.max = 100;
    if (entry.done) bar.value = 100;
    else if (entry.percentComplete !== undefined) bar.value = entry.percentComplete;
    else if (entry.phase === 'canceled' || entry.phase === 'error') bar.value = 0;
    else bar.removeAttribute('value'); // indeterminate: running, with no percentComplete from the service
    progressCell.append(bar);
    const state = document.createElement('td');
    state.className = `state ${entry.phase === 'done' ? entry.state : entry.phase}`;
    state.textContent = entry.phase === 'done' ? entry.state! : entry.phase;
    const detail = document.createElement('td');
    detail.className = 'detail';
    detail.textContent = describe(entry);
    const actions = document.createElement('td');
    if (entry.phase === 'queued' || entry.phase === 'starting' || entry.phase === 'running') {
      const cancel = document.createElement('button');
      cancel.textContent = 'Cancel';
      cancel.className = 'cancel';
      cancel.addEventListener('click', () => registry.cancel(entry.key));
      actions.append(cancel);
    }
    row.append(name, progressCell, state, detail, actions);
    return row;
  });
  document.getElementById('operations')!.replaceChildren(...rows);
}

registry.state$.subscribe(render);
