import { LOCK_MODES, type LockMode, lockImpact } from "../locks/analyse.js";
import type { ClassifiedOperation } from "./classification.js";

/**
 * The locks a migration that runs in one transaction holds until it commits: a later operation's note must say
 * when the table is already held more strongly than its own statement would hold it.
 */
export class HeldLocks {
  private readonly held = new Map<string, { mode: LockMode; path: string }>();

  constructor(private readonly transactional: boolean) {}

  noted(result: ClassifiedOperation): ClassifiedOperation {
    if (!this.transactional) return result;
    const notes: string[] = [];
    for (const lock of result.locks) {
      const before = this.held.get(lock.table);
      if (before && LOCK_MODES.indexOf(before.mode) > LOCK_MODES.indexOf(lock.mode)) {
        notes.push(
          `The migration already holds ${before.mode} on ${lock.table} (operation ${before.path}) and keeps it until it commits: while this operation runs, that lock ${lockImpact(before.mode)}, not only what its own ${lock.mode} would.`,
        );
      } else {
        this.held.set(lock.table, { mode: lock.mode, path: result.path });
      }
    }
    return notes.length === 0 ? result : { ...result, notes: [...result.notes, ...notes] };
  }
}
