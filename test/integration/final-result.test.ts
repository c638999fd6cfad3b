// The final-result and failure cases seen on servers nobody on the team wrote, each played by the
// simulator as a pattern of its own and tracked over real HTTP with the default client (PROTOCOL X1,
// X3, X5, R11, R13, R14, R16).
import { describe, expect, it } from 'vitest';
import { type LroMethod, type PollOptions } from '../../src/index';
import type { OperationScript, RecordedRequest } from '../../src/testing/index';
import {
  POST_RESULT,
  errorOf,
  sleep,
  finish as finishShared,
  last,
  patchResource,
  putResource,
  runOp as runShared,
  type OpRun,
  useSimulator,
} from './helpers';

const sim = useSimulator();

const runOp = (method: LroMethod, script: OperationScript, options: PollOptions = {}): Promise<OpRun> =>
  runShared(sim(), method, script, options);
const finish = (result: OpRun): Promise<void> => finishShared(sim(), result);
const finals = (result: OpRun): RecordedRequest[] => result.reqs.filter((r) => r.kind === 'final');
const originalGets = (result: OpRun): RecordedRequest[] => result.reqs.filter((r) => r.method === 'GET' && r.url === result.t.pathAndQuery);
// Requests outside the operation's own URLs, such as a wrong relative header's `/foo`.
const sentTo = (path: string): RecordedRequest[] => sim().requests.filter((r) => r.url.split('?')[0] === path);

describe.concurrent('X1 X5 PUT and PATCH via a status monitor: the resource, whatever finalStateVia says', () => {
  for (const via of ['azure-async-operation', 'operation-location', undefined] as const) {
    it(`X1 X5 PUT 201 + Azure-AsyncOperation with finalStateVia ${via ?? 'not given'}: the original URL is fetched, not the monitor that looks like the resource`, async () => {
      const result = await runOp(
        'PUT',
        { pattern: 'azure-async-operation', polls: 2, monitorResult: 'inline' },
        via ? { finalStateVia: via } : {},
      );
      expect(finals(result).map((r) => r.url)).toEqual([result.t.pathAndQuery]);
      expect(last(result.run)).toMatchObject({ state: 'succeeded', polls: 3, httpStatus: 200 });
      expect(last(result.run).result).toStrictEqual(putResource(result.t, 'Succeeded'));
      await finish(result);
    });
  }

  for (const via of ['azure-async-operation', 'operation-location'] as const) {
    it(`X1 X5 PATCH 202 + Azure-AsyncOperation with finalStateVia ${via}: the original URL is fetched`, async () => {
      const result = await runOp(
        'PATCH',
        { pattern: 'azure-async-operation', initialStatus: 202, polls: 2, monitorResult: 'inline' },
        { finalStateVia: via },
      );
      expect(finals(result).map((r) => r.url)).toEqual([result.t.pathAndQuery]);
      expect(last(result.run).result).toStrictEqual(patchResource(result.t, 'Succeeded'));
      await finish(result);
    });
  }
});

describe.concurrent('X5 R3 Location mode: the terminal Location response is the result', () => {
  for (const via of ['original-uri', undefined] as const) {
    it(`X5 R3 PUT 202 + Location only, finalStateVia ${via ?? 'not given'}, on a service with no GET route for the original URL: succeeded with the Location's body`, async () => {
      const result = await runOp('PUT', { pattern: 'location', polls: 2, resourceRoute: false }, via ? { finalStateVia: via } : {});
      expect(result.run.error).toBeUndefined();
      expect(originalGets(result)).toHaveLength(0);
      expect(last(result.run)).toMatchObject({ state: 'succeeded', httpStatus: 200, polls: 2 });
      expect(last(result.run).result).toStrictEqual(putResource(result.t, 'Succeeded'));
      await finish(result);
    });
  }

  it('X5 R3 the no-GET-route pattern is real: a client that GETs the original URL meets a 404', async () => {
    const result = await runOp('PUT', { pattern: 'location', polls: 1, resourceRoute: false });
    const response = await fetch(result.t.url);
    expect(response.status).toBe(404);
  });
});

