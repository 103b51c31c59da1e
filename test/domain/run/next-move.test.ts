import { describe, expect, it } from "vitest";
import { type NextMove, nextMove } from "../../../src/domain/run/next-move.js";
import type { Run, RunEvent } from "../../../src/domain/run/run.js";
import { shopRun } from "../../../testkit/plans.js";
import { applied } from "../../../testkit/run-events.js";

const NOW = "2026-01-01T01:00:00.000Z";

function after(events: RunEvent[], run: Run = shopRun()): Run {
  return events.reduce((current, event) => applied(current, event, NOW), run);
}

const started = (step: number): RunEvent => ({ type: "step-started", step });
const succeeded = (step: number): RunEvent => ({ type: "step-succeeded", step, message: "done" });
const failed = (step: number): RunEvent => ({ type: "step-failed", step, message: "boom" });
const byAnn = { by: "U_ANN" };

/** The shop's run waiting at its gate: expand, deploy and rollout succeeded. */
const AT_GATE: RunEvent[] = [0, 1, 2].flatMap((step) => [started(step), succeeded(step)]);

const cases: Array<{
  what: string;
  run: Run;
  job: { step: number; retries: number };
  move: Partial<NextMove>;
}> = [
  {
    what: "a pending step is started",
    run: shopRun(),
    job: { step: 0, retries: 0 },
    move: { kind: "start" },
  },
  {
    what: "a job for another step than the current one is stale, and what the run needs is queued again",
    run: after([started(0), succeeded(0)]),
    job: { step: 0, retries: 0 },
    move: { kind: "stale", requeue: true },
  },
  {
    what: "a job of an earlier retry is stale",
    run: after([started(0), failed(0), { type: "retried", ...byAnn }]),
    job: { step: 0, retries: 0 },
    move: { kind: "stale", requeue: true },
  },
  {
    what: "a job of a finished run is stale and queues nothing",
    run: after([started(0), failed(0)]),
    job: { step: 0, retries: 0 },
    move: { kind: "stale", requeue: false },
  },
  {
    what: "a step found running (its worker died) is taken over",
    run: after([started(0)]),
    job: { step: 0, retries: 0 },
    move: { kind: "take-over" },
  },
  {
    what: "a rollout found running is polled again, not taken over",
    run: after([...[0, 1].flatMap((s) => [started(s), succeeded(s)]), started(2)]),
    job: { step: 2, retries: 0 },
    move: { kind: "resume", status: "running" },
  },
  {
    what: "a step waiting between tries is resumed",
    run: after([
      started(0),
      { type: "step-progress", step: 0, message: "lock timeout, again", announce: false },
    ]),
    job: { step: 0, retries: 0 },
    move: { kind: "resume", status: "waiting" },
  },
  {
    what: "an approval gate runs in no worker: only its expiry and reminders are queued",
    run: after(AT_GATE),
    job: { step: 3, retries: 0 },
    move: { kind: "queue-next" },
  },
  {
    what: "a run being cancelled while its step ran gets the cancel completed",
    run: after([started(0), { type: "cancelled", ...byAnn }]),
    job: { step: 0, retries: 0 },
    move: { kind: "finish-cancel" },
  },
  {
    what: "a step that already ended is a duplicate job",
    run: {
      ...after([started(0)]),
      steps: after([started(0)]).steps.map((s) => (s.index === 0 ? { ...s, status: "succeeded" } : s)),
    },
    job: { step: 0, retries: 0 },
    move: { kind: "duplicate", status: "succeeded" },
  },
  {
    what: "a step the run does not have is reported",
    run: { ...shopRun(), currentStep: 9 },
    job: { step: 9, retries: 0 },
    move: { kind: "missing-step" },
  },
];

describe("the worker's next move for a step job", () => {
  it.each(cases)("$what", ({ run, job, move }) => {
    expect(nextMove(run, job)).toMatchObject(move);
  });
});
