import type { Plan, PlanStep } from "../src/domain/plan/plan.js";
import { createRun } from "../src/domain/run/create.js";
import { applyRunEvent } from "../src/domain/run/reducer.js";
import { type Run, type RunEvent, SYSTEM_ACTOR } from "../src/domain/run/run.js";
import type { RunChange } from "../src/ports/notifier.js";
import type { AuditInput } from "../src/ports/run-store.js";

/** The example shop's release: expand 0002, deploy, wait, approval, contract 0003. */
export function shopPlan(): Plan {
  const steps: PlanStep[] = [
    {
      index: 0,
      kind: "migrate",
      phase: "expand",
      title: "Apply 1 expand migration",
      targets: [{ app: "catalog", migration: "0002_product_is_active" }],
      migrations: [{ app: "catalog", name: "0002_product_is_active" }],
      destructive: false,
    },
    { index: 1, kind: "deploy", phase: "deploy", title: "Deploy the new code" },
    {
      index: 2,
      kind: "wait-rollout",
      phase: "wait-rollout",
      title: "Wait until every instance runs the new code",
    },
    {
      index: 3,
      kind: "approval",
      phase: "approval",
      gate: "contract",
      title: "Approve the contract phase",
      summary: ["drops column is_enabled"],
    },
    {
      index: 4,
      kind: "migrate",
      phase: "contract",
      title: "Apply 1 contract migration",
      targets: [{ app: "catalog", migration: "0003_remove_product_is_enabled" }],
      migrations: [{ app: "catalog", name: "0003_remove_product_is_enabled" }],
      destructive: true,
    },
  ];
  return { steps, migrations: [], operations: [], destructive: true };
}

export function shopRun(overrides: Partial<Run> = {}): Run {
  return {
    ...createRun({
      id: "shop-1",
      service: "shop",
      version: "v42",
      requester: "U_ALICE",
      plan: shopPlan(),
      fourEyes: true,
      gateTokens: { contract: "token-of-shop-1-contract" },
      now: "2026-01-01T00:00:00.000Z",
    }),
    ...overrides,
  };
}

/** Applies events one second apart from the run's creation, as the engine would: every change, in order. */
export function replay(run: Run, events: RunEvent[]): RunChange[] {
  const changes: RunChange[] = [];
  let current = run;
  events.forEach((event, i) => {
    const result = applyRunEvent(
      current,
      event,
      new Date(Date.parse(run.createdAt) + (i + 1) * 1000).toISOString(),
    );
    if (!result.ok) throw new Error(result.reason);
    changes.push({ before: current, after: result.run, event, actor: SYSTEM_ACTOR });
    current = result.run;
  });
  return changes;
}

/** The shop run's events from its start to its contract gate: expand, deploy, rollout, each started and done. */
export const TO_THE_GATE: RunEvent[] = [
  { type: "step-started", step: 0 },
  { type: "step-succeeded", step: 0 },
  { type: "step-started", step: 1 },
  { type: "step-succeeded", step: 1 },
  { type: "step-started", step: 2 },
  { type: "step-succeeded", step: 2 },
];

/** The audit entry of a run created by U_ALICE, as the store tests hand it to `create`. */
export const CREATED_AUDIT: AuditInput = {
  at: "2026-01-01T00:00:00.000Z",
  actor: { kind: "user", id: "U_ALICE" },
  action: "created",
  from: null,
  to: "running",
  outcome: "applied",
  detail: null,
};
