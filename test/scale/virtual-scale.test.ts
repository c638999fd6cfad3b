// 100,000 trackers in virtual time (TestScheduler): every one completes with exactly the requests its
// script calls for. A correctness check at scale, not a timing: speed is measured in bench/.
import { Observable, from, mergeMap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { pollOperation, type HttpClient, type HttpResponse, type OperationStart } from '../../src/index';
import { testScheduler } from '../support/virtual';

const TRACKERS = 100_000;
/** Trackers in flight at once (the TestScheduler keeps its queue sorted, so this bounds its cost). */
const CONCURRENT = 100;
const ORIGIN = 'https://management.azure.com';

describe('T6 at scale', () => {
  it(`T6 F1 ${TRACKERS.toLocaleString('en')} trackers in virtual time complete with the right number of requests each`, () => {
    const scheduler = testScheduler();
    const requests = new Uint8Array(TRACKERS);
    const finals = new Uint8Array(TRACKERS);
    const done = new Uint8Array(TRACKERS);
    let completed = 0;
    // Operation i: its monitor answers Running (i % 4) times, with a 503 first when i % 7 === 0 (retried),
    // then Succeeded; then the final GET of the resource.
    const pollsOf = (i: number): number => i % 4;
    const http: HttpClient = (request) =>
      new Observable<HttpResponse>((subscriber) => {
        const match = /\/(op|things)\/(\d+)/.exec(request.url)!;
        const i = Number(match[2]);
        const n = ++requests[i]!;
        let response: HttpResponse;
        if (match[1] === 'things') {
          finals[i]! += 1;
          response = { status: 200, headers: {}, body: { id: i } };
        } else if (i % 7 === 0 && n === 1) {
          response = { status: 503, headers: { 'retry-after': '1' } };
        } else {
          const running = n - (i % 7 === 0 ? 1 : 0) <= pollsOf(i);
          response = { status: 200, headers: running ? { 'retry-after': '5' } : {}, body: { status: running ? 'Running' : 'Succeeded' } };
        }
        return scheduler.schedule(() => {
          subscriber.next(response);
          subscriber.complete();
        }, 100);
      });
    const start = (i: number): OperationStart => ({
      request: { method: 'PUT', url: `${ORIGIN}/things/${i}` },
      response: { status: 201, headers: { 'azure-asyncoperation': `${ORIGIN}/op/${i}` } },
    });
    scheduler.run(() => {
      from(Array.from({ length: TRACKERS }, (_, i) => i))
        .pipe(mergeMap((i) => from([start(i)]).pipe(pollOperation({ http, retry: { baseDelayMs: 1000, jitter: 0 } })), CONCURRENT))
        .subscribe({
          next: (s) => {
            if (!s.done) return;
            const i = Number(/\/things\/(\d+)/.exec(s.resumeToken.url)![1]);
            done[i]! += s.state === 'succeeded' ? 1 : 100;
          },
          complete: () => (completed += 1),
        });
    });
    expect(completed).toBe(1);
    let wrong = 0;
    for (let i = 0; i < TRACKERS; i++) {
      const expectedMonitor = pollsOf(i) + 1 + (i % 7 === 0 ? 1 : 0);
      // requests[] counts the monitor's GETs and the final GET together.
      if (done[i] !== 1 || finals[i] !== 1 || requests[i] !== expectedMonitor + 1) wrong += 1;
    }
    expect(wrong).toBe(0);
  }, 120_000);
});
