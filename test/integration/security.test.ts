// S1 credentials over real HTTP: the authorize hook's headers only go to trusted origins, and never into logs.
import { lastValueFrom, take } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finalResult, resumeOperation, trackOperation, type AuthorizeHook } from '../../src/index';
import { startSimulator, type Simulator } from '../../src/testing/index';
import { POST_RESULT, errorOf, finish, kinds, last, putResource, requestsFor, runOp, target } from './helpers';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
});

const SECRET = 'secret-token';

function recordingAuthorize(): { authorize: AuthorizeHook; calls: { method: string; url: string }[] } {
  const calls: { method: string; url: string }[] = [];
  return {
    calls,
    authorize: (request) => {
      calls.push({ method: request.method, url: request.url });
      return { authorization: `Bearer ${SECRET}` };
    },
  };
}

/** The secret never reaches the simulator's log, the snapshots or the error. */
function expectNoSecret(...values: unknown[]): void {
  expect(JSON.stringify(sim.requests)).not.toContain(SECRET);
  for (const value of values) expect(JSON.stringify(value) ?? '').not.toContain(SECRET);
}

describe.concurrent('S1 credentials', () => {
  it('S1 every request to the initial origin carries the authorization header: initial, polls, Location and resourceLocation', async () => {
    const { authorize, calls } = recordingAuthorize();
    const result = await runOp(
      sim,
      'POST',
      { pattern: 'azure-async-operation', polls: 3, location: true, resourceLocation: true, resource: POST_RESULT },
      { authorize },
    );
    const { reqs, run } = result;
    expect(kinds(reqs)).toEqual(['initial', 'poll', 'poll', 'poll', 'final']);
    for (const r of reqs) {
      expect(r.listener).toBe('main');
      expect(r.headerNames).toContain('authorization');
    }
    // Asked once per request, with the URL it is for (so a token can be scoped and renewed).
    expect(calls.map((c) => c.method)).toEqual(['POST', 'GET', 'GET', 'GET', 'GET']);
    expect(calls.map((c) => new URL(c.url).pathname + new URL(c.url).search)).toEqual(reqs.map((r) => r.url));
    expect(last(run).result).toStrictEqual(POST_RESULT);
    expectNoSecret(run.snapshots);
    await finish(sim, result);
  });

  it('S1 F1 retried requests ask for credentials again and carry them', async () => {
    const { authorize, calls } = recordingAuthorize();
    const result = await runOp(
      sim,
      'PUT',
      {
        pattern: 'location',
        polls: 2,
        faults: [
          { on: 'initial', kind: 503 },
          { on: 'poll', nth: 1, kind: 'reset' },
        ],
      },
      { authorize, finalStateVia: 'original-uri' },
    );
    expect(result.reqs.map((r) => [r.method, r.status])).toEqual([
      ['PUT', 503],
      ['PUT', 202],
      ['GET', undefined],
      ['GET', 200],
    ]);
    for (const r of result.reqs) expect(r.headerNames).toContain('authorization');
    expect(calls).toHaveLength(4);
    expect(last(result.run).result).toStrictEqual(putResource(result.t, 'Succeeded'));
    expectNoSecret(result.run.snapshots);
    await finish(sim, result);
  });

  it('S1 an async authorize hook works the same', async () => {
    const authorize: AuthorizeHook = async () => {
      await new Promise((resolve) => setTimeout(resolve, 2));
      return { authorization: `Bearer ${SECRET}` };
    };
    const result = await runOp(sim, 'PATCH', { pattern: 'provisioning-state', polls: 2 }, { authorize });
    expect(kinds(result.reqs)).toEqual(['initial', 'poll', 'poll']);
    for (const r of result.reqs) expect(r.headerNames).toContain('authorization');
    expect(last(result.run).state).toBe('succeeded');
    expectNoSecret(result.run.snapshots);
    await finish(sim, result);
  });

  it('S1 a polling URL on another origin is refused: the other origin receives no request, so no credential', async () => {
    const { authorize, calls } = recordingAuthorize();
    const result = await runOp(
      sim,
      'PUT',
      { pattern: 'azure-async-operation', polls: 2, location: true, faults: [{ on: 'initial', kind: 'other-origin' }] },
      { authorize },
    );
    const error = errorOf(result.run);
    expect(error).toMatchObject({ name: 'SecurityError', code: 'security' });
    expect(result.reqs.filter((r) => r.listener === 'other-origin')).toHaveLength(0);
    expect(sim.requests.filter((r) => r.listener === 'other-origin' && r.headerNames.includes('authorization'))).toHaveLength(0);
    expect(calls.every((c) => c.url.startsWith(sim.url))).toBe(true);
    expect(calls).toHaveLength(1);
    expectNoSecret(result.run.snapshots, error);
    await finish(sim, result);
  });

  it('S1 R8 a monitor moved to another origin mid-operation is refused before any credential goes there', async () => {
    const { authorize, calls } = recordingAuthorize();
    const result = await runOp(
      sim,
      'DELETE',
      { pattern: 'azure-async-operation', polls: 4, faults: [{ on: 'poll', nth: 2, kind: 'other-origin' }] },
      { authorize },
    );
    expect(errorOf(result.run)).toMatchObject({ name: 'SecurityError' });
    expect(result.reqs.map((r) => r.listener)).toEqual(['main', 'main', 'main']);
    for (const r of result.reqs) expect(r.headerNames).toContain('authorization');
    expect(calls.some((c) => c.url.startsWith(sim.otherOriginUrl))).toBe(false);
    expectNoSecret(result.run.snapshots);
    await finish(sim, result);
  });

  it('S1 a final URL (resourceLocation) on another origin is refused', async () => {
    const { authorize, calls } = recordingAuthorize();
    const result = await runOp(
      sim,
      'PUT',
      { pattern: 'operation-location', polls: 2, resourceLocation: true, faults: [{ on: 'poll', nth: 2, kind: 'other-origin' }] },
      { authorize },
    );
    expect(errorOf(result.run)).toMatchObject({ name: 'SecurityError' });
    expect(result.reqs.filter((r) => r.listener === 'other-origin')).toHaveLength(0);
    expect(calls.some((c) => c.url.startsWith(sim.otherOriginUrl))).toBe(false);
    await finish(sim, result);
  });

  it('S1 rewriteUrl maps the other origin onto the trusted one: credentials only ever go to the main origin', async () => {
    const { authorize, calls } = recordingAuthorize();
    const result = await runOp(
      sim,
      'PUT',
      { pattern: 'azure-async-operation', polls: 2, faults: [{ on: 'initial', kind: 'other-origin' }] },
      { authorize, rewriteUrl: (url) => url.replace(sim.otherOriginUrl, sim.url) },
    );
    expect(last(result.run).state).toBe('succeeded');
    expect(result.reqs.map((r) => r.listener)).toEqual(['main', 'main', 'main', 'main']);
    for (const r of result.reqs) expect(r.headerNames).toContain('authorization');
    expect(calls.every((c) => c.url.startsWith(sim.url))).toBe(true);
    expectNoSecret(result.run.snapshots);
    await finish(sim, result);
  });

  it('S1 allowedOrigins: the allowed origin is polled (and may receive the credentials)', async () => {
    const { authorize } = recordingAuthorize();
    const result = await runOp(
      sim,
      'PUT',
      { pattern: 'azure-async-operation', polls: 2, faults: [{ on: 'initial', kind: 'other-origin' }] },
      { authorize, allowedOrigins: [sim.otherOriginUrl] },
    );
    expect(last(result.run).state).toBe('succeeded');
    const other = result.reqs.filter((r) => r.listener === 'other-origin');
    expect(other.map((r) => r.kind)).toEqual(['poll', 'poll']);
    for (const r of result.reqs) expect(r.headerNames).toContain('authorization');
    expectNoSecret(result.run.snapshots);
    await finish(sim, result);
  });

  it('S1 F4 an HttpError and an OperationFailedError carry no credential', async () => {
    const { authorize } = recordingAuthorize();
    const httpFailure = await runOp(
      sim,
      'PUT',
      { pattern: 'azure-async-operation', polls: 2, faults: [{ on: 'poll', kind: 403 }] },
      { authorize },
    );
    const error = errorOf(httpFailure.run);
    expect(error).toMatchObject({ name: 'HttpError', status: 403 });
    expectNoSecret(error, httpFailure.run.snapshots);

    const t = target(sim);
    sim.define(t.path, { pattern: 'location', polls: 1, outcome: 'Failed' });
    const failed = await lastValueFrom(
      trackOperation({ method: 'DELETE', url: t.url }, { delay: 10, authorize }).pipe(finalResult()),
    ).catch((e: unknown) => e);
    expect(failed).toMatchObject({ name: 'OperationFailedError', state: 'failed' });
    expectNoSecret(failed);
    for (const r of requestsFor(sim, t)) expect(r.headerNames).toContain('authorization');
    await finish(sim, httpFailure);
  });

  it('S1 S3 a resume token whose polling URL was moved to another origin is refused before any request, credentials or not', async () => {
    const { authorize, calls } = recordingAuthorize();
    const t = target(sim);
    sim.define(t.path, { pattern: 'azure-async-operation', polls: 3 });
    // A genuine token, taken from the first snapshot, then tampered with: its monitor now points elsewhere.
    const first = await lastValueFrom(trackOperation({ method: 'PUT', url: t.url, body: {} }, { delay: 10, authorize }).pipe(take(1)));
    const token = { ...first.resumeToken, pollUrl: first.resumeToken.pollUrl!.replace(sim.url, sim.otherOriginUrl) };
    const before = sim.requests.filter((r) => r.listener === 'other-origin').length;
    const error = await lastValueFrom(resumeOperation(token, { delay: 10, authorize })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'SecurityError', code: 'security' });
    expect(sim.requests.filter((r) => r.listener === 'other-origin').length).toBe(before);
    expect(calls.some((c) => c.url.startsWith(sim.otherOriginUrl))).toBe(false);
    // The untampered token resumes, with the credentials, on the main origin only.
    const resumed = await lastValueFrom(resumeOperation(first.resumeToken, { delay: 10, authorize }));
    expect(resumed.state).toBe('succeeded');
    for (const r of requestsFor(sim, t)) {
      expect(r.listener).toBe('main');
      expect(r.headerNames).toContain('authorization');
    }
  });

  it('static `headers` go with every request too', async () => {
    const result = await runOp(
      sim,
      'POST',
      { pattern: 'location', polls: 2, resource: POST_RESULT },
      { headers: { 'x-ms-client-request-id': 'abc' } },
    );
    for (const r of result.reqs) expect(r.headerNames).toContain('x-ms-client-request-id');
    expect(last(result.run).result).toStrictEqual(POST_RESULT);
    await finish(sim, result);
  });
});
