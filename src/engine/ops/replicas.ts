/**
 * The engine's operations for replicas taking turns (src/replicas/lease.ts): a new turn of a lease
 * and its fencing token, and where every lease stands (GET /healthz, deskops doctor).
 */
import type { LeaseRow } from '../../store/repositories/leases.js';
import type { EngineEnv } from '../env.js';

export const replicaOps = {
  /** Starts a new turn of lease `name` for `holder` (the lock is already held): its token. */
  leaseTakeTurn(env: EngineEnv, name: string, holder: string): number {
    return env.app.store.transaction(() => env.app.store.leases.takeTurn(name, holder, env.app.clock.now()));
  },

  /** Every lease's latest turn. */
  leaseTurns(env: EngineEnv): LeaseRow[] {
    return env.app.store.read(() => env.app.store.leases.all());
  },
};
