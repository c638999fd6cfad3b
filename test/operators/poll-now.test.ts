import { BehaviorSubject, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { trackOperation } from '../../src/index';
import { httpDouble, type Reply } from '../support/http-double';
import { testScheduler } from '../support/virtual';

const ARM = 'https://management.azure.com';
const RESOURCE = `${ARM}/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Web/sites/app1?api-version=2024-01-01`;
const MONITOR = `${ARM}/subscriptions/s1/providers/Microsoft.Web/operations/op1?api-version=2024-01-01`;

const routes: Record<string, Reply[]> = {
  [RESOURCE]: [
    { status: 201, headers: { 'azure-asyncoperation': MONITOR, 'retry-after': '60' }, body: {} },
    { status: 200, body: { name: 'app1' } },
  ],
  [MONITOR]: [
    { status: 200, headers: { 'retry-after': '60' }, body: { status: 'Running' } },
    { status: 200, body: { status: 'Succeeded' } },
  ],
};

function times(setup: (emit: (at: number) => void) => { pollNow: Subject<unknown> }): number[] {
  const scheduler = testScheduler();
  let sent: number[] = [];
  scheduler.run((helpers) => {
    const double = httpDouble(scheduler, helpers, routes);
    const { pollNow } = setup((at) => scheduler.schedule(() => pollNow.next(at), at));
    trackOperation({ method: 'PUT', url: RESOURCE }, { http: double.http, pollNow }).subscribe();
    scheduler.flush();
    sent = double.sent.map((r) => r.time);
  });
  return sent;
}

describe('T4 pollNow: the caller ends a wait early', () => {
  it('T4 an emission during a 60 s Retry-After wait polls at once; the next wait is honoured again', () => {
    const sent = times((emit) => {
      emit(5_000);
      return { pollNow: new Subject() };
    });
    // initial at 0 (answer at 100); the poll at 5 s instead of 60.1 s; its answer says 60 s again.
    expect(sent).toEqual([0, 5_000, 5_100 + 60_000, 5_100 + 60_000 + 100]);
  });

  it('T4 a replaying source (BehaviorSubject) does not poll on subscribe: no busy loop', () => {
    const sent = times(() => ({ pollNow: new BehaviorSubject<unknown>(true) }));
    expect(sent).toEqual([0, 60_100, 120_200, 120_300]);
  });

  it('T4 an emission while a request is in flight is ignored', () => {
    const sent = times((emit) => {
      emit(50);
      return { pollNow: new Subject() };
    });
    expect(sent).toEqual([0, 60_100, 120_200, 120_300]);
  });

  it('T6 a wait that ended by its timer stops listening: a later emission sends nothing, even after the end', () => {
    const sent = times((emit) => {
      emit(500_000);
      return { pollNow: new Subject() };
    });
    expect(sent).toEqual([0, 60_100, 120_200, 120_300]);
  });

  it('pollNow must be an Observable', () => {
    expect(() => trackOperation({ method: 'PUT', url: RESOURCE }, { pollNow: (() => 1) as never })).toThrow(
      'options.pollNow must be an Observable',
    );
  });
});
