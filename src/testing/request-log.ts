import type { IncomingMessage } from 'node:http';
import type { FaultKind, RecordedRequest, RequestKind } from './types';

/** The writable form of a log entry: the kind, operation, status and fault are learnt after arrival. */
export interface LogEntry {
  method: string;
  url: string;
  time: number;
  headerNames: string[];
  operationId?: string;
  kind: RequestKind;
  listener: 'main' | 'other-origin';
  status?: number;
  fault?: FaultKind;
}

/** Lower-case header names in arrival order, without their values (which may be credentials). */
export function headerNamesOf(req: IncomingMessage): string[] {
  const names: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]?.toLowerCase();
    if (name !== undefined && !names.includes(name)) names.push(name);
  }
  return names;
}

/** A bounded, live log: `entries` is the array handed out as `simulator.requests`. */
export class RequestLog {
  readonly entries: LogEntry[] = [];

  constructor(private readonly limit: number) {}

  /** Records a request at arrival and returns the entry to complete later. */
  record(req: IncomingMessage, time: number, listener: LogEntry['listener']): LogEntry {
    const entry: LogEntry = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      time,
      headerNames: headerNamesOf(req),
      kind: 'other',
      listener,
    };
    this.entries.push(entry);
    // splice, not reassignment: callers hold the same array.
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    return entry;
  }

  clear(): void {
    this.entries.length = 0;
  }

  /** The entries as the public, read-only type. */
  get view(): readonly RecordedRequest[] {
    return this.entries;
  }
}
