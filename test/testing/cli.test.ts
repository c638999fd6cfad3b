import { describe, expect, it } from 'vitest';
import { runSimulatorCli, startSimulator } from '../../src/testing/index';
import { parseCliArgs } from '../../src/testing/cli';
import { send, sleep } from './helpers';

function capture(): {
  out: string[];
  err: string[];
  io: { stdout: (t: string) => void; stderr: (t: string) => void; handleSignals: boolean };
} {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t) => out.push(t), stderr: (t) => err.push(t), handleSignals: false } };
}

describe('runSimulatorCli', () => {
  it('--help prints the usage and the query parameters, starts nothing', async () => {
    const { out, io } = capture();
    const run = await runSimulatorCli(['--help'], io);
    expect(run).toEqual({ exitCode: 0 });
    const text = out.join('');
    expect(text).toMatch(/^Usage: rx-lro-simulator \[--port 8080\] \[--host 127\.0\.0\.1\]/);
    expect(text).toContain('sim-pattern=');
    expect(text).toContain('sim-fault=');
  });

  it('defaults to port 8080 on 127.0.0.1; accepts --port N, --port=N and --host', () => {
    expect(parseCliArgs([])).toEqual({ help: false, port: 8080, host: '127.0.0.1', otherOriginPort: 0 });
    expect(parseCliArgs(['--port', '9000', '--host', '::1'])).toMatchObject({ port: 9000, host: '::1' });
    expect(parseCliArgs(['--port=0', '--other-origin-port=9001'])).toMatchObject({ port: 0, otherOriginPort: 9001 });
  });

  it('starts a simulator and prints its URL', async () => {
    const { out, io } = capture();
    const run = await runSimulatorCli(['--port', '0', '--host', '127.0.0.1'], io);
    try {
      expect(run.exitCode).toBe(0);
      expect(run.simulator).toBeDefined();
      expect(out.join('')).toContain(run.simulator!.url);
      expect((await send(`${run.simulator!.url}/x?sim-pattern=sync`, { method: 'PUT' })).status).toBe(200);
    } finally {
      await run.simulator?.close();
    }
  });

  it.each([
    [['--port', 'abc'], /--port needs a port number/],
    [['--port'], /--port needs a port number/],
    [['--host', '10.0.0.1', '--port', '0'], /loopback/],
    [['--verbose'], /unknown argument "--verbose"/],
  ])('%j exits with 2 and a message on stderr', async (argv, message) => {
    const { err, io } = capture();
    const run = await runSimulatorCli(argv, io);
    expect(run).toEqual({ exitCode: 2 });
    expect(err.join('')).toMatch(message);
  });

  it('a port in use exits with 1', async () => {
    const sim = await startSimulator();
    try {
      const { err, io } = capture();
      const run = await runSimulatorCli(['--port', new URL(sim.url).port], io);
      expect(run.exitCode).toBe(1);
      expect(err.join('')).toContain('EADDRINUSE');
    } finally {
      await sim.close();
    }
  });

  it('SIGTERM closes the simulator and removes its signal handlers', async () => {
    const sigterm = process.listenerCount('SIGTERM');
    const sigint = process.listenerCount('SIGINT');
    const { out, io } = capture();
    const run = await runSimulatorCli(['--port', '0'], { ...io, handleSignals: true });
    const url = run.simulator!.url;
    expect(process.listenerCount('SIGTERM')).toBe(sigterm + 1);
    expect((await send(`${url}/`)).status).toBe(200);
    process.emit('SIGTERM');
    let closed = false;
    for (let i = 0; i < 50 && !closed; i++) {
      closed = await fetch(`${url}/`).then(
        () => false,
        () => true,
      );
      if (!closed) await sleep(10);
    }
    expect(closed).toBe(true);
    expect(process.listenerCount('SIGTERM')).toBe(sigterm);
    expect(process.listenerCount('SIGINT')).toBe(sigint);
    expect(out.join('')).toContain('shutting down');
  });
});
