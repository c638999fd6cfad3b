import { describe, expect, it } from 'vitest';
import {
  DecodeError,
  HttpError,
  LroError,
  NetworkError,
  OperationFailedError,
  ProtocolError,
  SecurityError,
  TimeoutError,
  isLroError,
  type LroErrorClass,
  type LroErrorCode,
} from '../src/errors';

const SIGNED = 'https://acct.blob.core.windows.net/c/b?sv=2024&sig=s3cr3t';
// F4: every query value but api-version's is redacted in the error's data.
const REDACTED_URL = 'https://acct.blob.core.windows.net/c/b?sv=REDACTED&sig=REDACTED';

// One of each class, with the name, code and fields it must carry.
const CASES: Array<[LroErrorClass, string, LroErrorCode, Record<string, unknown>]> = [
  [
    new HttpError(403, 'GET', SIGNED, '{"error":{}}'),
    'HttpError',
    'http',
    { status: 403, method: 'GET', url: REDACTED_URL, body: '{"error":{}}' },
  ],
  [new NetworkError('PUT', SIGNED, 'ECONNRESET'), 'NetworkError', 'network', { method: 'PUT', url: REDACTED_URL, reason: 'ECONNRESET' }],
  [new ProtocolError('status must be a string', 'R9', { status: 5 }), 'ProtocolError', 'protocol', { rule: 'R9', body: { status: 5 } }],
  [
    new DecodeError([{ path: 'properties.size', expected: 'number', actual: '"big"' }]),
    'DecodeError',
    'decode',
    { issues: [{ path: 'properties.size', expected: 'number', actual: '"big"' }] },
  ],
  [new TimeoutError(30_000), 'TimeoutError', 'timeout', { timeoutMs: 30_000 }],
  [new SecurityError(SIGNED, 'another origin'), 'SecurityError', 'security', { url: REDACTED_URL, reason: 'another origin' }],
  [
    new OperationFailedError('failed', 'Failed', { code: 'Conflict', message: 'busy' }),
    'OperationFailedError',
    'operation-failed',
    { state: 'failed', status: 'Failed', error: { code: 'Conflict', message: 'busy' } },
  ],
];

describe('F4 errors are plain, serializable data', () => {
  it.each(CASES)('F4 %s: a literal name, a code, its fields; toJSON round-trips through JSON', (error, name, code, fields) => {
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(LroError);
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    const data = error.toJSON();
    expect(data).toEqual({ name, code, message: error.message, ...fields });
    expect(JSON.parse(JSON.stringify(error))).toEqual(data);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
  });

  it('F4 fields left undefined are not written', () => {
    expect(new ProtocolError('no rule').toJSON()).toEqual({ name: 'ProtocolError', code: 'protocol', message: 'no rule' });
    expect(Object.keys(new HttpError(500, 'GET', 'https://h/op').toJSON())).not.toContain('body');
  });

  it.each([
    ['HttpError', new HttpError(403, 'GET', SIGNED)],
    ['NetworkError', new NetworkError('GET', SIGNED, 'reset')],
    ['SecurityError', new SecurityError(SIGNED, 'refused')],
  ])('F4 the message of %s names the URL with its query values redacted (a SAS signature stays out of logs)', (_name, error) => {
    expect(error.message).toContain(REDACTED_URL);
    expect(error.message).not.toContain('s3cr3t');
    expect(JSON.stringify(error)).not.toContain('s3cr3t');
  });

  it('messages say what happened', () => {
    expect(new HttpError(403, 'GET', 'https://h/op').message).toBe('GET https://h/op answered HTTP 403');
    expect(new NetworkError('PUT', 'https://h/r', 'ECONNRESET').message).toBe('PUT https://h/r failed: ECONNRESET');
    expect(new ProtocolError('status must be a string', 'R9').message).toBe(
      "status must be a string (rule R9 of rx-lro's docs/conformance.md)",
    );
    expect(new TimeoutError(5000).message).toBe('The operation did not finish within 5000 ms, and the service had not answered yet');
    expect(new SecurityError('https://evil.example.com/op', 'another origin').message).toBe(
      'Refused https://evil.example.com/op: another origin',
    );
    expect(new DecodeError([{ path: '', expected: 'object', actual: 'null' }]).message).toBe(
      "The operation's result does not match its codec: at <root> expected object, got null",
    );
    expect(new OperationFailedError('canceled', 'Cancelled', { code: 'Canceled', message: 'by user' }).message).toBe(
      'The operation was canceled (Cancelled): Canceled: by user',
    );
  });

  it('X7 a DecodeError lists every failing path', () => {
    const error = new DecodeError([
      { path: 'name', expected: 'string', actual: '1' },
      { path: 'properties.size', expected: 'number', actual: '"big"' },
    ]);
    expect(error.paths).toEqual(['name', 'properties.size']);
    expect(error.message).toContain('at name expected string, got 1; at properties.size expected number, got "big"');
  });
});

describe('isLroError', () => {
  it.each(CASES)('recognises %s, and narrows by its code only', (error, _name, code) => {
    expect(isLroError(error)).toBe(true);
    expect(isLroError(error, code)).toBe(true);
    const other: LroErrorCode = code === 'http' ? 'network' : 'http';
    expect(isLroError(error, other)).toBe(false);
  });

  it.each([
    ['an Error', new Error('x')],
    ['an error-shaped object', { name: 'HttpError', code: 'http', message: 'x' }],
    ['the plain data of an rx-lro error', new HttpError(400, 'GET', 'https://h/').toJSON()],
    ['null', null],
    ['a string', 'HttpError'],
    ['undefined', undefined],
  ])('refuses %s', (_name, value) => {
    expect(isLroError(value)).toBe(false);
  });

  it('recognises an error made by another copy of rx-lro (another bundle or realm), where instanceof fails', () => {
    const foreign = Object.assign(Object.create(null) as object, { name: 'HttpError', code: 'http', status: 503 });
    Object.defineProperty(foreign, Symbol.for('rx-lro.error'), { value: true });
    expect(foreign instanceof LroError).toBe(false);
    expect(isLroError(foreign)).toBe(true);
    expect(isLroError(foreign, 'http')).toBe(true);
    expect(isLroError(foreign, 'timeout')).toBe(false);
  });

  it('narrows the type by code', () => {
    const error: unknown = new HttpError(429, 'GET', 'https://h/');
    if (!isLroError(error, 'http')) throw new Error('not narrowed');
    const status: number = error.status;
    expect(status).toBe(429);
  });
});
