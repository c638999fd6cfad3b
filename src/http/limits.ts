// The limits every transport keeps: the body cap and the checks of their numeric options.
import { ProtocolError } from '../errors';

/**
 * The default cap on a response body: far above any status monitor, far below a memory problem.
 * @example
 * ```ts
 * trackOperation(request, { maxBodyBytes: DEFAULT_MAX_BODY_BYTES * 4 });
 * ```
 */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** The ProtocolError of a body over the cap (rule F2). */
export function tooLarge(limit: number): ProtocolError {
  return new ProtocolError(`The response body is larger than ${limit} bytes`, 'F2');
}

/** A positive finite number option (at most `max`) of the transport `where` names, or its default; anything else is a TypeError. */
export function positiveOption(where: string, name: string, value: number | undefined, fallback: number, max = Infinity): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max) {
    throw new TypeError(`${where} option ${name} must be a positive finite number, got ${String(value)}`);
  }
  return value;
}
