// X8: the snapshot type tells the compiler what each state carries. These checks run in the type
// checker (npm test runs tsc over the tests): a broken narrowing fails the build, not only a test.
import { describe, expect, expectTypeOf, it } from 'vitest';
import type {
  CanceledSnapshot,
  FailedSnapshot,
  OperationError,
  OperationSnapshot,
  RunningSnapshot,
  SucceededSnapshot,
  TrackerFault,
} from '../../src/index';

type Account = { name: string; properties: { size: number } };

describe('X8 OperationSnapshot narrows on state', () => {
  it('X8 succeeded gives result: T; failed and canceled give error: OperationError; running gives neither', () => {
    const check = (s: OperationSnapshot<Account>): string => {
      if (s.state === 'succeeded') {
        expectTypeOf(s).toEqualTypeOf<SucceededSnapshot<Account>>();
        expectTypeOf(s.result).toEqualTypeOf<Account>();
        expectTypeOf(s.done).toEqualTypeOf<true>();
        return s.result.name;
      }
      if (s.state === 'failed' || s.state === 'canceled') {
        expectTypeOf(s).toEqualTypeOf<FailedSnapshot | CanceledSnapshot>();
        expectTypeOf(s.error).toEqualTypeOf<OperationError>();
        return s.error.code;
      }
      expectTypeOf(s).toEqualTypeOf<RunningSnapshot>();
      expectTypeOf(s.result).toEqualTypeOf<undefined>();
      expectTypeOf(s.done).toEqualTypeOf<false>();
      return s.status;
    };
    expect(check({ key: 'k', state: 'running', done: false, status: 'InProgress', httpStatus: 200, polls: 1, resumeToken: TOKEN })).toBe(
      'InProgress',
    );
  });

  it('X8 done narrows too: a done snapshot that did not succeed has an error', () => {
    const why = (s: OperationSnapshot): string | undefined => (s.done && s.state !== 'succeeded' ? s.error.message : undefined);
    expect(
      why({
        key: 'k',
        state: 'canceled',
        done: true,
        status: 'Canceled',
        httpStatus: 200,
        polls: 1,
        resumeToken: TOKEN,
        error: { code: 'C', message: 'm' },
      }),
    ).toBe('m');
  });

  it('X8 the union refuses what a state cannot carry, and the optional chain of the old shape still compiles', () => {
    const running = { key: 'k', state: 'running', done: false, status: 'x', httpStatus: 200, polls: 0, resumeToken: TOKEN } as const;
    const bad: RunningSnapshot = {
      ...running,
      // @ts-expect-error a running snapshot has no result
      result: 1,
    };
    // @ts-expect-error a failed snapshot needs its error
    const noError: FailedSnapshot = { ...running, state: 'failed', done: true };
    const loose = (s: OperationSnapshot<Account>) => s.result?.properties.size;
    expectTypeOf(loose).returns.toEqualTypeOf<number | undefined>();
    expect([bad, noError].length).toBe(2);
  });

  it('X8 a merged stream through faultAsData narrows on state too', () => {
    const line = (item: OperationSnapshot | TrackerFault): string => (item.state === 'error' ? item.error.name : item.status);
    expectTypeOf(line).parameter(0).toEqualTypeOf<OperationSnapshot | TrackerFault>();
    expect(line({ key: 'k', state: 'error', done: true, error: { name: 'HttpError', message: 'm' } })).toBe('HttpError');
  });
});

const TOKEN = { v: 1, method: 'PUT', url: 'https://h/r', mode: 'status', pollUrl: 'https://h/op' } as const;
