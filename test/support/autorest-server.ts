// The AutoRest test server (@microsoft.azure/autorest.testserver), the server every Azure SDK generator
// is tested against, started on 127.0.0.1 for a test file by test/conformance/autorest-server.cjs.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
