import { afterEach, beforeEach } from 'vitest';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/testing/index';

export const API = 'api-version=2016-03-30';
export const VM = '/subscriptions/sub1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1';
export const STORAGE = '/subscriptions/sub1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct1';
export const DEPLOYMENT = '/subscriptions/sub1/resourceGroups/rg/providers/Microsoft.Resources/deployments/dep1';

/** A fresh simulator per test, closed afterwards. */
export function useSimulator(options: SimulatorOptions = {}): () => Simulator {
  let sim: Simulator | undefined;
  beforeEach(async () => {
    sim = await startSimulator(options);
  });
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });
  return () => {
    if (!sim) throw new Error('simulator not started');
    return sim;
  };
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** One request; the body is read fully and parsed when it is JSON. */
export async function send(url: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(url, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Polls a URL until `done` says so, at most `max` times, `gapMs` apart. */
export async function pollUntil(url: string, done: (a: Answer) => boolean, { max = 40, gapMs = 15 } = {}): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < max; i++) {
    const answer = await send(url);
    answers.push(answer);
    if (done(answer)) return answers;
    await sleep(gapMs);
  }
  throw new Error(
    `not done after ${max} polls of ${url}: last ${answers[answers.length - 1]?.status} ${answers[answers.length - 1]?.text}`,
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `body.status` of a monitor body, or undefined. */
export function statusOf(a: Answer): unknown {
  return (a.json as { status?: unknown } | undefined)?.status;
}

export function isTerminalMonitor(a: Answer): boolean {
  const status = statusOf(a);
  return typeof status === 'string' && /^(succeeded|failed|canceled|cancelled|completed)$/i.test(status);
}

/** The `properties.provisioningState` of a resource body. */
export function provisioningStateOf(a: Answer): unknown {
  return (a.json as { properties?: { provisioningState?: unknown } } | undefined)?.properties?.provisioningState;
}
