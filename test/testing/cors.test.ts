import { describe, expect, it } from 'vitest';
import { EXPOSED_HEADERS } from '../../src/testing/index';
import { API, DEPLOYMENT, send, useSimulator } from './helpers';

const sim = useSimulator();
const EXPOSE = 'Azure-AsyncOperation, Operation-Location, Location, Retry-After, retry-after-ms, x-ms-retry-after-ms';

describe('CORS', () => {
  it('answers a preflight: any origin, the LRO methods, authorization, content-type and the requested x-ms-* headers', async () => {
    const answer = await send(`${sim().url}${DEPLOYMENT}?${API}`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://localhost:5173',
        'Access-Control-Request-Method': 'PUT',
        'Access-Control-Request-Headers': 'authorization, content-type, x-ms-client-request-id, x-evil',
      },
    });
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    const methods = (answer.headers.get('access-control-allow-methods') ?? '').split(',').map((m) => m.trim());
    expect(methods).toEqual(expect.arrayContaining(['PUT', 'PATCH', 'POST', 'DELETE', 'GET']));
    const allowed = (answer.headers.get('access-control-allow-headers') ?? '').split(',').map((h) => h.trim());
    expect(allowed).toEqual(expect.arrayContaining(['authorization', 'content-type', 'x-ms-client-request-id']));
    expect(allowed).not.toContain('x-evil');
    expect(answer.headers.get('access-control-expose-headers')).toBe(EXPOSE);
    expect(sim().requests[0]).toMatchObject({ method: 'OPTIONS', kind: 'other', status: 204 });
  });

  it('exposes the polling headers on every response: initial, poll, 404 and fault answers', async () => {
    sim().define(DEPLOYMENT, { polls: 3, faults: [{ on: 'poll', nth: 2, kind: 503 }] });
    const initial = await send(`${sim().url}${DEPLOYMENT}?${API}`, { method: 'PUT', headers: { Origin: 'http://example.test' } });
    const monitor = initial.headers.get('azure-asyncoperation') as string;
    const answers = [initial, await send(monitor), await send(monitor), await send(`${sim().url}/nothing`)];
    expect(answers.map((a) => a.status)).toEqual([201, 200, 503, 404]);
    for (const answer of answers) {
      expect(answer.headers.get('access-control-allow-origin')).toBe('*');
      expect(answer.headers.get('access-control-expose-headers')).toBe(EXPOSE);
    }
    expect(EXPOSED_HEADERS.join(', ')).toBe(EXPOSE);
  });
});
