import type { Decoder } from 'io-ts';
import { DecodeError, type DecodeIssue } from '../errors';

/**
 * A decoder for the final resource: any io-ts `Type` or `Decoder` from `unknown`.
 * @example
 * ```ts
 * const Account = t.type({ name: t.string });
 * trackOperation(request, { result: Account }); // snapshots typed OperationSnapshot<{ name: string }>
 * ```
 */
export type ResultDecoder<T> = Decoder<unknown, T>;

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Decodes a final result with the caller's codec (rule X7). io-ts reports failures as data (an
 * `Either`); they become one `DecodeError` whose issues name every failing path.
 */
export function decodeResult<T>(decoder: ResultDecoder<T>, value: unknown): { ok: true; value: T } | { ok: false; error: DecodeError } {
  const validation = decoder.decode(value);
  if (validation._tag === 'Right') return { ok: true, value: validation.right };
  const issues: DecodeIssue[] = validation.left.map((failure) => {
    const context = failure.context;
    const path = context
      .slice(1)
      .map((entry) => entry.key)
      .filter((key) => key !== '')
      .join('.');
    const expected = context.length > 0 ? context[context.length - 1]!.type.name : decoder.name;
    return { path, expected, actual: describe(failure.value) };
  });
  return { ok: false, error: new DecodeError(issues) };
}
