import type { OperationSnapshot } from 'rx-lro';

/** Where the command-line tools write; a TTY gets live bars, anything else plain lines. */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** `1.2s`, `2m05s`: a short, stable-width duration. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
}

/** A progress bar of `width` cells; without a fraction, a marker bouncing with elapsed time. */
export function progressBar(fraction: number | undefined, width: number, elapsedMs: number): string {
  if (fraction !== undefined) {
    const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
    return '█'.repeat(filled) + '░'.repeat(width - filled);
  }
  const span = Math.max(1, width - 3);
  const step = Math.floor(elapsedMs / 120) % (2 * span);
  const at = step < span ? step : 2 * span - step;
  return '░'.repeat(at) + '▓▓▓' + '░'.repeat(width - 3 - at);
}

/** One glyph per state, so a row reads at a glance. */
export function stateMark(state: OperationSnapshot['state'] | 'pending' | 'stopped'): string {
  switch (state) {
    case 'succeeded':
      return '✔';
    case 'failed':
      return '✖';
    case 'canceled':
    case 'stopped':
      return '■';
    default:
      return '…';
  }
}

/** A table with a header row and left-aligned columns separated by two spaces. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

/** The one-line gist of how an operation ended: the result's name or the error's codes. */
export function outcomeText(snapshot: OperationSnapshot | undefined): string {
  if (!snapshot) return '';
  if (snapshot.error) {
    const inner = snapshot.error.details?.map((d) => d.code).join(', ');
    return `${snapshot.error.code}: ${snapshot.error.message}${inner ? ` [${inner}]` : ''}`;
  }
  const result = snapshot.result as Record<string, unknown> | undefined;
  if (result && typeof result === 'object') {
    const name = result['name'] ?? result['id'];
    if (typeof name === 'string') return name;
    return JSON.stringify(result).slice(0, 60);
  }
  return snapshot.done ? '(no content)' : '';
}
