import type { Output } from '../../src/cli/progress';

/** An `Output` that keeps what is written, as a terminal or as a pipe. */
export function capture(isTTY = false): Output & { text: () => string } {
  const chunks: string[] = [];
  return { isTTY, columns: 120, write: (s: string) => chunks.push(s), text: () => chunks.join('') };
}
