// The final-result rules (PROTOCOL X1–X6, R16) as one table, cell by cell: first the pure decision,
// then the same cells through the protocol's steps, from the initial response to the succeeded monitor.
import { describe, expect, it } from 'vitest';
import { resolveOptions, type PollOptions } from '../../src/options';
import { finalPlan, type FinalPlan } from '../../src/protocol/final-state';
import { normalizeHeaders } from '../../src/protocol/headers';
import { pollResponse, startOperation } from '../../src/protocol/operation';
import type { FinalStateVia, LroMethod } from '../../src/snapshot';

const ARM = 'https://management.azure.com';
const ORIGINAL = `${ARM}/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Test/widgets/w1?api-version=2024-01-01`;
const MONITOR = `${ARM}/subscriptions/s1/providers/Microsoft.Test/locations/westus/operationStatuses/op1?api-version=2024-01-01`;
const LOCATION = `${ARM}/subscriptions/s1/providers/Microsoft.Test/locations/westus/operationResults/op1?api-version=2024-01-01`;
const ELSEWHERE = `${ARM}/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Test/widgets/w1/views/final?api-version=2024-01-01`;

// What the result is: GET the original URL, GET the initial Location, the monitor's own result, or none.
type Source = 'original' | 'location' | 'monitor' | 'none';
const VIAS = [undefined, 'azure-async-operation', 'operation-location', 'location', 'original-uri'] as const;
type Via = (typeof VIAS)[number];

// PROTOCOL X5, written out: by method and whether the initial response had a Location, one source per
// finalStateVia in the order of VIAS (not given, azure-async-operation, operation-location, location, original-uri).
const X5: Array<[LroMethod, boolean, [Source, Source, Source, Source, Source]]> = [
  ['PUT', true, ['original', 'original', 'original', 'original', 'original']],
  ['PUT', false, ['original', 'original', 'original', 'original', 'original']],
  ['PATCH', true, ['original', 'original', 'original', 'location', 'original']],
  ['PATCH', false, ['original', 'original', 'original', 'original', 'original']],
  ['POST', true, ['location', 'monitor', 'monitor', 'location', 'original']],
  ['POST', false, ['monitor', 'monitor', 'monitor', 'monitor', 'original']],
  ['GET', true, ['location', 'monitor', 'monitor', 'location', 'original']],
  ['GET', false, ['monitor', 'monitor', 'monitor', 'monitor', 'original']],
  ['DELETE', true, ['none', 'none', 'none', 'none', 'none']],
  ['DELETE', false, ['none', 'none', 'none', 'none', 'none']],
];

const MONITOR_BODY = { status: 'Succeeded', result: { answer: 42 } };

function expected(source: Source): FinalPlan {
  switch (source) {
    case 'original':
      return { kind: 'get', url: ORIGINAL };
    case 'location':
      return { kind: 'get', url: LOCATION };
    case 'monitor':
      return { kind: 'value', value: { answer: 42 } };
    case 'none':
      return { kind: 'none' };
  }
}

function label(method: LroMethod, withLocation: boolean, via: Via): string {
  return `${method} ${withLocation ? 'with' : 'without'} an initial Location, finalStateVia ${via ?? 'not given'}`;
}

const cells = X5.flatMap(([method, withLocation, sources]) => VIAS.map((via, i) => ({ method, withLocation, via, source: sources[i]! })));

