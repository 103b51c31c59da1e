import type { LiveFacts, PhaseFacts, RewriteRate, TableOutlook } from "./live-facts.js";
import type { TableWork } from "./table-work.js";

/** Seconds a rewrite or scan of `bytes` takes at the rate, at least one. */
export function estimateSeconds(bytes: number, rate: RewriteRate): number {
  return Math.max(1, Math.ceil(bytes / rate.bytesPerSecond));
}

/** The facts the helper read, joined with what the phase does to each table and how long that should take. */
export function phaseFacts(
  work: readonly TableWork[],
  facts: LiveFacts,
  rate: RewriteRate | null,
  gatheredAt: string,
  idleSeconds: number,
): PhaseFacts {
  const tables: TableOutlook[] = work.flatMap((w) => {
    const found = facts.tables.find((t) => t.table === w.table);
    if (!found) return [];
    const estimate =
      w.work !== null && found.bytes !== null && found.sizeOf === "table" && rate
        ? estimateSeconds(found.bytes, rate)
        : null;
    return [{ ...found, mode: w.mode, work: w.work, estimateSeconds: estimate }];
  });
  return {
    ok: true,
    gatheredAt,
    vendor: facts.vendor,
    tables,
    blockers: facts.blockers,
    idle: facts.idle,
    replicas: facts.replicas,
    rate,
    idleSeconds,
  };
}

/** The rate of a rewrite that took `durationMs` on `bytes`: worth keeping only for a table big enough to time. */
export const MIN_MEASURED_BYTES = 8 * 1024 * 1024;

export function measuredRate(bytes: number, durationMs: number, at: string): RewriteRate | null {
  if (bytes < MIN_MEASURED_BYTES || durationMs <= 0) return null;
  return { bytesPerSecond: Math.round((bytes * 1000) / durationMs), source: "measured", measuredAt: at };
}
