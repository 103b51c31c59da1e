import { applyRunEvent } from "../../src/domain/run/reducer.js";
import type { Actor, Run, RunEvent } from "../../src/domain/run/run.js";
import { SYSTEM_ACTOR } from "../../src/domain/run/run.js";
import type { RunChange } from "../../src/ports/notifier.js";
import { shopRun } from "../../testkit/plans.js";

const START = Date.parse("2026-01-01T00:00:00.000Z");

/** Builds a run's changes with the real reducer; `at` is seconds after the run was created. */
export class RunHistory {
  readonly changes: RunChange[];
  private run: Run;

  constructor(overrides: Partial<Run> = {}) {
    this.run = shopRun(overrides);
    this.changes = [{ before: null, after: this.run, event: null, actor: SYSTEM_ACTOR }];
  }

  apply(at: number, event: RunEvent, actor: Actor = SYSTEM_ACTOR): this {
    const result = applyRunEvent(this.run, event, new Date(START + at * 1000).toISOString());
    if (!result.ok) throw new Error(`the reducer refused ${event.type}: ${result.reason}`);
    this.changes.push({ before: this.run, after: result.run, event, actor });
    this.run = result.run;
    return this;
  }

  /** Starts a worker step at `from` and ends it with success at `to`. */
  step(step: number, from: number, to: number): this {
    return this.apply(from, { type: "step-started", step }).apply(to, { type: "step-succeeded", step });
  }
}
