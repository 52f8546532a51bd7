import type { Event } from '@clickclack/protocol';
import type { Store } from '../store/store.js';
import type { Actor } from './actor.js';

/** What every service needs: the store and a way to announce committed events. */
export interface ServiceDeps {
  store: Store;
  /** Called after a transaction commits with the events it appended (never on rollback). */
  published: (events: readonly Event[]) => void;
  devBootstrap: boolean;
}

/** Per-request context. */
export interface Ctx {
  actor: Actor;
  /** Validated caller-supplied correlation id, copied into some event payloads. */
  correlationId?: string;
}
