import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const node = process.execPath;

function exec(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(node, args, { cwd: root, timeout: 60_000, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('the standalone simulator and rx-lro watch, as separate processes', () => {
  let simulator: ReturnType<typeof spawn>;
  let url = '';

  beforeAll(async () => {
    simulator = spawn(node, ['bin/rx-lro-simulator.mjs', '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    url = await new Promise<string>((resolve, reject) => {
      let seen = '';
      simulator.stdout!.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
        if (match) resolve(match[1]!);
      });
      simulator.once('exit', (code) => reject(new Error(`simulator exited with ${code}: ${seen}`)));
    });
  });
  afterAll(async () => {
    const exited = new Promise((resolve) => simulator.once('exit', resolve));
    simulator.kill('SIGTERM');
    await exited;
  });

  const resource = (name: string, query: string) =>
    `${url}/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Test/things/${name}?api-version=2024-01-01&${query}`;

  it('exit 0: an operation started on the simulator succeeds, --json prints the final snapshot', async () => {
    const { code, stdout } = await exec([
      'bin/rx-lro.mjs',
      'watch',
      '--method',
      'PUT',
      '--url',
      resource('ok', 'sim-pattern=location&sim-polls=2&sim-retry-after=ms:20'),
      '--json',
      '--interval',
      '20',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ state: 'succeeded', done: true });
  });

  it('exit 1: a failed operation', async () => {
    const { code, stdout } = await exec([
      'bin/rx-lro.mjs',
      'watch',
      '--method',
      'POST',
      '--url',
      resource('bad', 'sim-pattern=azure-async-operation&sim-polls=2&sim-outcome=Failed'),
      '--json',
      '--interval',
      '20',
    ]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ state: 'failed', error: { code: expect.any(String) } });
  });

  it('exit 2: an error (the initial request is refused)', async () => {
    const { code, stderr } = await exec([
      'bin/rx-lro.mjs',
      'watch',
      '--method',
      'PUT',
      '--url',
      resource('refused', 'sim-fault=initial:1:400'),
      '--interval',
      '20',
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain('HttpError');
  });

  it('exit 0 with the token from AZURE_TOKEN, polling a monitor URL given alone', async () => {
    const started = await fetch(resource('mon', 'sim-pattern=azure-async-operation&sim-polls=2'), { method: 'POST' });
    const { code } = await exec(['bin/rx-lro.mjs', 'watch', started.headers.get('azure-asyncoperation')!, '--interval', '20'], {
      AZURE_TOKEN: 'abc',
    });
    expect(code).toBe(0);
  });
});

describe('npm run demo, with stdout redirected to a file', () => {
  it('shows the six operations and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rx-lro-demo-'));
    const file = join(dir, 'demo.txt');
    const fd = openSync(file, 'w');
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(node, ['bin/rx-lro.mjs', 'demo'], { cwd: root, stdio: ['ignore', fd, 'inherit'] });
      child.once('exit', resolve);
    });
    closeSync(fd);
    expect(code).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('\x1b[');
    expect(text).toContain('operation');
    expect(text.match(/^(Start VM|Deploy template|Create storage|Create vnet|Create SQL|Delete resource group)/gm)).toHaveLength(6);
    expect(text).toContain('0 sent after the cancel');
  }, 60_000);
});

describe('rx-lro demo | head -1', () => {
  it('stops quietly (exit 0, nothing on stderr) when the reader closes the pipe after the first line', async () => {
    const child = spawn(node, ['bin/rx-lro.mjs', 'demo'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const first = await new Promise<string>((resolve) => child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(first.length).toBeGreaterThan(0);
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);
  }, 60_000);
});
