import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/testing/index';
import { API, DEPLOYMENT, send, useSimulator } from './helpers';

const sim = useSimulator();

describe('request log', () => {
  it('records header names only: a bearer token, a client request id and the body never appear', async () => {
    sim().define(DEPLOYMENT, { polls: 1 });
    const headers = { authorization: 'Bearer secret', 'x-ms-client-request-id': 'secret-id', 'content-type': 'application/json' };
    const initial = await send(`${sim().url}${DEPLOYMENT}?${API}`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ password: 'secret' }),
    });
    await send(initial.headers.get('azure-asyncoperation') as string);
    await send(`${sim().url}${DEPLOYMENT}?${API}`, { headers: { Authorization: 'Bearer secret' } });
    const [put, poll, final] = sim().requests;
    expect(put?.headerNames).toEqual(expect.arrayContaining(['authorization', 'x-ms-client-request-id', 'content-type']));
    expect(put?.headerNames.every((name) => name === name.toLowerCase())).toBe(true);
    expect(poll?.headerNames).not.toContain('authorization');
    expect(final?.headerNames).toContain('authorization');
    expect(JSON.stringify(sim().requests)).not.toContain('secret');
  });

  it('records method, path + query, time since start, kind and operation id', async () => {
    sim().define(DEPLOYMENT, { polls: 1 });
    const initial = await send(`${sim().url}${DEPLOYMENT}?${API}`, { method: 'PUT' });
    const monitor = initial.headers.get('azure-asyncoperation') as string;
    await send(monitor);
    await send(`${sim().url}${DEPLOYMENT}?${API}`);
    await send(`${sim().url}/elsewhere`);
    const log = sim().requests;
    expect(log.map((r) => [r.method, r.url, r.kind])).toEqual([
      ['PUT', `${DEPLOYMENT}?${API}`, 'initial'],
      ['GET', new URL(monitor).pathname + new URL(monitor).search, 'poll'],
      ['GET', `${DEPLOYMENT}?${API}`, 'final'],
      ['GET', '/elsewhere', 'other'],
    ]);
    const times = log.map((r) => r.time);
    expect(times.every((t) => t >= 0 && t < 60_000)).toBe(true);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(log[0]?.operationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(log[1]?.operationId).toBe(log[0]?.operationId);
    expect(log[3]?.operationId).toBeUndefined();
    expect(log.map((r) => r.status)).toEqual([201, 200, 200, 404]);
  });

  it('keeps only the most recent maxRecordedRequests entries, in the same live array', async () => {
    const small = await startSimulator({ maxRecordedRequests: 3 });
    try {
      const log = small.requests;
      for (let i = 1; i <= 5; i++) await send(`${small.url}/r${i}`);
      expect(small.requests).toBe(log);
      expect(log.map((r) => r.url)).toEqual(['/r3', '/r4', '/r5']);
    } finally {
      await small.close();
    }
  });
});
