import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/testing/index';
import { scriptFromQuery } from '../../src/testing/query';
import { API, VM, isTerminalMonitor, pollUntil, send, statusOf, useSimulator } from './helpers';

const sim = useSimulator();
const PATH = '/subscriptions/sub1/resourceGroups/rg/providers/Microsoft.Web/sites/site1';

describe('query-parameter scenarios (paths without a script)', () => {
  it('sim-pattern=location&sim-duration&sim-outcome=Failed plays a failing Location operation', async () => {
    const initial = await send(`${sim().url}${PATH}?${API}&sim-pattern=location&sim-duration=60&sim-outcome=Failed`, { method: 'PUT' });
    expect(initial.status).toBe(202);
    const location = initial.headers.get('location') as string;
    expect(location).not.toContain('sim-');
    expect(new URL(location).searchParams.get('api-version')).toBe('2016-03-30');
    const answers = await pollUntil(location, (a) => a.status !== 202, { max: 30, gapMs: 10 });
    const last = answers[answers.length - 1];
    expect(last?.status).toBe(400);
    expect(last?.json).toMatchObject({ error: { code: 'OperationFailed' } });
  });

  it('without parameters a path plays the defaults: azure-async-operation, InProgress, Succeeded', async () => {
    // Counted in polls, not milliseconds, so that a slow machine cannot miss the running answers.
    const initial = await send(`${sim().url}${VM}/start?${API}&sim-polls=3`, { method: 'POST' });
    expect(initial.status).toBe(202);
    const answers = await pollUntil(initial.headers.get('azure-asyncoperation') as string, isTerminalMonitor, { max: 30, gapMs: 10 });
    expect(statusOf(answers[0]!)).toBe('InProgress');
    expect(statusOf(answers[answers.length - 1]!)).toBe('Succeeded');
  });

  it('sim-polls, sim-statuses, sim-percent, sim-retry-after, sim-fault and sim-error-* together', async () => {
    const query =
      'sim-polls=3&sim-statuses=Accepted,Running&sim-percent=1&sim-retry-after=ms:200&sim-fault=poll:2:503:4&sim-outcome=Canceled&sim-error-code=UserCanceled&sim-error-message=bye';
    const initial = await send(`${sim().url}${VM}/start?${API}&${query}`, { method: 'POST' });
    expect(initial.headers.get('retry-after-ms')).toBe('200');
    const monitor = initial.headers.get('azure-asyncoperation') as string;
    const answers = [await send(monitor), await send(monitor), await send(monitor)];
    expect(answers.map((a) => a.status)).toEqual([200, 503, 200]);
    expect(answers[1]?.headers.get('retry-after')).toBe('4');
    expect(answers[0]?.json).toMatchObject({ status: 'Accepted', percentComplete: 33 });
    expect(answers[2]?.json).toMatchObject({ status: 'Canceled', error: { code: 'UserCanceled', message: 'bye' } });
  });

  it('sim-location, sim-resource-location and sim-location-failure', async () => {
    const a = await send(`${sim().url}${VM}/a?sim-polls=1&sim-location=true&sim-resource-location`, { method: 'POST' });
    expect(a.headers.get('location')).toContain('/operationResults/');
    expect((await send(a.headers.get('azure-asyncoperation') as string)).json).toHaveProperty('resourceLocation');
    const b = await send(`${sim().url}${VM}?sim-pattern=location&sim-polls=1&sim-outcome=Failed&sim-location-failure=provisioning-state`, {
      method: 'PUT',
    });
    const done = await send(b.headers.get('location') as string);
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({ properties: { provisioningState: 'Failed' } });
  });

  it('an invalid or unknown sim-* parameter answers 400 with an ARM error naming it', async () => {
    const bad = await send(`${sim().url}${PATH}?sim-pattern=bogus`, { method: 'PUT' });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { code: 'InvalidSimulatorScenario', message: expect.stringContaining('sim-pattern') } });
    const typo = await send(`${sim().url}${PATH}?sim-duraton=5`, { method: 'PUT' });
    expect(typo.status).toBe(400);
    expect((typo.json as { error: { message: string } }).error.message).toContain('sim-duraton');
    const negative = await send(`${sim().url}${PATH}?sim-duration=-5`, { method: 'PUT' });
    expect(negative.status).toBe(400);
    expect(sim().requests.every((r) => r.operationId === undefined)).toBe(true);
  });

  it('a path with a script ignores sim-* parameters', async () => {
    sim().define(PATH, { pattern: 'sync' });
    const answer = await send(`${sim().url}${PATH}?sim-pattern=location`, { method: 'PUT' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('location')).toBeNull();
  });

  it('GET / describes the parameters', async () => {
    const help = await send(`${sim().url}/`);
    expect(help.status).toBe(200);
    expect(JSON.stringify(help.json)).toContain('sim-pattern');
  });
});

describe('options.defaults and options.scenarios', () => {
  it('defaults apply to paths without a script, query parameters override them, scenarios win', async () => {
    const custom = await startSimulator({
      defaults: { pattern: 'location', polls: 1 },
      scenarios: { [`POST ${VM}/start`]: { pattern: 'operation-location' } },
    });
    try {
      const a = await send(`${custom.url}${PATH}`, { method: 'PUT' });
      expect([a.status, a.headers.get('location') !== null]).toEqual([202, true]);
      const b = await send(`${custom.url}${PATH}?sim-pattern=sync`, { method: 'PUT' });
      expect(b.status).toBe(200);
      const c = await send(`${custom.url}${VM}/start`, { method: 'POST' });
      expect(c.headers.get('operation-location')).toBeTruthy();
    } finally {
      await custom.close();
    }
  });
});

describe('scriptFromQuery', () => {
  it('reads faults with ranges and parameters', () => {
    const script = scriptFromQuery(
      new URLSearchParams('sim-fault=initial:1:reset,poll:2-4:slow:300&sim-fault=final:1:oversized-json:1000&sim-retry-after=http-date:5'),
    );
    expect(script.faults).toEqual([
      { on: 'initial', nth: 1, count: 1, kind: 'reset' },
      { on: 'poll', nth: 2, count: 3, kind: 'slow', delayMs: 300 },
      { on: 'final', nth: 1, count: 1, kind: 'oversized-json', bytes: 1000 },
    ]);
    expect(script.retryAfter).toEqual({ form: 'http-date', value: 5 });
    expect(() => scriptFromQuery(new URLSearchParams('sim-fault=poll:reset'))).toThrow(/sim-fault/);
    expect(() => scriptFromQuery(new URLSearchParams('sim-fault=poll:1:reset:9'))).toThrow(/takes no parameter/);
    expect(() => scriptFromQuery(new URLSearchParams('sim-location=maybe'))).toThrow(/boolean/);
  });
});
