// The AutoRest test server (@microsoft.azure/autorest.testserver), the server every Azure SDK generator
// is tested against, started on 127.0.0.1 for a test file by test/conformance/autorest-server.cjs, and
// the long-running operations its swagger declares.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FinalStateVia, LroMethod } from '../../src/index';

export interface AutoRestServer {
  /** `http://127.0.0.1:PORT` */
  base: string;
  /** Stops the server and removes its coverage folder. */
  stop(): Promise<void>;
}

const ROOT = join(__dirname, '..', '..');

/** Starts the server and resolves once it listens (30 s at most). */
export async function startAutoRestServer(): Promise<AutoRestServer> {
  const coverageDir = mkdtempSync(join(tmpdir(), 'rx-lro-autorest-'));
  const server = spawn(process.execPath, [join(ROOT, 'test', 'conformance', 'autorest-server.cjs'), coverageDir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = async (): Promise<void> => {
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill();
      await exited;
    }
    rmSync(coverageDir, { recursive: true, force: true });
  };
  try {
    const base = await new Promise<string>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => reject(new Error(`the AutoRest test server did not start: ${seen.slice(-500)}`)), 30_000);
      server.stdout!.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        const match = /Started server on port (\d+)/.exec(seen);
        if (match) {
          clearTimeout(timer);
          resolve(`http://127.0.0.1:${match[1]}`);
        }
      });
      server.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the AutoRest test server exited (${code}): ${seen.slice(-500)}`));
      });
    });
    return { base, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** One long-running operation of the server's swagger. */
export interface AutoRestRoute {
  operationId: string;
  method: LroMethod;
  path: string;
  /** The swagger's own `x-ms-long-running-operation-options`, if any. */
  finalStateVia: FinalStateVia | undefined;
}

let routes: readonly AutoRestRoute[] | undefined;

/** The LRO operations of the server's swagger (`swagger/lro.json`), by operationId; read once. */
export function autoRestRoutes(): readonly AutoRestRoute[] {
  if (routes) return routes;
  const file = join(ROOT, 'node_modules', '@microsoft.azure', 'autorest.testserver', 'swagger', 'lro.json');
  const spec = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')) as {
    paths: Record<
      string,
      Record<
        string,
        {
          operationId: string;
          'x-ms-long-running-operation'?: boolean;
          'x-ms-long-running-operation-options'?: { 'final-state-via'?: FinalStateVia };
        }
      >
    >;
  };
  const found: AutoRestRoute[] = [];
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (op['x-ms-long-running-operation'] !== true) continue;
      const finalStateVia = op['x-ms-long-running-operation-options']?.['final-state-via'];
      found.push({ operationId: op.operationId, method: method.toUpperCase() as LroMethod, path, finalStateVia });
    }
  }
  routes = found.sort((a, b) => a.operationId.localeCompare(b.operationId));
  return routes;
}
