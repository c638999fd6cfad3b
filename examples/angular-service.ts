// An Angular-style service (no Angular needed): components subscribe to `state$` with the async pipe
// and call `start`/`cancel`. In an app, add `@Injectable({ providedIn: 'root' })` and inject it.
import { map, type Observable } from 'rxjs';
import type { OperationRequest, PollOptions } from 'rx-lro';
import { createOperationRegistry, type OperationRegistry, type RegistryEntry, type RegistryStorage } from 'rx-lro/registry';

export class OperationsService {
  private readonly registry: OperationRegistry;
  /** Every operation, newest key order as tracked: render one progress bar per entry. */
  readonly state$: Observable<RegistryEntry[]>;
  /** How many are still going: a badge in the toolbar. */
  readonly active$: Observable<number>;

  constructor(poll: PollOptions = {}, storage?: RegistryStorage) {
    this.registry = createOperationRegistry(storage ? { poll, storage, maxConcurrent: 4 } : { poll, maxConcurrent: 4 });
    this.state$ = this.registry.state$.pipe(map((state) => Object.values(state)));
    this.active$ = this.state$.pipe(
      map((entries) => entries.filter((e) => e.phase === 'queued' || e.phase === 'starting' || e.phase === 'running').length),
    );
  }

  start(key: string, request: OperationRequest): void {
    this.registry.track(key, request);
  }

  cancel(key: string): void {
    this.registry.cancel(key);
  }

  /** Angular's ngOnDestroy. */
  ngOnDestroy(): void {
    this.registry.dispose();
  }
}
