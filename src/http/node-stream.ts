// The reader of Node stream bodies (node-fetch's, which cross-fetch uses in Node), apart from the fetch
// transport so that only a runtime that meets such a body loads it.

/** The parts of a Node readable stream (node-fetch's body) the reader uses. */
export interface NodeStreamLike {
  on(event: string, listener: (arg?: unknown) => void): unknown;
  removeListener(event: string, listener: (arg?: unknown) => void): unknown;
  destroy?: (error?: Error) => void;
}

// Reads a Node stream body chunk by chunk; a silence longer than `stallMs` ends the read with an
// error. One timer for the whole body, pushed back at each chunk.
export function readNodeStream(body: NodeStreamLike, stallMs: number, add: (chunk: Uint8Array | string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const stalled = (): void => finish(new Error(`the body stopped arriving for ${stallMs} ms (the connection was probably cut)`));
    let timer = setTimeout(stalled, stallMs);
    const onData = (chunk: unknown): void => {
      try {
        add(chunk as Uint8Array | string);
      } catch (error) {
        finish(error);
        return;
      }
      if (typeof timer.refresh === 'function') timer.refresh();
      else {
        clearTimeout(timer);
        timer = setTimeout(stalled, stallMs);
      }
    };
    const onEnd = (): void => finish();
    const finish = (error?: unknown): void => {
      clearTimeout(timer);
      body.removeListener('data', onData);
      body.removeListener('end', onEnd);
      body.removeListener('error', finish);
      if (error === undefined) {
        resolve();
        return;
      }
      // Releases the socket and the stream; errors of the stream itself are ours to report, not its.
      body.on('error', () => undefined);
      if (typeof body.destroy === 'function') body.destroy();
      reject(error);
    };
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', finish);
  });
}
