// 50 operations at once, at most 8 tracked at a time, against the simulator; prints a summary.
// Each tracker keeps its fault to itself (faultAsData): one account whose monitor refuses access
// (403) ends that tracker only, as data, while the 49 others run to their end.
// Run: npm run examples (the examples run as tests), or copy it into your project.
import { from, last, mergeMap } from 'rxjs';
import { faultAsData, trackOperation } from 'rx-lro';
import { createRequestLimiter } from 'rx-lro/limiter';
import { startSimulator } from 'rx-lro/testing';

export interface MergeSummary {
  succeeded: number;
  failed: number;
  faulted: number;
  requests: number;
}

export async function main(print: (line: string) => void = console.log): Promise<MergeSummary> {
  const sim = await startSimulator({ defaults: { durationMs: 200, percentComplete: true } });
  try {
    // Also keep the request rate to the service in check, across all 50 trackers.
    const limiter = createRequestLimiter({ maxConcurrent: 16, requestsPerSecond: 200 });
    const url = (id: number): string => {
      const outcome = id % 10 === 9 ? 'Failed' : 'Succeeded';
      const fault = id === 13 ? '&sim-fault=poll:1:403' : '';
      return `${sim.url}/subscriptions/demo/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa${id}?api-version=2024-01-01&sim-outcome=${outcome}${fault}`;
    };

    const summary: MergeSummary = { succeeded: 0, failed: 0, faulted: 0, requests: 0 };
    await new Promise<void>((resolve, reject) => {
      from(Array.from({ length: 50 }, (_, id) => id))
        .pipe(
          // The recipe: one tracker per operation, its fault kept as its last item.
          mergeMap(
            (id) =>
              trackOperation({ method: 'PUT', url: url(id), body: { location: 'westus' } }, { delay: 50, limiter, key: `sa${id}` }).pipe(
                faultAsData(),
                last(),
              ),
            8,
          ),
        )
        .subscribe({
          next: (s) => {
            if (s.state === 'error') {
              summary.faulted += 1;
              print(`${s.key}: ${s.error.name} (${s.error.message})`);
              return;
            }
            if (s.state === 'succeeded') summary.succeeded += 1;
            else summary.failed += 1;
            print(`${s.key}: ${s.state} after ${s.polls} polls${s.state !== 'succeeded' && s.done ? ` (${s.error.code})` : ''}`);
          },
          error: reject,
          complete: resolve,
        });
    });
    summary.requests = sim.requests.length;
    print(`${summary.succeeded} succeeded, ${summary.failed} failed, ${summary.faulted} faulted, ${summary.requests} requests`);
    return summary;
  } finally {
    await sim.close();
  }
}
