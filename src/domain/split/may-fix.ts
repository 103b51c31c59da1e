import type { Refusal } from "../plan/plan.js";

/** True when `phasegate split` may write the fix for one of the refusals (an unsafe operation, a mixed migration). */
export function splitMayFix(refusals: readonly Refusal[]): boolean {
  return refusals.some((r) => r.code === "unsafe-operation" || r.code === "mixed-migration");
}
