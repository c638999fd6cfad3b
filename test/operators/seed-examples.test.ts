import { of, share } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { finalResult, pollOperation, trackOperation, type OperationSnapshot } from '../../src/index';
import { httpDouble } from '../support/http-double';
import { testScheduler } from '../support/virtual';

// The seed article's three worked examples, byte for byte: the same URLs, headers and bodies.
const SUB = 'https://management.azure.com/subscriptions/{subscription-id}';

describe('E1 start a virtual machine: POST → 202 with Azure-AsyncOperation', () => {
  const start = `${SUB}/resourceGroups/{resource-group}/providers/Microsoft.Compute/virtualMachines/{vm-name}/start?api-version=2016-03-30`;
  const monitor = `${SUB}/providers/Microsoft.Compute/locations/{region}/operations/{operation-id}?api-version=2016-03-30`;

  it('E1 polls the monitor: InProgress (startTime, name) then Succeeded', () => {
    const scheduler = testScheduler();
    scheduler.run((helpers) => {
      const inProgress = {
        startTime: '2017-01-06T18:58:24.7596323+00:00',
        status: 'InProgress',
        name: '9a062a88-e463-4697-bef2-fe039df73a02',
      };
      const { http, sent } = httpDouble(scheduler, helpers, {
        [start]: [{ status: 202, headers: { 'Azure-AsyncOperation': monitor }, latencyMs: 200 }],
        [monitor]: [
          { status: 200, body: inProgress },
          { status: 200, body: { ...inProgress, status: 'Succeeded', endTime: '2017-01-06T18:59:10.1234567+00:00' } },
        ],
      });
      const snapshots: OperationSnapshot[] = [];
      let completedAt = -1;
      trackOperation({ method: 'POST', url: start }, { http }).subscribe({
        next: (s) => snapshots.push(s),
        complete: () => (completedAt = scheduler.now()),
      });
      scheduler.flush();
      expect(sent.map((r) => [r.method, r.url, r.time])).toEqual([
        ['POST', start, 0],
        ['GET', monitor, 1200],
        ['GET', monitor, 3300],
      ]);
      expect(snapshots.map((s) => [s.state, s.status, s.httpStatus, s.polls])).toEqual([
        ['running', 'Accepted', 202, 0],
        ['running', 'InProgress', 200, 1],
        ['succeeded', 'Succeeded', 200, 2],
      ]);
      expect(snapshots[1]!.operation).toEqual({ name: inProgress.name, startTime: inProgress.startTime });
      expect(snapshots[2]).toMatchObject({ done: true, operation: { endTime: '2017-01-06T18:59:10.1234567+00:00' } });
      expect(completedAt).toBe(3400);
    });
  });
});

describe('E2 deploy resources: PUT → 201 with provisioningState Accepted and Azure-AsyncOperation', () => {
  const deployment = `${SUB}/resourcegroups/{resource-group}/providers/microsoft.resources/deployments/{deployment-name}?api-version=2016-09-01`;
  const monitor = `${SUB}/resourcegroups/{resource-group}/providers/Microsoft.Resources/deployments/{deployment-name}/operationStatuses/{operation-id}?api-version=2016-09-01`;

  it('E2 Running … Succeeded, then the deployment resource from the original URL', () => {
    const scheduler = testScheduler();
    scheduler.run((helpers) => {
      const resource = {
        id: '/deployments/d1',
        name: '{deployment-name}',
        properties: { provisioningState: 'Succeeded', mode: 'Incremental' },
      };
      const { http, sent } = httpDouble(scheduler, helpers, {
        [monitor]: [
          { status: 200, body: { status: 'Running' } },
          { status: 200, body: { status: 'Running' } },
          { status: 200, body: { status: 'Succeeded' } },
        ],
        [deployment]: [{ status: 200, body: resource }],
      });
      const initial = {
        request: { method: 'PUT', url: deployment },
        response: { status: 201, headers: { 'Azure-AsyncOperation': monitor }, body: { provisioningState: 'Accepted' } },
      };
      const snapshots: OperationSnapshot[] = [];
      of(initial)
        .pipe(pollOperation({ http }))
        .subscribe((s) => snapshots.push(s));
      scheduler.flush();
      expect(snapshots.map((s) => [s.state, s.status, s.httpStatus])).toEqual([
        ['running', 'Accepted', 201],
        ['running', 'Running', 200],
        ['running', 'Running', 200],
        ['succeeded', 'Succeeded', 200],
      ]);
      expect(snapshots[3]!.result).toEqual(resource);
      expect(snapshots[3]!.polls).toBe(4);
      expect(sent.map((r) => r.url)).toEqual([monitor, monitor, monitor, deployment]);
      // 1 s, 2 s, 4 s of backoff, each after a 100 ms answer; the final GET goes at once.
      expect(sent.map((r) => r.time)).toEqual([1000, 3100, 7200, 7300]);
    });
  });
});

describe('E3 create a storage account: PUT → 202 with Location and Retry-After: 17', () => {
  const account = `${SUB}/resourceGroups/{resource-group}/providers/Microsoft.Storage/storageAccounts/{storage-name}?api-version=2016-01-01`;
  const location = `${SUB}/providers/Microsoft.Storage/operations/{operation-id}?monitor=true&api-version=2016-01-01`;
  const requestBody = { location: 'South Central US', properties: {}, sku: { name: 'Standard_LRS' }, kind: 'Storage' };

  it('E3 the first poll happens 17 s after the initial response; 202 until done, then 200 with the account', () => {
    const scheduler = testScheduler();
    scheduler.run((helpers) => {
      const created = {
        ...requestBody,
        name: '{storage-name}',
        properties: { provisioningState: 'Succeeded', primaryEndpoints: { blob: 'https://x.blob.core.windows.net/' } },
      };
      const { http, sent } = httpDouble(scheduler, helpers, {
        [account]: [{ status: 202, headers: { Location: location, 'Retry-After': '17' }, latencyMs: 300 }],
        [location]: [
          { status: 202, headers: { Location: location, 'Retry-After': '17' } },
          { status: 200, body: created },
        ],
      });
      const snapshots: OperationSnapshot[] = [];
      let result: unknown;
      const tracked = trackOperation({ method: 'PUT', url: account, body: requestBody }, { http }).pipe(share());
      tracked.subscribe((s) => snapshots.push(s));
      tracked.pipe(finalResult()).subscribe((r) => (result = r));
      scheduler.flush();
      const own = sent;
      expect(own.map((r) => [r.method, r.url, r.time])).toEqual([
        ['PUT', account, 0],
        ['GET', location, 300 + 17_000],
        ['GET', location, 300 + 17_000 + 100 + 17_000],
      ]);
      expect(JSON.parse(own[0]!.body!)).toEqual(requestBody);
      expect(own[0]!.headers['content-type']).toBe('application/json');
      expect(snapshots.map((s) => [s.state, s.httpStatus, s.nextPollInMs])).toEqual([
        ['running', 202, 17_000],
        ['running', 202, 17_000],
        ['succeeded', 200, undefined],
      ]);
      expect(snapshots[2]!.result).toEqual(created);
      expect(result).toEqual(created);
    });
  });
});