describe('X1–X5 R16 the final result after a succeeded status monitor: the pure rule', () => {
  for (const { method, withLocation, via, source } of cells) {
    const rules = method === 'DELETE' ? 'X3 X5' : method === 'GET' ? 'R16 X2 X5' : method === 'POST' ? 'X2 X5' : 'X1 X5';
    it(`${rules} ${label(method, withLocation, via)}: ${source}`, () => {
      const inputs = { method, mode: 'status' as const, url: ORIGINAL, body: MONITOR_BODY, ...(via ? { finalStateVia: via } : {}) };
      expect(finalPlan(withLocation ? { ...inputs, locationUrl: LOCATION } : inputs)).toEqual(expected(source));
    });
  }

  it('X4 a resourceLocation wins over X1 and X2, for every finalStateVia, but a DELETE still has no result (X3)', () => {
    for (const via of VIAS) {
      for (const method of ['PUT', 'PATCH', 'POST', 'GET'] as const) {
        const plan = finalPlan({
          method,
          mode: 'status',
          url: ORIGINAL,
          locationUrl: LOCATION,
          resourceLocation: ELSEWHERE,
          body: {},
          finalStateVia: via,
        });
        expect(plan, `${method} ${via}`).toEqual({ kind: 'get', url: ELSEWHERE });
      }
      expect(
        finalPlan({ method: 'DELETE', mode: 'status', url: ORIGINAL, resourceLocation: ELSEWHERE, body: {}, finalStateVia: via }),
      ).toEqual({
        kind: 'none',
      });
    }
  });

  it('X2 the monitor’s own result: data plane `result`, else ARM `properties`, else none; naming the monitor, else its whole body', () => {
    const post = (body: unknown, finalStateVia?: FinalStateVia): FinalPlan =>
      finalPlan({ method: 'POST', mode: 'status', url: ORIGINAL, body, ...(finalStateVia ? { finalStateVia } : {}) });
    expect(post({ status: 'Succeeded', result: { a: 1 }, properties: { b: 2 } })).toEqual({ kind: 'value', value: { a: 1 } });
    expect(post({ status: 'Succeeded', properties: { b: 2 } })).toEqual({ kind: 'value', value: { b: 2 } });
    expect(post({ status: 'Succeeded', id: 'op1' })).toEqual({ kind: 'none' });
    expect(post({ status: 'Succeeded', id: 'op1' }, 'location')).toEqual({ kind: 'none' });
    for (const via of ['azure-async-operation', 'operation-location'] as const) {
      expect(post({ status: 'Succeeded', id: 'op1' }, via)).toEqual({ kind: 'value', value: { status: 'Succeeded', id: 'op1' } });
      expect(post({ status: 'Succeeded', properties: { b: 2 } }, via)).toEqual({ kind: 'value', value: { b: 2 } });
    }
  });

  it('X3 X5 in Location mode the terminal response is the result whatever finalStateVia says; a bodiless one GETs only for a PUT/PATCH with original-uri', () => {
    for (const via of VIAS) {
      for (const method of ['PUT', 'PATCH', 'POST', 'GET', 'DELETE'] as const) {
        const base = { method, mode: 'location' as const, url: ORIGINAL, locationUrl: LOCATION, ...(via ? { finalStateVia: via } : {}) };
        expect(finalPlan({ ...base, body: { name: 'w1' } }), `${method} ${via}`).toEqual({ kind: 'value', value: { name: 'w1' } });
        const bodiless = via === 'original-uri' && (method === 'PUT' || method === 'PATCH') ? expected('original') : expected('none');
        expect(finalPlan({ ...base, body: undefined }), `${method} ${via} without a body`).toEqual(bodiless);
      }
    }
  });

  it('R4 R5 polling the resource, or finished at once: the body in hand is the result', () => {
    for (const mode of ['body', 'none'] as const) {
      expect(finalPlan({ method: 'PUT', mode, url: ORIGINAL, body: { name: 'w1' }, finalStateVia: 'location' })).toEqual({
        kind: 'value',
        value: { name: 'w1' },
      });
      expect(finalPlan({ method: 'DELETE', mode, url: ORIGINAL, body: undefined })).toEqual({ kind: 'none' });
    }
  });
});

describe('X1–X6 R16 the final result after a succeeded status monitor: through the protocol steps', () => {
  const run = (method: LroMethod, withLocation: boolean, via: Via, monitorStatus = 'Succeeded') => {
    const options: PollOptions = via ? { finalStateVia: via as FinalStateVia } : {};
    const { settings } = resolveOptions(options);
    const headers = normalizeHeaders(
      withLocation ? { 'Azure-AsyncOperation': MONITOR, Location: LOCATION } : { 'Azure-AsyncOperation': MONITOR },
    );
    const status = method === 'PUT' || method === 'PATCH' ? 201 : 202;
    const first = startOperation({ method, url: ORIGINAL }, { status, headers }, settings, 0);
    const body = monitorStatus === 'Succeeded' ? MONITOR_BODY : { status: monitorStatus, error: { code: 'E', message: 'm' } };
    return pollResponse({ ...first.state, polls: 1 }, { status: 200, headers: {}, body }, settings, 0);
  };

  for (const { method, withLocation, via, source } of cells) {
    const rules = method === 'DELETE' ? 'X3 X5' : method === 'GET' ? 'R16 X2 X5' : method === 'POST' ? 'X2 X5' : 'X1 X5';
    it(`${rules} ${label(method, withLocation, via)}: ${source}`, () => {
      const step = run(method, withLocation, via);
      const plan = expected(source);
      if (plan.kind === 'get') {
        expect(step.next).toEqual({ kind: 'final', url: plan.url });
        expect(step.snapshot).toBeUndefined();
        return;
      }
      expect(step.next).toEqual({ kind: 'done' });
      expect(step.snapshot).toMatchObject({ state: 'succeeded', done: true });
      if (plan.kind === 'value') expect(step.snapshot!.result).toEqual(plan.value);
      else expect(step.snapshot).not.toHaveProperty('result');
    });
  }

  it('X6 Failed or Canceled: no final GET whatever the method or finalStateVia, and the monitor’s error stands', () => {
    for (const { method, withLocation, via } of cells) {
      for (const status of ['Failed', 'Canceled']) {
        const step = run(method, withLocation, via, status);
        expect(step.next, label(method, withLocation, via)).toEqual({ kind: 'done' });
        expect(step.snapshot).toMatchObject({ state: status.toLowerCase(), error: { code: 'E', message: 'm' } });
      }
    }
  });
});
