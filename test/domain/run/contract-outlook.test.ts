import { describe, expect, it } from "vitest";
import { contractOutlook } from "../../../src/domain/run/contract-outlook.js";
import { shopPlan } from "../../../testkit/plans.js";

const window = { days: ["mon" as const], start: "09:00", end: "17:00", timeZone: "Europe/Paris" };
// Sunday 29 November 2026, 12:00 UTC.
const sunday = new Date("2026-11-29T12:00:00Z");
const freeze = { scope: "all", by: "U0ANN", reason: "incident 123", at: "2026-11-29T11:02:00Z" };

describe("what a plan preview says about freezes and change windows", () => {
  it("says when the next window opens for a destructive plan, and nothing without windows", () => {
    expect(contractOutlook("shop", shopPlan(), { windows: [window], freezes: [], now: sunday })).toEqual([
      "The contract phase starts only within the change windows (mon 09:00–17:00 Europe/Paris): the next opens Mon 09:00 Europe/Paris.",
    ]);
    expect(contractOutlook("shop", shopPlan(), { windows: [], freezes: [], now: sunday })).toEqual([]);
  });

  it("says a window is open now, and that a frozen service refuses a start", () => {
    const monday = new Date("2026-11-30T10:00:00Z");
    const lines = contractOutlook("shop", shopPlan(), { windows: [window], freezes: [freeze], now: monday });
    expect(lines[0]).toBe(
      "every service frozen by U0ANN since 2026-11-29 11:02 UTC: incident 123: a start is refused until an admin runs `/migrate unfreeze all`.",
    );
    expect(lines[1]).toContain(": one is open now.");
  });
});
