// 50 operations at once, at most 8 tracked at a time, against the simulator; prints a summary.
// Run: npm run examples (the examples run as tests), or copy it into your project.
import { from, mergeMap, last, map, type Observable } from 'rxjs';
import { trackOperation, type OperationSnapshot } from 'rx-lro';
import { createRequestLimiter } from 'rx-lro/limiter';
import { startSimulator } from 'rx-lro/testing';

export interface MergeSummary {
  succeeded: number;
  failed: number;
  requests: number;
}

export async function main(print: (line: string) => void = console.log): Promise<MergeSummary> {
  const sim = await startSimulator({ defaults: { durationMs: 200, percentComplete: true } });
  try {
    // Also keep the request rate to the service in check, across all 50 trackers.
    const limiter = createRequestLimiter({ maxConcurrent: 16, requestsPerSecond: 200 });
    const ids = Array.from({ length: 50 }, (_, i) => i);
    const outcome = (id: number): Observable<OperationSnapshot> =>
      trackOperation(
        {
          method: 'PUT',
          url: `${sim.url}/subscriptions/demo/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa${id}?api-version=2024-01-01&sim-outcome=${id % 10 === 9 ? 'Failed' : 'Succeeded'}`,
          body: { location: 'westus' },
        },
        { delay: 50, limiter },
      ).pipe(last());

    const summary: MergeSummary = { succeeded: 0, failed: 0, requests: 0 };
    await new Promise<void>((resolve, reject) => {
      from(ids)
        .pipe(mergeMap((id) => outcome(id).pipe(map((s) => ({ id, s }))), 8))
        .subscribe({
          next: ({ id, s }) => {
            if (s.state === 'succeeded') summary.succeeded += 1;
            else summary.failed += 1;
            print(`sa${id}: ${s.state} after ${s.polls} polls${s.error ? ` (${s.error.code})` : ''}`);
          },
          error: reject,
          complete: resolve,
        });
    });
    summary.requests = sim.requests.length;
    print(`${summary.succeeded} succeeded, ${summary.failed} failed, ${summary.requests} requests`);
    return summary;
  } finally {
    await sim.close();
  }
}
