import { describe, expect, it } from 'vitest';
import { classifyStatus, provisioningState, readOperationError, readProgress, statusTable } from '../../src/protocol/status';

describe('R12 classifyStatus: terminal values, exact and case-insensitive', () => {
  const table = statusTable();
  it.each([
    ['Succeeded', 'succeeded'],
    ['succeeded', 'succeeded'],
    ['SUCCEEDED', 'succeeded'],
    ['Failed', 'failed'],
    ['Canceled', 'canceled'],
    ['Cancelled', 'canceled'],
    ['cancelled', 'canceled'],
    ['Accepted', 'running'],
    ['Running', 'running'],
    ['InProgress', 'running'],
    ['NotStarted', 'running'],
    ['Creating', 'running'],
    ['Deleting', 'running'],
    ['failover-in-progress', 'running'],
    ['NotSucceeded', 'running'],
    ['Succeeded ', 'running'],
    ['Completed', 'running'],
    ['', 'running'],
  ])('R12 %j is %s', (status, state) => {
    expect(classifyStatus(status, table)).toBe(state);
  });

  it('R12 custom terminal values are configurable, any case; the built-in ones stay', () => {
    const custom = statusTable({ succeeded: ['Completed'], failed: ['Aborted', 'TimedOut'], canceled: ['Stopped'] });
    expect(classifyStatus('completed', custom)).toBe('succeeded');
    expect(classifyStatus('ABORTED', custom)).toBe('failed');
    expect(classifyStatus('TimedOut', custom)).toBe('failed');
    expect(classifyStatus('Stopped', custom)).toBe('canceled');
    expect(classifyStatus('Succeeded', custom)).toBe('succeeded');
    expect(classifyStatus('Cancelled', custom)).toBe('canceled');
    expect(classifyStatus('CompletedSoon', custom)).toBe('running');
    // The default table is not changed by a custom one.
    expect(classifyStatus('Completed', statusTable())).toBe('running');
  });
});

describe('R4 provisioningState of a resource body', () => {
  it.each([
    ['properties.provisioningState', { properties: { provisioningState: 'Accepted' } }, 'Accepted'],
    ['top-level provisioningState', { provisioningState: 'Updating' }, 'Updating'],
    ['properties wins over top level', { provisioningState: 'Succeeded', properties: { provisioningState: 'Creating' } }, 'Creating'],
    [
      'a non-string nested one falls back to the top level',
      { provisioningState: 'Running', properties: { provisioningState: 5 } },
      'Running',
    ],
    ['none', { properties: {} }, undefined],
    ['a number', { provisioningState: 1 }, undefined],
    ['a body that is not an object', 'Accepted', undefined],
    ['an array', [{ provisioningState: 'Accepted' }], undefined],
    ['no body', undefined, undefined],
    ['null', null, undefined],
  ])('R4 %s', (_name, body, expected) => {
    expect(provisioningState(body)).toBe(expected);
  });
});

describe('R10 readProgress: the optional facts of a status monitor body', () => {
  it('R10 percentComplete, id, name, startTime and endTime are surfaced when present', () => {
    expect(
      readProgress({
        status: 'InProgress',
        percentComplete: 40,
        id: '/subscriptions/s1/operations/op1',
        name: 'op1',
        startTime: '2024-01-01T00:00:00Z',
        endTime: '2024-01-01T00:05:00Z',
      }),
    ).toEqual({
      percentComplete: 40,
      operation: {
        id: '/subscriptions/s1/operations/op1',
        name: 'op1',
        startTime: '2024-01-01T00:00:00Z',
        endTime: '2024-01-01T00:05:00Z',
      },
    });
  });

  it.each([
    ['0 and 100 are in range', { percentComplete: 0 }, { percentComplete: 0 }],
    ['100 is in range', { percentComplete: 100, name: 'n' }, { percentComplete: 100, operation: { name: 'n' } }],
    ['above 100 is dropped', { percentComplete: 101 }, {}],
    ['below 0 is dropped', { percentComplete: -1 }, {}],
    ['a string percentage is dropped', { percentComplete: '50' }, {}],
    ['NaN is dropped', { percentComplete: Number.NaN }, {}],
    [
      'wrongly typed facts are dropped, the others kept',
      { id: 5, name: 'op', startTime: {}, endTime: null },
      { operation: { name: 'op' } },
    ],
    ['a body with none of them', { status: 'Running' }, {}],
    ['a body that is not an object', 'Running', {}],
    ['no body', undefined, {}],
  ])('R10 %s', (_name, body, expected) => {
    expect(readProgress(body)).toEqual(expected);
  });
});

describe('R11 readOperationError', () => {
  it('R11 the error is surfaced whole: target, nested details, additionalInfo', () => {
    const error = {
      code: 'DeploymentFailed',
      message: 'At least one resource deployment operation failed.',
      target: 'vm1',
      details: [
        { code: 'Conflict', message: 'outer', details: [{ code: 'QuotaExceeded', message: 'root cause' }] },
        'not an error',
        { message: 'no code: dropped' },
      ],
      additionalInfo: [{ type: 'PolicyViolation', info: { policy: 'p1' } }],
    };
    expect(readOperationError({ status: 'Failed', error }, 'Failed')).toEqual({
      code: 'DeploymentFailed',
      message: 'At least one resource deployment operation failed.',
      target: 'vm1',
      details: [{ code: 'Conflict', message: 'outer', details: [{ code: 'QuotaExceeded', message: 'root cause' }] }],
      additionalInfo: [{ type: 'PolicyViolation', info: { policy: 'p1' } }],
    });
  });

  it('R11 properties.error is read when there is no top-level error; a missing message is empty', () => {
    expect(readOperationError({ properties: { provisioningState: 'Failed', error: { code: 'BadRequest' } } }, 'Failed')).toEqual({
      code: 'BadRequest',
      message: '',
    });
  });

  it.each([
    ['no error', { status: 'Failed' }],
    ['an error that is a string', { status: 'Failed', error: 'boom' }],
    ['an error without a string code', { status: 'Failed', error: { code: 500, message: 'x' } }],
    ['a body that is not JSON', '<html>oops</html>'],
  ])('R11 %s: code Unknown, the raw body kept', (_name, body) => {
    expect(readOperationError(body, 'Failed')).toEqual({
      code: 'Unknown',
      message: 'The operation ended with status "Failed" and no usable error',
      raw: body,
    });
  });

  it('R11 the raw body given apart is the one kept; with none, no raw field', () => {
    expect(readOperationError(undefined, 'Canceled', '{"status":"Canceled"}')).toMatchObject({
      code: 'Unknown',
      raw: '{"status":"Canceled"}',
    });
    expect(readOperationError(undefined, 'Canceled')).not.toHaveProperty('raw');
  });

  it('R11 nested details stop at a bounded depth (a hostile body cannot recurse without end)', () => {
    let nested: Record<string, unknown> = { code: 'Leaf', message: 'deepest' };
    for (let i = 0; i < 50; i++) nested = { code: `Level${i}`, message: '', details: [nested] };
    const error = readOperationError({ error: nested }, 'Failed');
    let depth = 0;
    for (let e = error; e.details; e = e.details[0]!) depth += 1;
    expect(depth).toBe(8);
  });
});
