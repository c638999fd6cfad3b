// The leak test: 10,000 trackers against the simulator, two in three unsubscribed at a random point,
// in a Node process of their own (so nothing of the test runner is counted), built package by name.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const run = promisify(execFile);

const TRACKERS = 10_000;
/** Heap allowed above the warmed-up baseline after all trackers: caches of the HTTP agent, JIT feedback. */
const HEAP_MARGIN_BYTES = 4 * 1024 * 1024;
/** Growth allowed between the two halves of the run: under 100 bytes per tracker. */
const SECOND_HALF_MARGIN_BYTES = (TRACKERS / 2) * 100;

describe('F3 leaks', () => {
  it(`F3 T6 ${TRACKERS} trackers subscribed and unsubscribed at random points leave no timer, no socket, and the heap at its baseline`, async () => {
    const { stdout } = await run(
      process.execPath,
      ['--expose-gc', join(root, 'test', 'fixtures', 'leak-run.mjs'), String(TRACKERS), '200'],
      {
        cwd: root,
        timeout: 120_000,
      },
    );
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(report.outcomes.errors).toBe(0);
    expect(report.outcomes.finished + report.outcomes.cut).toBe(TRACKERS);
    expect(report.outcomes.finished).toBeGreaterThan(TRACKERS / 10);
    expect(report.outcomes.cut).toBeGreaterThan(TRACKERS / 10);
    // Nothing keeps the process alive but its stdio pipes: no timer (Timeout), no socket
    // (TCPSocketWrap), no server (TCPServerWrap), after each half as before the run.
    const live = (resources: Record<string, number>) => Object.keys(resources).filter((name) => name !== 'PipeWrap' && name !== 'TTYWrap');
    expect(live(report.baseline.resources)).toEqual([]);
    expect(live(report.middle.resources)).toEqual([]);
    expect(live(report.after.resources)).toEqual([]);
    expect(report.heapGrowth).toBeLessThan(HEAP_MARGIN_BYTES);
    expect(report.secondHalfGrowth).toBeLessThan(SECOND_HALF_MARGIN_BYTES);
  }, 150_000);
});
