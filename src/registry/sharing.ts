// A registry's table shared across tabs: leading, this tab's table tracks and its record goes to the
// other tabs; following, the table is idle, `state` shows the leader's record, and calls go to it.
import type { Observable } from 'rxjs';
import type { OperationRequest } from 'rx-lro';
import { ACTIVE, savedEntry, type Saved, type SavedEntry } from './restore';
import { followerState, plainStart, savedOf, type TabCommand, type TabRecord } from './shared';
import type { EntryTable } from './table';
import { linkTabs, type TabEnvironment, type TabLink } from './tabs';

export interface SharingSettings<T> {
  table: EntryTable<T>;
  environment: TabEnvironment;
  /** The lock's and the channel's name. */
  name: string;
  visibility: Observable<boolean>;
  /** Reads the storage back (a leader that heard no record). */
  load(): Promise<void>;
  /** Restores a record into the table (the reload table). */
  restore(saved: Saved): void;
  /** Throws the TypeError the leader would for a bad request. */
  check(request: OperationRequest): void;
  /** The poll options' `method`, for a fetch `Response` given to `adopt`. */
  adoptMethod?: string;
}

export interface SharedTable {
  readonly link: TabLink<TabCommand>;
  /** Resolves once this tab has the entries: read back as the leader, or received from it. */
  readonly ready: Promise<void>;
  /** Carries out a call here (leading), or checks it and sends it to the leader (following). */
  call(command: TabCommand): void;
}

/** Carries out a call on the table: what a registry does alone, or as the leader of its tabs. */
export function applyCommand<T>(table: EntryTable<T>, command: TabCommand): void {
  if (command.op === 'track') table.add(command.key, { kind: 'track', request: command.request });
  else if (command.op === 'adopt') table.add(command.key, { kind: 'adopt', start: command.start });
  else if (command.op === 'resume') table.add(command.key, { kind: 'resume', token: command.token });
  else if (command.op === 'cancel') table.cancel(command.key);
  else table.remove(command.key);
}

export function shareTable<T>(settings: SharingSettings<T>): SharedTable {
  const { table } = settings;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const link = linkTabs<TabRecord, TabCommand>(settings.environment, settings.name, settings.visibility, {
    lead: (last) => {
      // Without a record heard from a leader, the storage's; with one, the table goes on from it.
      if (!last) void settings.load().then(markReady);
      else {
        table.batch(() => settings.restore(savedOf(last)));
        markReady();
      }
    },
    apply: (command) => applyCommand(table, command),
    record: () => {
      const active: Record<string, SavedEntry> = {};
      for (const [key, { entry, plan }] of table.slots)
        if (ACTIVE.has(entry.phase)) active[key] = savedEntry(entry, plan, settings.adoptMethod);
      return { entries: table.state.value, active };
    },
    stop: () => table.stop(),
    busy: () => [...table.slots.values()].some((slot) => slot.entry.phase === 'starting'),
    carryOn: () => table.startNext(),
    mirror: (last, pending) => {
      if (table.disposed) return;
      table.state.next(followerState<T>(last, pending));
      if (last) markReady();
    },
  });

  // A follower checks a call as the leader would (the same TypeErrors, at once), then sends it.
  const send = (command: TabCommand): void => {
    if (table.disposed) throw new Error('rx-lro/registry: the registry was disposed');
    const existing = table.state.value[command.key];
    if (command.op !== 'cancel' && command.op !== 'remove' && existing && ACTIVE.has(existing.phase)) {
      throw new TypeError(`rx-lro/registry: key ${JSON.stringify(command.key)} is still ${existing.phase}; cancel or remove it first`);
    }
    link.send(command);
  };

  const call = (command: TabCommand): void => {
    if (link.leading) return applyCommand(table, command);
    if (command.op === 'track') settings.check(command.request);
    if (command.op !== 'adopt') return send(command);
    const plain = plainStart(command.start, settings.adoptMethod);
    if (plain instanceof Promise) void plain.then((start) => !table.disposed && send({ ...command, start }));
    else send({ ...command, start: plain });
  };

  return { link, ready, call };
}
