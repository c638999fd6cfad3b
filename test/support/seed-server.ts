import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The paths of the seed article's three examples, with the placeholders filled in. */
export const SEED_PATHS = {
  e1Start: '/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1/start?api-version=2016-03-30',
  e1Monitor:
    '/subscriptions/sub1/providers/Microsoft.Compute/locations/westus/operations/9a062a88-e463-4697-bef2-fe039df73a02?api-version=2016-03-30',
  e2Deployment: '/subscriptions/sub1/resourcegroups/rg1/providers/microsoft.resources/deployments/dep1?api-version=2016-09-01',
  e2Monitor:
    '/subscriptions/sub1/resourcegroups/rg1/providers/Microsoft.Resources/deployments/dep1/operationStatuses/op2?api-version=2016-09-01',
  e3Account: '/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/sa1?api-version=2016-01-01',
  e3Location: '/subscriptions/sub1/providers/Microsoft.Storage/operations/op3?monitor=true&api-version=2016-01-01',
};

export const SEED_BODIES = {
  e1InProgress: { startTime: '2017-01-06T18:58:24.7596323+00:00', status: 'InProgress', name: '9a062a88-e463-4697-bef2-fe039df73a02' },
  e2Deployment: {
    id: '/subscriptions/sub1/resourcegroups/rg1/providers/microsoft.resources/deployments/dep1',
    name: 'dep1',
    properties: { provisioningState: 'Succeeded' },
  },
  e3Account: {
    location: 'South Central US',
    properties: { provisioningState: 'Succeeded' },
    sku: { name: 'Standard_LRS' },
    kind: 'Storage',
  },
};

/**
 * A small real HTTP server playing the seed article's examples E1–E3 on 127.0.0.1, with the
 * article's status codes, headers and bodies (E3's Retry-After shortened to 0.017 s).
 */
export async function startSeedServer(): Promise<{ url: string; log: string[]; close(): Promise<void> }> {
  const log: string[] = [];
  const count = new Map<string, number>();
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '';
    const origin = `http://${req.headers.host}`;
    log.push(`${req.method} ${path}`);
    const n = (count.get(path) ?? 0) + 1;
    count.set(path, n);
    req.resume();
    if (req.method === 'POST' && path === SEED_PATHS.e1Start)
      return json(res, 202, undefined, { 'Azure-AsyncOperation': origin + SEED_PATHS.e1Monitor });
    if (path === SEED_PATHS.e1Monitor)
      return json(res, 200, n < 2 ? SEED_BODIES.e1InProgress : { ...SEED_BODIES.e1InProgress, status: 'Succeeded' });
    if (req.method === 'PUT' && path === SEED_PATHS.e2Deployment)
      return json(res, 201, { provisioningState: 'Accepted' }, { 'Azure-AsyncOperation': origin + SEED_PATHS.e2Monitor });
    if (path === SEED_PATHS.e2Monitor) return json(res, 200, { status: n < 2 ? 'Running' : 'Succeeded' });
    if (req.method === 'GET' && path === SEED_PATHS.e2Deployment) return json(res, 200, SEED_BODIES.e2Deployment);
    if (req.method === 'PUT' && path === SEED_PATHS.e3Account)
      return json(res, 202, undefined, { Location: origin + SEED_PATHS.e3Location, 'Retry-After': '0.017' });
    if (path === SEED_PATHS.e3Location)
      return n < 2
        ? json(res, 202, undefined, { Location: origin + SEED_PATHS.e3Location, 'Retry-After': '0.017' })
        : json(res, 200, SEED_BODIES.e3Account);
    json(res, 404, { error: { code: 'NotFound', message: path } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
