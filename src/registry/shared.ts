// What the tabs of a shared registry tell each other, and how a follower shows it. Pure.
import type { OperationRequest, OperationStart, ResumeToken, StartInput } from 'rx-lro';
import { ACTIVE, type Saved, type SavedEntry } from './restore';
import type { RegistryEntry, RegistryState } from './types';

/**
 * The leader's record: the entries as `state$` shows them, and, for the active ones, the saved form
 * a new leader restarts them from (the storage's: resume tokens, and a request not under way yet,
 * without its headers).
 */
export interface TabRecord {
  entries: RegistryState;
  active: Record<string, SavedEntry>;
}

/** A follower's call, carried out by the leader. */
export type TabCommand =
  | { op: 'track'; key: string; request: OperationRequest }
  | { op: 'adopt'; key: string; start: StartInput }
  | { op: 'resume'; key: string; token: ResumeToken }
  | { op: 'cancel'; key: string }
  | { op: 'remove'; key: string };

/** The record as the storage would have it, for the restore table. */
export function savedOf(record: TabRecord): Saved {
  return { v: 1, entries: { ...record.entries, ...record.active } };
}

/** What a follower shows: the leader's entries, with its own commands the leader has not carried out yet. */
export function followerState<T>(record: TabRecord | undefined, pending: readonly TabCommand[]): RegistryState<T> {
  const state = { ...(record?.entries ?? {}) } as Record<string, RegistryEntry<T>>;
  for (const command of pending) {
    const entry = state[command.key];
    if (command.op === 'remove') delete state[command.key];
    else if (command.op !== 'cancel') state[command.key] = { key: command.key, phase: 'queued' };
    else if (entry && ACTIVE.has(entry.phase)) {
      const { fault: _fault, ...rest } = entry;
      state[command.key] = { ...rest, phase: 'canceled' };
    }
  }
  return state;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function headersOf(headers: unknown): Record<string, string> | undefined {
  if (!isObject(headers)) return undefined;
  const plain: Record<string, string> = {};
  if (typeof headers['forEach'] === 'function') {
    (headers as { forEach(callback: (value: string, name: string) => void): void }).forEach((value, name) => (plain[name] = value));
  } else {
    for (const [name, value] of Object.entries(headers)) if (typeof value === 'string') plain[name] = value;
  }
  return plain;
}

/**
 * A start as plain data, to send to the leader: an `AjaxResponse` or a `Headers` object cannot cross
 * to another tab, and a fetch `Response` is read first (`method`, the poll options', says its method).
 * Anything else goes as it is, and the leader's tracker says what is wrong with it.
 */
export function plainStart(start: StartInput, method: string | undefined): StartInput | Promise<StartInput> {
  const given = start as unknown as Record<string, unknown>;
  if (!isObject(given)) return start;
  if (isObject(given['request']) && isObject(given['responseHeaders']) && 'xhr' in given) {
    const request = given['request'] as { method: string; url: string };
    return {
      request: { method: request.method, url: request.url },
      response: { status: given['status'] as number, headers: headersOf(given['responseHeaders']), body: given['response'] },
    } satisfies OperationStart;
  }
  if (isObject(given['request']) && isObject(given['response'])) {
    const { request, response } = start as OperationStart;
    return {
      request: { method: request.method, url: request.url },
      response: { status: response.status, headers: headersOf(response.headers), body: response.body },
    } satisfies OperationStart;
  }
  if (typeof given['text'] === 'function' && isObject(given['headers']) && method !== undefined) {
    const response = start as { status: number; url: string; headers: unknown; text(): Promise<string> };
    const headers = headersOf(response.headers);
    return Promise.resolve(response.text()).then((body): OperationStart => ({
      request: { method, url: response.url },
      response: { status: response.status, headers, body },
    }));
  }
  return start;
}
