import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWatch } from '../../src/cli/watch';
import { startSimulator, type Simulator } from '../../src/testing/index';
import { capture } from './capture';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

const FAST = ['--interval', '10'];
let n = 0;
function path(script: Parameters<Simulator['define']>[1]): string {
  const p = `/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Test/things/watch${++n}`;
  sim.define(p, script);
  return `${p}?api-version=2024-01-01`;
}

async function watch(argv: string[], env: Record<string, string> = {}, azToken?: (r: string | undefined) => Promise<string>) {
  const stdout = capture();
  const stderr = capture();
  const io = azToken ? { stdout, stderr, env, azToken } : { stdout, stderr, env };
  const code = await runWatch(argv, io);
  return { code, out: stdout.text(), err: stderr.text() };
}

describe('rx-lro watch', () => {
  it('starts an operation with --method/--url, prints progress and the final snapshot with --json; exit 0', async () => {
    const url = sim.url + path({ pattern: 'azure-async-operation', polls: 3, percentComplete: true });
    const { code, out, err } = await watch(['--method', 'PUT', '--url', url, '--body', '{"location":"westus"}', '--json', ...FAST]);
    expect(code).toBe(0);
    const snapshot = JSON.parse(out);
    expect(snapshot).toMatchObject({ state: 'succeeded', done: true, status: 'Succeeded', result: { location: 'westus' } });
    expect(err).toContain('succeeded: Succeeded');
    expect(err.split('\n').filter((l) => l.includes('polls')).length).toBeGreaterThan(1);
  });

  it('exits 1 when the operation fails, and names the error', async () => {
    const url =
      sim.url +
      path({ pattern: 'location', polls: 2, outcome: 'Failed', locationFailure: 409, error: { code: 'Conflict', message: 'name taken' } });
    const { code, out, err } = await watch(['--method', 'DELETE', '--url', url, '--json', ...FAST]);
    expect(code).toBe(1);
    expect(JSON.parse(out)).toMatchObject({ state: 'failed', error: { code: 'Conflict', message: 'name taken' } });
    expect(err).toContain('Conflict: name taken');
  });

  it('R16 tracks an operation started with --method GET; a GET with --body is a usage error (exit 2)', async () => {
    const p = `/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Test/things/watch${++n}/export`;
    sim.define(`GET ${p}`, { pattern: 'operation-location', polls: 2, resource: { rows: 7 } });
    const url = `${sim.url}${p}?api-version=2024-01-01`;
    const { code, out } = await watch(['--method', 'get', '--url', url, '--json', ...FAST]);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ state: 'succeeded', result: { rows: 7 }, resumeToken: { method: 'GET' } });
    const withBody = await watch(['--method', 'GET', '--url', url, '--body', '{}', ...FAST]);
    expect(withBody.code).toBe(2);
    expect(withBody.err).toContain('GET');
  });

  it('exits 1 when the operation is canceled', async () => {
    const url = sim.url + path({ pattern: 'azure-async-operation', polls: 1, outcome: 'Cancelled' });
    expect((await watch(['--method', 'POST', '--url', url, ...FAST])).code).toBe(1);
  });

  it('tracks a status-monitor URL given alone (polled at once, the initial request not repeated)', async () => {
    const resource = path({ pattern: 'azure-async-operation', polls: 2, monitorResult: 'properties', resource: { answer: 42 } });
    const started = await fetch(sim.url + resource, { method: 'POST' });
    const monitor = started.headers.get('azure-asyncoperation')!;
    const before = sim.requests.length;
    const { code, out } = await watch([monitor, '--json', ...FAST]);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ state: 'succeeded', result: { answer: 42 } });
    expect(sim.requests.slice(before).every((r) => r.method === 'GET')).toBe(true);
  });

  it('tracks a Location URL with --location', async () => {
    const resource = path({ pattern: 'location', polls: 2, resource: { name: 'acct' } });
    const started = await fetch(sim.url + resource, {
      method: 'PUT',
      body: JSON.stringify({ name: 'acct' }),
      headers: { 'content-type': 'application/json' },
    });
    const { code, out } = await watch([started.headers.get('location')!, '--location', '--json', ...FAST]);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ state: 'succeeded', httpStatus: 200 });
  });

  it('sends the bearer token from --token, AZURE_TOKEN or --az, and only its name is ever logged', async () => {
    const cases: Array<[string[], Record<string, string>, ((r: string | undefined) => Promise<string>) | undefined]> = [
      [['--token', 'tok-flag'], {}, undefined],
      [[], { AZURE_TOKEN: 'tok-env' }, undefined],
      [
        ['--az', '--az-resource', 'https://management.azure.com/'],
        {},
        async (resource) => `tok-az-${resource === 'https://management.azure.com/' ? 'ok' : 'bad'}`,
      ],
    ];
    for (const [flags, env, az] of cases) {
      const before = sim.requests.length;
      const url = sim.url + path({ pattern: 'azure-async-operation', polls: 1 });
      const { code } = await watch(['--method', 'PUT', '--url', url, ...flags, ...FAST], env, az);
      expect(code).toBe(0);
      const sent = sim.requests.slice(before);
      expect(sent.length).toBeGreaterThanOrEqual(3);
      expect(sent.every((r) => r.headerNames.includes('authorization'))).toBe(true);
    }
    expect(JSON.stringify(sim.requests)).not.toMatch(/tok-(flag|env|az)/);
  });

  it('a polling URL on another origin is refused (exit 2) and never receives the token', async () => {
    const url = sim.url + path({ pattern: 'azure-async-operation', polls: 1, faults: [{ on: 'initial', kind: 'other-origin' }] });
    const before = sim.requests.length;
    const { code, err } = await watch(['--method', 'PUT', '--url', url, '--token', 'secret', ...FAST]);
    expect(code).toBe(2);
    expect(err).toContain('SecurityError');
    expect(sim.requests.slice(before).filter((r) => r.listener === 'other-origin')).toEqual([]);
  });

  it('reads --body from a file with @', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rx-lro-watch-'));
    writeFileSync(join(dir, 'body.json'), JSON.stringify({ tags: { env: 'test' } }));
    const url = sim.url + path({ pattern: 'provisioning-state', polls: 2 });
    const { code, out } = await watch(['--method', 'PUT', '--url', url, '--body', `@${join(dir, 'body.json')}`, '--json', ...FAST]);
    expect(code).toBe(0);
    expect(JSON.parse(out).result).toMatchObject({ tags: { env: 'test' } });
  });

  it('exits 2 on a protocol error, an HTTP error and a timeout', async () => {
    const broken = sim.url + path({ pattern: 'azure-async-operation', polls: 3, faults: [{ on: 'poll', kind: 'missing-status' }] });
    const r1 = await watch(['--method', 'POST', '--url', broken, ...FAST]);
    expect(r1.code).toBe(2);
    expect(r1.err).toContain('ProtocolError');
    const forbidden = sim.url + path({ pattern: 'azure-async-operation', polls: 3, faults: [{ on: 'initial', kind: 403 }] });
    const r2 = await watch(['--method', 'PUT', '--url', forbidden, ...FAST]);
    expect(r2.code).toBe(2);
    expect(r2.err).toContain('HttpError');
    const slow = sim.url + path({ pattern: 'azure-async-operation', durationMs: 60_000 });
    const r3 = await watch(['--method', 'PUT', '--url', slow, '--timeout', '0.2', ...FAST]);
    expect(r3.code).toBe(2);
    expect(r3.err).toContain('TimeoutError');
  });

  it('F4 prints the service’s own error; with --json stdout is always one JSON document, the error as data', async () => {
    const denied = {
      code: 'AuthorizationFailed',
      message: "The client 'me' with object id 'x' does not have authorization to perform action 'Microsoft.Test/widgets/write'.",
    };
    const url = `${sim.url}${path({ pattern: 'azure-async-operation', faults: [{ on: 'initial', kind: 403, error: denied }] })}&sig=SECRETSAS`;
    const { code, out, err } = await watch(['--method', 'PUT', '--url', url, '--json', ...FAST]);
    expect(code).toBe(2);
    expect(err).toContain(`answered HTTP 403 AuthorizationFailed: ${denied.message}`);
    expect(err).toContain('hint: the service refused the request: give a token');
    const document = JSON.parse(out) as { error: Record<string, unknown> };
    expect(document.error).toMatchObject({ name: 'HttpError', code: 'http', status: 403, serviceError: denied });
    expect(out + err).not.toContain('SECRETSAS');
  });

  it('hints at --location when a polling URL given alone answers without a status', async () => {
    const resource = path({ pattern: 'location', polls: 3 });
    const started = await fetch(sim.url + resource, { method: 'POST' });
    const { code, out, err } = await watch([started.headers.get('location')!, '--json', ...FAST]);
    expect(code).toBe(2);
    expect(err).toContain('ProtocolError');
    expect(err).toContain('add --location');
    expect(JSON.parse(out)).toMatchObject({ error: { name: 'ProtocolError', rule: 'R9' } });
  });

  it('says what to do when --az is given and the Azure CLI is not installed', async () => {
    const url = sim.url + path({ pattern: 'azure-async-operation', polls: 1 });
    const saved = process.env['PATH'];
    process.env['PATH'] = mkdtempSync(join(tmpdir(), 'rx-lro-no-az-'));
    try {
      const { code, err } = await watch(['--method', 'PUT', '--url', url, '--az', ...FAST]);
      expect(code).toBe(2);
      expect(err).toContain('--az needs the Azure CLI, and `az` is not on PATH');
    } finally {
      process.env['PATH'] = saved;
    }
  });

  it('F5 a timeout says the operation goes on; --json gives the error and the last snapshot with its resume token', async () => {
    const slow = sim.url + path({ pattern: 'azure-async-operation', durationMs: 60_000 });
    const { code, out, err } = await watch(['--method', 'PUT', '--url', slow, '--timeout', '1', '--json', ...FAST]);
    expect(code).toBe(2);
    expect(err).toContain('TimeoutError');
    expect(err).toContain('the operation goes on in Azure');
    const document = JSON.parse(out) as { error: Record<string, unknown>; lastSnapshot?: { resumeToken: { pollUrl?: string } } };
    expect(document.error).toMatchObject({ name: 'TimeoutError', timeoutMs: 1000 });
    expect(document.lastSnapshot?.resumeToken.pollUrl).toContain('/operationStatuses/');
  });

  const usage: Array<[string[], string]> = [
    [[], 'give a polling URL, or --method and --url'],
    [['--method', 'PUT'], '--method and --url go together'],
    [['--method', 'HEAD', '--url', 'https://x'], '--method must be PUT, PATCH, POST, DELETE or GET'],
    [['https://a/op', 'https://b/op'], 'one polling URL only'],
    [['https://a/op', '--frobnicate'], 'unknown option --frobnicate'],
    [['https://a/op', '--interval', 'fast'], '--interval must be a positive number'],
    [['--method', 'PUT', '--url', 'https://a/x', '--body', '{nope'], '--body is not JSON'],
    [['not a url'], 'the polling URL must be an absolute http(s) URL'],
    [['--method', 'PUT', '--url', 'ftp://x/y'], '--url must be an absolute http(s) URL'],
  ];
  for (const [argv, message] of usage) {
    it(`exits 2 with a clear message for ${JSON.stringify(argv)}`, async () => {
      const { code, err } = await watch(argv);
      expect(code).toBe(2);
      expect(err).toContain(message);
    });
  }

  it('--help prints the usage and exits 0', async () => {
    const { code, out } = await watch(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('Usage: rx-lro watch');
    expect(out).toContain('Exit codes: 0 succeeded, 1 failed or canceled, 2 error');
  });
});
