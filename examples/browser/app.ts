// The browser example: buttons start operations against the simulator (or any service whose URL is
// given as ?service=…), one progress bar each, cancel buttons, state kept in localStorage through
// the registry, so a reload resumes what was running, and one tab polls for all tabs of the page.
// The rows are a React component over the registry (useOperations, a useSyncExternalStore hook).
import { createElement as h } from 'react';
import { createRoot } from 'react-dom/client';
import type { OperationRequest } from 'rx-lro';
import { createOperationRegistry, type RegistryEntry } from 'rx-lro/registry';
import { useOperations } from './use-operations';

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

// Shared across tabs: open the page twice and only one of them polls; close it and the other goes on.
const registry = createOperationRegistry({
  storage: localStorage,
  storageKey: 'rx-lro-example',
  shareAcrossTabs: true,
  poll: { delay: 250 },
});

// Keys go on from the highest number in use, so a reload (or another tab) never reuses a live key.
let counter = Number(sessionStorage.getItem('rx-lro-example-counter') ?? '0');
const nextKey = (kind: string): string => {
  for (const key of Object.keys(registry.getState())) counter = Math.max(counter, Number(key.split('-').at(-1)) || 0);
  counter += 1;
  sessionStorage.setItem('rx-lro-example-counter', String(counter));
  return `${kind}-${counter}`;
};

document.getElementById('service')!.textContent = service;
for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-op]')) {
  button.addEventListener('click', () => {
    const kind = button.dataset['op']!;
    registry.track(nextKey(kind), operations[kind]!.request());
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

function Row({ entry }: { entry: RegistryEntry }) {
  const active = entry.phase === 'queued' || entry.phase === 'starting' || entry.phase === 'running';
  // No value: an indeterminate bar (running, with no percentComplete from the service).
  const progress = entry.done
    ? 100
    : entry.percentComplete !== undefined
      ? entry.percentComplete
      : entry.phase === 'canceled' || entry.phase === 'error'
        ? 0
        : undefined;
  return h(
    'tr',
    { 'data-key': entry.key, 'data-phase': entry.phase },
    h('td', null, `${operations[entry.key.split('-')[0]!]?.label ?? entry.key} (${entry.key})`),
    h('td', null, h('progress', { max: 100, value: progress })),
    h(
      'td',
      { className: `state ${entry.phase === 'done' ? entry.state : entry.phase}` },
      entry.phase === 'done' ? entry.state : entry.phase,
    ),
    h('td', { className: 'detail' }, describe(entry)),
    h('td', null, active ? h('button', { className: 'cancel', onClick: () => registry.cancel(entry.key) }, 'Cancel') : null),
  );
}

function Operations() {
  const state = useOperations(registry);
  return Object.values(state).map((entry) => h(Row, { key: entry.key, entry }));
}

createRoot(document.getElementById('operations')!).render(h(Operations));
