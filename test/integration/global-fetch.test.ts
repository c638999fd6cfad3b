// A few cases again with `fetch: globalThis.fetch` (Node's undici, WHATWG body streams) instead of cross-fetch.
import { describe, expect, it } from 'vitest';
import { trackOperation, type PollOptions } from '../../src/index';
import {
  NESTED_ERROR,
  POST_RESULT,
  PUT_BODY,
  digest,
  errorOf,
  finish,
  kinds,
  last,
  putResource,
  requestsFor,
  runOp,
  sleep,
  target,
  useSimulator,
} from './helpers';

const sim = useSimulator();

const GLOBAL: PollOptions = { fetch: globalThis.fetch };

describe.concurrent('with fetch: globalThis.fetch', () => {
  it('R1 X1 azure-async-operation PUT succeeds with the resource from the original URL', async () => {
    const result = await runOp(sim(), 'PUT', { pattern: 'azure-async-operation', polls: 2, percentComplete: true }, GLOBAL);
    expect(digest(result.run)).toEqual([
      ['running', 'Accepted', 201, 0],
      ['running', 'InProgress', 200, 1],
      ['succeeded', 'Succeeded', 200, 3],
    ]);
    expect(result.run.snapshots[1]!.percentComplete).toBe(50);
    expect(last(result.run).result).toStrictEqual(putResource(result.t, 'Succeeded'));
    expect(result.reqs[3]!.url).toBe(result.t.pathAndQuery);
    await finish(sim(), result);
  });

  it('R13 R11 a location POST failing with 4xx is a failed snapshot with the whole error', async () => {
    const result = await runOp(
      sim(),
      'POST',
      { pattern: 'location', polls: 2, outcome: 'Failed', locationFailure: 409, error: NESTED_ERROR },
      GLOBAL,
    );
    const end = last(result.run);
    expect(end).toMatchObject({ state: 'failed', status: 'Failed', httpStatus: 409, polls: 2 });
    expect(end.error).toStrictEqual(NESTED_ERROR);
    expect(kinds(result.reqs)).toEqual(['initial', 'poll', 'poll']);
    await finish(sim(), result);
  });

  it('F1 F2 reset-mid-body on a poll is retried', async () => {
    const result = await runOp(
      sim(),
      'POST',
      { pattern: 'operation-location', polls: 3, resource: POST_RESULT, faults: [{ on: 'poll', nth: 2, kind: 'reset-mid-body' }] },
      GLOBAL,
      2_000,
    );
    expect(last(result.run)).toMatchObject({ state: 'succeeded', result: POST_RESULT, polls: 3 });
    expect(result.reqs.map((r) => r.fault)).toEqual([undefined, undefined, 'reset-mid-body', undefined]);
    await finish(sim(), result);
  });

  it('F1 reset on the initial POST is a NetworkError, sent once', async () => {
    const result = await runOp(
      sim(),
      'POST',
      { pattern: 'azure-async-operation', polls: 1, faults: [{ on: 'initial', kind: 'reset' }] },
      GLOBAL,
    );
    expect(errorOf(result.run)).toMatchObject({ name: 'NetworkError', method: 'POST' });
    expect(kinds(result.reqs)).toEqual(['initial']);
    await finish(sim(), result);
  });

  it('F1 503 on a poll is retried', async () => {
    const result = await runOp(
      sim(),
      'DELETE',
      { pattern: 'azure-async-operation', polls: 2, faults: [{ on: 'poll', kind: 503 }] },
      GLOBAL,
    );
    expect(result.reqs.map((r) => r.status)).toEqual([202, 503, 200]);
    expect(last(result.run)).toMatchObject({ state: 'succeeded', polls: 2 });
    await finish(sim(), result);
  });

  it('F2 a body above maxBodyBytes is a ProtocolError (F2)', async () => {
    const result = await runOp(
      sim(),
      'PUT',
      { pattern: 'azure-async-operation', polls: 2, faults: [{ on: 'poll', kind: 'oversized-json', bytes: 50_000 }] },
      { ...GLOBAL, maxBodyBytes: 2_048 },
    );
    expect(errorOf(result.run)).toMatchObject({ name: 'ProtocolError', rule: 'F2' });
    expect(kinds(result.reqs)).toEqual(['initial', 'poll']);
    await finish(sim(), result);
  });

  it('R9 malformed JSON from a status monitor is a ProtocolError', async () => {
    const result = await runOp(
      sim(),
      'PUT',
      { pattern: 'azure-async-operation', polls: 2, faults: [{ on: 'poll', kind: 'malformed-json' }] },
      GLOBAL,
    );
    const error = errorOf(result.run);
    expect(error).toMatchObject({ name: 'ProtocolError', rule: 'R9' });
    expect(typeof error['body']).toBe('string');
    await finish(sim(), result);
  });

  it('F3 unsubscribing aborts the poll in flight; nothing follows', async () => {
    const t = target(sim());
    // The slow answer is due 1.5 s after the poll came: time enough to hang up first, and the wait
    // below outlasts it, so an answer still written (a poll not aborted) shows.
    sim().define(t.path, { pattern: 'azure-async-operation', polls: 50, faults: [{ on: 'poll', nth: 1, kind: 'slow', delayMs: 1_500 }] });
    const subscription = trackOperation({ method: 'PUT', url: t.url, body: PUT_BODY }, { ...GLOBAL, delay: 10 }).subscribe();
    for (let i = 0; i < 2_000 && requestsFor(sim(), t).length < 2; i++) await sleep(5);
    subscription.unsubscribe();
    await sleep(2_000);
    const reqs = requestsFor(sim(), t);
    expect(kinds(reqs)).toEqual(['initial', 'poll']);
    expect(reqs[1]!.status).toBeUndefined();
  });
});
