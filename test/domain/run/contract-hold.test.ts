import { describe, expect, it } from "vitest";
import type { ChangeWindow } from "../../../src/domain/run/change-windows.js";
import { contractHold, FREEZE_RECHECK_MS, type Freeze } from "../../../src/domain/run/contract-hold.js";
import { applyRunEvent } from "../../../src/domain/run/reducer.js";
import type { Run, RunEvent } from "../../../src/domain/run/run.js";
import { shopRun } from "../../../testkit/plans.js";

// Friday 27 November 2026, 12:00 UTC.
const NOW = new Date("2026-11-27T12:00:00Z");
const FRIDAY_EVENING: ChangeWindow = { days: ["fri"], start: "20:00", end: "21:00", timeZone: "UTC" };
const ANN_FREEZE: Freeze = {
  scope: "shop",
  by: "U0ANN",
  reason: "incident 123",
  at: "2026-11-27T11:02:00.000Z",
};

function apply(run: Run, event: RunEvent): Run {
  const result = applyRunEvent(run, event, NOW.toISOString());
  if (!result.ok) throw new Error(`refused: ${result.reason}`);
  return result.run;
}

const run = shopRun();
const contract = run.plan.steps.find((s) => s.kind === "migrate" && s.phase === "contract");
const expand = run.plan.steps[0];

describe("contract hold", () => {
  it("never holds a step that is not a contract", () => {
    if (!expand) throw new Error("no expand step");
    const context = { windows: [FRIDAY_EVENING], freezes: [ANN_FREEZE], now: NOW };
    expect(contractHold(run, expand, context)).toBeNull();
  });

  it("holds a contract outside its windows until the next one opens", () => {
    if (!contract) throw new Error("no contract step");
    expect(contractHold(run, contract, { windows: [FRIDAY_EVENING], freezes: [], now: NOW })).toEqual({
      message: "contract waits for the change window: opens Fri 20:00 UTC",
      retryInMs: 15 * 60_000,
    });
    const soon = new Date("2026-11-27T19:59:50Z");
    expect(
      contractHold(run, contract, { windows: [FRIDAY_EVENING], freezes: [], now: soon })?.retryInMs,
    ).toBe(10_000);
    const inside = new Date("2026-11-27T20:10:00Z");
    expect(contractHold(run, contract, { windows: [FRIDAY_EVENING], freezes: [], now: inside })).toBeNull();
    expect(contractHold(run, contract, { windows: [], freezes: [], now: NOW })).toBeNull();
  });

  it("holds a contract of a frozen service, or of any service when all are frozen, saying who and why", () => {
    if (!contract) throw new Error("no contract step");
    const frozen = contractHold(run, contract, { windows: [], freezes: [ANN_FREEZE], now: NOW });
    expect(frozen).toEqual({
      message: "contract waits: shop frozen by U0ANN since 2026-11-27 11:02 UTC: incident 123",
      retryInMs: FREEZE_RECHECK_MS,
    });
    const all = { ...ANN_FREEZE, scope: "all" };
    expect(contractHold(run, contract, { windows: [], freezes: [all], now: NOW })?.message).toBe(
      "contract waits: every service frozen by U0ANN since 2026-11-27 11:02 UTC: incident 123",
    );
    const elsewhere = { ...ANN_FREEZE, scope: "billing" };
    expect(contractHold(run, contract, { windows: [], freezes: [elsewhere], now: NOW })).toBeNull();
  });

  it("is recorded on the pending step, which a start then clears; a running step is not held", () => {
    let held = shopRun();
    held = apply(held, { type: "step-held", step: 0, message: "contract waits: shop frozen" });
    expect(held.steps[0]).toMatchObject({ status: "pending", message: "contract waits: shop frozen" });
    expect(held.status).toBe("running");
    held = apply(held, { type: "step-started", step: 0 });
    expect(held.steps[0]).toMatchObject({ status: "running", message: null });
    const refused = applyRunEvent(held, { type: "step-held", step: 0, message: "late" }, NOW.toISOString());
    expect(refused).toEqual({ ok: false, reason: "step 1 is already running" });
  });
});
