import { ProtocolError } from '../errors';
import type { FinalStateVia, LroMethod, PollMode, ResumeToken } from '../snapshot';

const METHODS: readonly LroMethod[] = ['PUT', 'PATCH', 'POST', 'DELETE', 'GET'];
const MODES: readonly PollMode[] = ['status', 'location', 'body', 'none'];
const FINAL_STATES: readonly FinalStateVia[] = ['azure-async-operation', 'operation-location', 'location', 'original-uri'];

type Check = [expected: string, ok: (value: unknown) => boolean];

const isString = (value: unknown): boolean => typeof value === 'string';
const oneOf = (values: readonly string[]): Check => [
  values.map((v) => JSON.stringify(v)).join(', '),
  (value) => values.includes(value as string),
];

// Every field of a token: what it must be, and whether it must be there.
const FIELDS: ReadonlyArray<[name: keyof ResumeToken, required: boolean, check: Check]> = [
  ['v', true, ['1', (value) => value === 1]],
  ['method', true, oneOf(METHODS)],
  ['url', true, ['a URL string', isString]],
  ['mode', true, oneOf(MODES)],
  ['pollUrl', false, ['a URL string', isString]],
  ['locationUrl', false, ['a URL string', isString]],
  ['apiVersion', false, ['a string', isString]],
  ['replaceApiVersion', false, ['a boolean', (value) => typeof value === 'boolean']],
  ['finalStateVia', false, oneOf(FINAL_STATES)],
  ['key', false, ['a non-empty string', (value) => typeof value === 'string' && value !== '']],
];

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function invalid(problem: string, value: unknown): ProtocolError {
  return new ProtocolError(`Invalid resume token: ${problem}`, 'S3', value);
}

/**
 * A resume token read back from storage, checked for shape (rule S3): each wrong field is named with
 * what it must be and what was found; fields it does not know are dropped. The origin rules are
 * checked by the driver before each request, as for any URL it follows.
 */
export function readResumeToken(value: unknown): ResumeToken | ProtocolError {
  if (typeof value === 'string') {
    return invalid('got a string: a token stored as JSON text must be read back with JSON.parse first', value);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalid(`expected an object { v, method, url, mode, … } (a snapshot's resumeToken), got ${shown(value)}`, value);
  }
  const record = value as Record<string, unknown>;
  const token: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, required, [expected, ok]] of FIELDS) {
    const field = record[name];
    if (field === undefined && !required) continue;
    if (ok(field)) token[name] = field;
    else problems.push(`${name} must be ${expected}, got ${shown(field)}`);
  }
  if (problems.length > 0) return invalid(problems.join('; '), value);
  const checked = token as unknown as ResumeToken;
  if (checked.mode !== 'none' && checked.pollUrl === undefined) {
    return invalid(`mode ${JSON.stringify(checked.mode)} needs a pollUrl, got nothing`, value);
  }
  if (checked.mode === 'none' && checked.method !== 'PUT' && checked.method !== 'PATCH') {
    return invalid(`a ${checked.method} that finished at once has nothing left to poll`, value);
  }
  return checked;
}
