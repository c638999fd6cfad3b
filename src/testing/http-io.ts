import type { IncomingMessage, ServerResponse } from 'node:http';
import { serialize, type SimResponse } from './faults';
import type { ResolvedFault } from './script';

/** Request bodies above this are drained but not kept: the simulator only needs small resource bodies. */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

/** Reads a request body as text (truncated to the cap); never rejects, since a client may hang up mid-body. */
export function readBody(req: IncomingMessage, limit = MAX_REQUEST_BODY_BYTES): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    req.on('data', (chunk: Buffer) => {
      if (size + chunk.length > limit) truncated = true;
      else chunks.push(chunk);
      size += chunk.length;
    });
    const done = (): void => resolve(truncated ? '' : Buffer.concat(chunks).toString('utf8'));
    req.on('end', done);
    req.on('error', done);
    req.on('close', done);
  });
}

/** Parses a request body as a JSON object; anything else counts as no body. */
export function parseObject(text: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function isOpen(res: ServerResponse): boolean {
  return !res.destroyed && !res.writableEnded && !res.headersSent;
}

/** Writes a response, applying the body faults and `reset-mid-body`. */
export function writeResponse(res: ServerResponse, response: SimResponse, fault?: ResolvedFault): void {
  if (!isOpen(res)) return;
  const wire = serialize(response, fault);
  for (const [name, value] of Object.entries(wire.headers)) res.setHeader(name, value);
  if (fault?.kind === 'reset-mid-body') {
    // A body is needed to cut in the middle of, even where the normal answer has none.
    const full = Buffer.from(wire.text ?? JSON.stringify({ status: 'InProgress', padding: 'x'.repeat(256) }), 'utf8');
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Content-Length', String(full.length));
    res.writeHead(wire.status);
    res.write(full.subarray(0, Math.max(1, Math.floor(full.length / 2))), () => res.destroy());
    return;
  }
  if (wire.text === undefined) {
    // An explicit zero length rather than an empty chunked body: simpler for clients and for curl -i readers.
    if (wire.status !== 204 && wire.status !== 304) res.setHeader('Content-Length', '0');
    res.writeHead(wire.status);
    res.end();
    return;
  }
  const bytes = Buffer.from(wire.text, 'utf8');
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', String(bytes.length));
  res.writeHead(wire.status);
  res.end(bytes);
}

/** Drops the connection without answering. */
export function resetConnection(req: IncomingMessage, res: ServerResponse): void {
  res.destroy();
  req.socket.destroy();
}
