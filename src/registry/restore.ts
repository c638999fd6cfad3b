// What the registry saves of an entry, and the table back from a saved entry to what a new page does with it. Pure.
import type { LroMethod, OperationRequest, ResumeToken, StartInput } from 'rx-lro';
import { isResendable } from '../protocol/requests';
import type { RegistryEntry, RegistryPhase } from './types';

export const ACTIVE: ReadonlySet<RegistryPhase> = new Set(['queued', 'starting', 'running']);
const PHASES: ReadonlySet<string> = new Set(['queued', 'starting', 'running', 'done', 'error', 'canceled']);

/** How an entry (re)starts: the request to send, an initial response in hand, or a resume token. */
export type Plan =
  { kind: 'track'; request: OperationRequest } | { kind: 'adopt'; start: StartInput } | { kind: 'resume'; token: ResumeToken };

/** A request as saved: never its headers, which may carry credentials. */
export interface SavedRequest {
  method: LroMethod;
  url: string;
  body?: unknown;
}

/**
 * An entry as saved. `request` is kept only while the operation is not under way (it may hold a
 * request body), and only for a request the registry itself sends; `started` names the request of an
 * adopted start, for the record only.
 */
export type SavedEntry = RegistryEntry & { request?: SavedRequest; started?: { method: string; url: string } };

export interface Saved {
  v: 1;
  entries: Record<string, SavedEntry>;
}

/** What a new page does with a saved entry. */
export type Restored =
  /** A finished entry: shown as it was. */
  | { kind: 'keep'; entry: RegistryEntry }
  /** Queued again to start by `plan`; `entry` is what is shown meanwhile. */
  | { kind: 'restart'; entry: RegistryEntry; plan: Plan }
  /** Under way when the page closed, with nothing to continue from: `request` is the one that may or may not have been applied. */
  | { kind: 'lost'; request: { method: string; url: string } }
  /** Under way, with nothing to continue from and no request known: rx-lro stopped watching it. */
  | { kind: 'stopped'; entry: RegistryEntry };

/** The saved form of an entry under `plan` (the plan it was queued or started by, while it has one). */
export function savedEntry(entry: RegistryEntry, plan: Plan | undefined, adoptMethod?: string): SavedEntry {
  if (!plan || !ACTIVE.has(entry.phase) || entry.resumeToken) return entry;
  switch (plan.kind) {
    case 'track':
      return entry.phase === 'running' ? entry : { ...entry, request: savedRequest(plan.request) };
    case 'resume':
      return { ...entry, resumeToken: plan.token };
    case 'adopt': {
      const started = startedRequest(plan.start, adoptMethod);
      return started ? { ...entry, started } : entry;
    }
  }
}

/** The saved record of every entry, as text. */
export function savedRecord(slots: Iterable<[string, { entry: RegistryEntry; plan?: Plan }]>, adoptMethod: string | undefined): string {
  const saved: Saved = { v: 1, entries: {} };
  for (const [key, { entry, plan }] of slots) saved.entries[key] = savedEntry(entry, plan, adoptMethod);
  return JSON.stringify(saved);
}

/** The table from a saved entry to what a new page does with it; `undefined` for what is not an entry. */
export function restoreEntry(key: string, raw: unknown): Restored | undefined {
  if (key === '' || typeof raw !== 'object' || raw === null || !PHASES.has((raw as SavedEntry).phase)) return undefined;
  const { request, started, ...entry } = raw as SavedEntry;
  if (!ACTIVE.has(entry.phase)) return { kind: 'keep', entry: { ...entry, key } };
  const token = entry.resumeToken;
  if (token && (entry.phase === 'running' || entry.phase === 'queued')) {
    return { kind: 'restart', entry: { ...entry, key, phase: 'queued' }, plan: { kind: 'resume', token } };
  }
  if (request && (entry.phase === 'queued' || isResendable(request.method))) {
    return { kind: 'restart', entry: { key, phase: 'queued' }, plan: { kind: 'track', request } };
  }
  const sent = request ?? started;
  if (sent) return { kind: 'lost', request: { method: sent.method, url: sent.url } };
  return { kind: 'stopped', entry: { ...entry, key, phase: 'canceled' } };
}

function savedRequest(request: OperationRequest): SavedRequest {
  const saved: SavedRequest = { method: request.method, url: request.url };
  if (request.body !== undefined) saved.body = request.body;
  return saved;
}

/** The request of an adopted start, where the start says it (a fetch `Response` has no method: the options' is used). */
function startedRequest(start: StartInput, method: string | undefined): { method: string; url: string } | undefined {
  const { request, url } = start as { request?: { method?: unknown; url?: unknown }; url?: unknown };
  if (typeof request === 'object' && request !== null && typeof request.method === 'string' && typeof request.url === 'string') {
    return { method: request.method, url: request.url };
  }
  return typeof url === 'string' && method !== undefined ? { method, url } : undefined;
}
