// Web Locks and BroadcastChannel as one origin's tabs see them, in one process: a lock is granted to
// one request at a time in the order asked, and freed when its callback's promise settles or its
// tab is closed; a message reaches every other open channel of its name, never its sender. Both
// happen a turn later (a microtask), as in a browser: `settle()` lets them all happen.
import type { TabChannel, TabEnvironment, TabLocks } from '../../src/registry/tabs';

interface LockRequest {
  name: string;
  tab: number;
  callback: (lock: unknown) => Promise<void>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
}

export interface SentMessage {
  from: number;
  name: string;
  data: Record<string, unknown>;
}

export interface TabsDouble {
  /** The environment of tab `tab` (its own channels and lock requests). */
  environment(tab: number): TabEnvironment;
  /** The tab holding lock `name`, if any. */
  holder(name: string): number | undefined;
  /** Tabs waiting for lock `name`, in order. */
  waiting(name: string): number[];
  /** Every message posted, in order. */
  readonly sent: SentMessage[];
  /** Channels not closed yet. */
  openChannels(): number;
  /** The tab's page is gone: its channels stop at once (nothing more it posts is delivered) and its lock is freed. */
  close(tab: number): void;
  /** Installs tab `tab`'s environment as `navigator.locks` and `BroadcastChannel`; returns the undo. */
  install(tab: number): () => void;
}

/** Lets every pending grant and delivery happen. */
export const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

export function tabsDouble(): TabsDouble {
  const held = new Map<string, LockRequest>();
  const queue: LockRequest[] = [];
  const channels: Array<{ tab: number; name: string; channel: TabChannel; open: boolean }> = [];
  const closed = new Set<number>();
  const sent: SentMessage[] = [];

  const grantNext = (name: string): void => {
    if (held.has(name)) return;
    const at = queue.findIndex((r) => r.name === name);
    if (at < 0) return;
    const [request] = queue.splice(at, 1);
    held.set(name, request!);
    queueMicrotask(() => {
      if (held.get(name) !== request) return;
      let done: Promise<void>;
      try {
        done = Promise.resolve(request!.callback({ name }));
      } catch (error) {
        done = Promise.reject(error);
      }
      done.then(
        (value) => free(request!, () => request!.resolve(value)),
        (error: unknown) => free(request!, () => request!.reject(error)),
      );
    });
  };

  const free = (request: LockRequest, settleRequest: () => void): void => {
    settleRequest();
    if (held.get(request.name) !== request) return;
    held.delete(request.name);
    grantNext(request.name);
  };

  const locks = (tab: number): TabLocks => ({
    request(name, options, callback) {
      return new Promise((resolve, reject) => {
        if (closed.has(tab)) return;
        const request: LockRequest = { name, tab, callback, resolve, reject, signal: options.signal };
        if (options.signal?.aborted) return reject(new DOMException('aborted', 'AbortError'));
        options.signal?.addEventListener('abort', () => {
          const at = queue.indexOf(request);
          if (at < 0) return;
          queue.splice(at, 1);
          reject(new DOMException('aborted', 'AbortError'));
        });
        queue.push(request);
        grantNext(name);
      });
    },
  });

  const channel = (tab: number, name: string): TabChannel => {
    const entry = { tab, name, open: !closed.has(tab), channel: undefined as unknown as TabChannel };
    const own: TabChannel = {
      onmessage: null,
      postMessage(data) {
        if (!entry.open) return;
        sent.push({ from: tab, name, data: data as Record<string, unknown> });
        // Structured clone: what arrives is a copy.
        const copy = structuredClone(data);
        for (const other of channels) {
          if (other === entry || other.name !== name || !other.open) continue;
          queueMicrotask(() => {
            if (other.open) other.channel.onmessage?.({ data: copy });
          });
        }
      },
      close() {
        entry.open = false;
      },
    };
    entry.channel = own;
    channels.push(entry);
    return own;
  };

  return {
    environment: (tab) => ({ locks: locks(tab), channel: (name) => channel(tab, name) }),
    holder: (name) => held.get(name)?.tab,
    waiting: (name) => queue.filter((r) => r.name === name).map((r) => r.tab),
    sent,
    openChannels: () => channels.filter((c) => c.open).length,
    close(tab) {
      closed.add(tab);
      for (const c of channels) if (c.tab === tab) c.open = false;
      for (let i = queue.length - 1; i >= 0; i--) if (queue[i]!.tab === tab) queue.splice(i, 1);
      for (const [name, request] of held) {
        if (request.tab !== tab) continue;
        held.delete(name);
        grantNext(name);
      }
    },
    install(tab) {
      const scope = globalThis as { navigator?: unknown; BroadcastChannel?: unknown };
      const before = { navigator: Object.getOwnPropertyDescriptor(scope, 'navigator'), channel: scope.BroadcastChannel };
      const environment = { locks: locks(tab), channel: (name: string) => channel(tab, name) };
      Object.defineProperty(scope, 'navigator', { value: { locks: environment.locks }, configurable: true, writable: true });
      scope.BroadcastChannel = function FakeBroadcastChannel(name: string) {
        return environment.channel(name);
      };
      return () => {
        if (before.navigator) Object.defineProperty(scope, 'navigator', before.navigator);
        else delete scope.navigator;
        scope.BroadcastChannel = before.channel;
      };
    },
  };
}
