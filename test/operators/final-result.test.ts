// finalResult(): the result, an OperationFailedError, or an IncompleteError when the stream was cut short.
import { EMPTY, lastValueFrom, of, take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { IncompleteError, OperationFailedError, finalResult, isLroError, type OperationSnapshot, type ResumeToken } from '../../src/index';

const token: ResumeToken = { v: 1, method: 'PUT', url: 'https://h/r?api-version=1', mode: 'status', pollUrl: 'https://h/op?sig=secret' };
const base = { key: 'https://h/op', httpStatus: 200, resumeToken: token };
const running: OperationSnapshot = { ...base, state: 'running', done: false, status: 'InProgress', polls: 1 };
const succeeded: OperationSnapshot<{ name: string }> = {
  ...base,
  state: 'succeeded',
  done: true,
  status: 'Succeeded',
  polls: 2,
  result: { name: 'r' },
};
const failed: OperationSnapshot = {
  ...base,
  state: 'failed',
  done: true,
  status: 'Failed',
  polls: 2,
  error: { code: 'Conflict', message: 'busy' },
};

describe('finalResult', () => {
  it('X8 emits the terminal result and completes', async () => {
    expect(await lastValueFrom(of(running, succeeded).pipe(finalResult()))).toEqual({ name: 'r' });
  });

  it('F4 a failed operation is an OperationFailedError carrying its error', async () => {
    const error = await lastValueFrom(of(running, failed).pipe(finalResult())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationFailedError);
    expect(error).toMatchObject({ state: 'failed', status: 'Failed', error: { code: 'Conflict' } });
  });

  it('a stream cut short by take() is an IncompleteError, not a ProtocolError: it says where it stood and can resume', async () => {
    const error = await lastValueFrom(of(running, succeeded).pipe(take(1), finalResult())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IncompleteError);
    expect(isLroError(error, 'incomplete')).toBe(true);
    expect(error).toMatchObject({ status: 'InProgress', polls: 1 });
    expect((error as IncompleteError).resumeToken).toEqual(token);
    expect(JSON.stringify(error)).not.toContain('secret');
    expect((error as Error).message).toContain('cut short upstream');
  });

  it('an empty stream is an IncompleteError without a position', async () => {
    const error = await lastValueFrom(EMPTY.pipe(finalResult())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IncompleteError);
    expect((error as IncompleteError).resumeToken).toBeUndefined();
  });
});