// Not concurrent: the wrong header's URL is shared by the tests that count requests to it.
describe('R14 R13 a DELETE is done only when its resource says so', () => {
  it('R14 R13 DELETE 202 + Location: /foo (a wrong relative header) answering 404 is failed, naming the status, never succeeded', async () => {
    const before = sentTo('/foo').length;
    const result = await runOp('DELETE', { pattern: 'location', pollingUrl: '/foo' });
    expect(sentTo('/foo').length).toBe(before + 1);
    const end = last(result.run);
    expect(end).toMatchObject({ state: 'failed', httpStatus: 404, polls: 1 });
    expect(end.error).toMatchObject({ code: 'ResourceNotFound' });
    await sleep(40);
    expect(sentTo('/foo').length).toBe(before + 1);
  });

  it('R14 R13 DELETE 202 + Azure-AsyncOperation: /foo answering 404 is an HttpError, never succeeded', async () => {
    const before = sentTo('/foo').length;
    const result = await runOp('DELETE', { pattern: 'azure-async-operation', location: true, pollingUrl: '/foo' });
    expect(result.run.snapshots.some((s) => s.state === 'succeeded')).toBe(false);
    expect(errorOf(result.run)).toMatchObject({
      name: 'HttpError',
      status: 404,
      url: expect.stringMatching(new RegExp(`^${sim().url}/foo\\?`)),
    });
    await sleep(40);
    expect(sentTo('/foo').length).toBe(before + 1);
  });

  for (const pattern of ['location', 'azure-async-operation'] as const) {
    it(`R14 DELETE whose resource-scoped ${pattern} URL answers 404 once the resource is gone: succeeded`, async () => {
      const result = await runOp('DELETE', { pattern, polls: 2, resourceScopedUrls: true });
      const polls = result.reqs.filter((r) => r.kind === 'poll');
      expect(polls.every((r) => r.url.startsWith(`${result.t.path}/`))).toBe(true);
      expect(polls.at(-1)!.status).toBe(404);
      expect(last(result.run)).toMatchObject({ state: 'succeeded', httpStatus: 404 });
      await finish(result);
    });
  }

  it("R14 deleteNotFound: 'error' makes the resource-scoped 404 an HttpError", async () => {
    const result = await runOp('DELETE', { pattern: 'location', polls: 2, resourceScopedUrls: true }, { deleteNotFound: 'error' });
    expect(errorOf(result.run)).toMatchObject({ name: 'HttpError', status: 404 });
    await finish(result);
  });
});

describe.concurrent('R13 R11 the failure says what the service said', () => {
  it('R13 POST 202 + Location whose poll answers 404 with no error body: the error names the status and the URL', async () => {
    const result = await runOp('POST', { pattern: 'location', polls: 1, outcome: 'Failed', locationFailure: 404, error: null });
    const end = last(result.run);
    expect(end).toMatchObject({ state: 'failed', httpStatus: 404, error: { code: 'Http404', raw: {} } });
    const location = result.reqs.find((r) => r.kind === 'poll')!;
    expect(end.error!.message).toContain(`${sim().url}${location.url.split('?')[0]}`);
    expect(end.error!.message).not.toContain('api-version');
    await finish(result);
  });

  it('R11 a failed monitor’s innererror (the root cause) is kept whole', async () => {
    const error = {
      code: 'Conflict',
      message: 'The operation failed.',
      innererror: { code: 'DeepCode', innererror: { code: 'DeeperCode', message: 'the root cause' } },
    };
    const result = await runOp('PUT', { pattern: 'azure-async-operation', polls: 1, outcome: 'Failed', error });
    expect(last(result.run)).toMatchObject({ state: 'failed' });
    expect(last(result.run).error).toEqual(error);
    await finish(result);
  });
});

describe.concurrent('X3 a DELETE has no result', () => {
  for (const via of ['operation-location', 'azure-async-operation'] as const) {
    it(`X3 DELETE with finalStateVia ${via}: the monitor body is not the result`, async () => {
      const result = await runOp(
        'DELETE',
        { pattern: 'operation-location', polls: 2, monitorResult: 'inline', resource: { id: 'x' } },
        { finalStateVia: via },
      );
      expect(finals(result)).toHaveLength(0);
      expect(last(result.run)).toMatchObject({ state: 'succeeded' });
      expect(last(result.run)).not.toHaveProperty('result');
      await finish(result);
    });
  }
});

describe.concurrent('R16 an operation started with GET', () => {
  it('R16 GET 202 + Operation-Location: tracked like a POST, the monitor’s result is the result (X2)', async () => {
    const result = await runOp('GET', { pattern: 'operation-location', polls: 2, resource: POST_RESULT });
    expect(result.reqs.map((r) => [r.method, r.kind])).toEqual([
      ['GET', 'initial'],
      ['GET', 'poll'],
      ['GET', 'poll'],
    ]);
    expect(last(result.run)).toMatchObject({ state: 'succeeded', result: POST_RESULT, resumeToken: { method: 'GET', mode: 'status' } });
    await finish(result);
  });

  it('R16 GET 202 + Operation-Location + Location: the initial Location holds the result (X2)', async () => {
    const result = await runOp('GET', {
      pattern: 'operation-location',
      polls: 2,
      location: true,
      resource: POST_RESULT,
      monitorResult: 'none',
    });
    expect(finals(result)).toHaveLength(1);
    expect(finals(result)[0]!.url).toContain('/operationResults/');
    expect(last(result.run).result).toStrictEqual(POST_RESULT);
    await finish(result);
  });
});
