import { describe, expect, it } from "vitest";
import type { Run, RunEvent } from "../../../src/domain/run/run.js";
import { SYSTEM_ACTOR } from "../../../src/domain/run/run.js";
import { threadReplies } from "../../../src/slack/blocks/thread-replies.js";
import { shopRun } from "../../../testkit/plans.js";

function repliesTo(event: RunEvent): string[] {
  const run: Run = shopRun({ currentStep: 0, status: "running" });
  return threadReplies({ before: run, after: run, event, actor: SYSTEM_ACTOR }).map((m) => m.text);
}

describe("step progress in the Slack thread", () => {
  it("a lock-timeout try is posted with the step's name", () => {
    const message = "try 1 of 10: lock timeout; nothing was changed, next try in 0.7 s";
    const [text] = repliesTo({ type: "step-progress", step: 0, message });
    expect(text).toContain("Apply 1 expand migration");
    expect(text).toContain(message);
  });

  it("a batch recorded without announce stays out of the thread", () => {
    expect(
      repliesTo({ type: "step-progress", step: 0, message: "batch 2: 10 rows changed", announce: false }),
    ).toEqual([]);
  });
});
