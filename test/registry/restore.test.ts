import { describe, expect, it } from 'vitest';
import type { ResumeToken } from '../../src/index';
import { restoreEntry, savedEntry, type Plan } from '../../src/registry/restore';

const url = 'https://management.azure.com/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Web/sites/app?api-version=2024-01-01';
const token: ResumeToken = {
  v: 1,
  method: 'PUT',
  url,
  mode: 'status',
  pollUrl: 'https://management.azure.com/subscriptions/s1/providers/Microsoft.Web/operations/op?api-version=2024-01-01',
};

describe('the saved form of an entry', () => {
  it('a queued or starting tracked request keeps its method, URL and body, never its headers', () => {
    const plan: Plan = { kind: 'track', request: { method: 'PUT', url, body: { a: 1 }, headers: { authorization: 'Bearer secret' } } };
    for (const phase of ['queued', 'starting'] as const) {
      expect(savedEntry({ key: 'k', phase }, plan)).toEqual({ key: 'k', phase, request: { method: 'PUT', url, body: { a: 1 } } });
    }
    expect(JSON.stringify(savedEntry({ key: 'k', phase: 'queued' }, plan))).not.toContain('secret');
  });

  it('a running or finished entry keeps no request: its resume token says all', () => {
    const plan: Plan = { kind: 'track', request: { method: 'PUT', url, body: { a: 1 } } };
    expect(savedEntry({ key: 'k', phase: 'running', resumeToken: token }, plan)).toEqual({
      key: 'k',
      phase: 'running',
      resumeToken: token,
    });
    expect(savedEntry({ key: 'k', phase: 'done' }, undefined)).toEqual({ key: 'k', phase: 'done' });
  });

  it('a queued resume keeps its token; a queued adoption names its request (or the options’ method for a fetch Response)', () => {
    expect(savedEntry({ key: 'k', phase: 'queued' }, { kind: 'resume', token })).toEqual({ key: 'k', phase: 'queued', resumeToken: token });
    const adopted: Plan = { kind: 'adopt', start: { request: { method: 'POST', url }, response: { status: 202 } } };
    expect(savedEntry({ key: 'k', phase: 'queued' }, adopted)).toEqual({ key: 'k', phase: 'queued', started: { method: 'POST', url } });
    const response = { status: 202, url, headers: { forEach: () => undefined, get: () => null }, text: async () => '' };
    expect(savedEntry({ key: 'k', phase: 'queued' }, { kind: 'adopt', start: response }, 'DELETE')).toMatchObject({
      started: { method: 'DELETE', url },
    });
    expect(savedEntry({ key: 'k', phase: 'queued' }, { kind: 'adopt', start: response })).toEqual({ key: 'k', phase: 'queued' });
  });
});

describe('from a saved entry to what a new page does (the restore table)', () => {
  it('finished entries are kept as they were', () => {
    for (const phase of ['done', 'error', 'canceled'] as const) {
      expect(restoreEntry('k', { key: 'other', phase, status: 'Succeeded' })).toEqual({
        kind: 'keep',
        entry: { key: 'k', phase, status: 'Succeeded' },
      });
    }
  });

  it('a running or queued entry with a resume token resumes from it, shown queued with its last fields', () => {
    for (const phase of ['running', 'queued'] as const) {
      expect(restoreEntry('k', { key: 'k', phase, status: 'Running', resumeToken: token })).toEqual({
        kind: 'restart',
        entry: { key: 'k', phase: 'queued', status: 'Running', resumeToken: token },
        plan: { kind: 'resume', token },
      });
    }
  });

  it('a request not sent yet is sent; one sent but unanswered is sent again only if PUT, DELETE or GET', () => {
    for (const method of ['PUT', 'PATCH', 'POST', 'DELETE', 'GET'] as const) {
      const request = { method, url };
      expect(restoreEntry('k', { key: 'k', phase: 'queued', request })).toEqual({
        kind: 'restart',
        entry: { key: 'k', phase: 'queued' },
        plan: { kind: 'track', request },
      });
      const resent = restoreEntry('k', { key: 'k', phase: 'starting', request });
      if (method === 'PATCH' || method === 'POST') expect(resent).toEqual({ kind: 'lost', request: { method, url } });
      else expect(resent).toMatchObject({ kind: 'restart', plan: { kind: 'track', request } });
    }
  });

  it('an adopted start with no token is lost, naming its request; with nothing known, it is shown stopped (canceled)', () => {
    expect(restoreEntry('k', { key: 'k', phase: 'queued', started: { method: 'POST', url } })).toEqual({
      kind: 'lost',
      request: { method: 'POST', url },
    });
    expect(restoreEntry('k', { key: 'k', phase: 'running', percentComplete: 5 })).toEqual({
      kind: 'stopped',
      entry: { key: 'k', phase: 'canceled', percentComplete: 5 },
    });
  });

  it('what is not an entry is skipped', () => {
    for (const raw of [null, 'x', 3, { phase: 'sleeping' }, {}]) expect(restoreEntry('k', raw)).toBeUndefined();
    expect(restoreEntry('', { key: '', phase: 'done' })).toBeUndefined();
  });
});
