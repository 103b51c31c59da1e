/** How long a finished run and its audit trail are kept when the services file does not say (see docs/operations.md). */
export const DEFAULT_FINISHED_RUN_DAYS = 90;

export const DAY_MS = 86_400_000;

/** "90 days", "1 day", "12 hours", "5 seconds": a retention as people read it. */
export function describeKeep(ms: number): string {
  const units: Array<[string, number]> = [
    ["day", DAY_MS],
    ["hour", 3_600_000],
    ["minute", 60_000],
    ["second", 1000],
  ];
  const [unit, size] = units.find(([, size]) => ms >= size && ms % size === 0) ?? ["second", 1000];
  const count = Math.max(1, Math.round(ms / size));
  return `${count} ${unit}${count === 1 ? "" : "s"}`;
}

/** What a missing run id is told, after the id: it may be a finished run past its retention. */
export function keptNote(finishedRunMs: number): string {
  return `finished runs are kept ${describeKeep(finishedRunMs)}`;
}
