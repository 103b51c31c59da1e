import { describe, expect, it } from "vitest";
import type { Plan, PlanStep } from "../../../src/domain/plan/plan.js";
import { judgeAnalysis, type QueryReading, readingOf } from "../../../src/domain/run/analysis.js";
import { createRun } from "../../../src/domain/run/create.js";
import { applyRunEvent } from "../../../src/domain/run/reducer.js";
import type { Run, RunEvent } from "../../../src/domain/run/run.js";
import { shownFlags } from "../../../src/prometheus/answer-warnings.js";
import { ENDED_WARNINGS_CHARS } from "../../../src/slack/blocks/ended-analysis.js";
import type { SlackMessage } from "../../../src/slack/blocks/kit.js";
import { statusCard } from "../../../src/slack/blocks/status-card.js";
import { blockProblems } from "../../../src/slack-emulator/index.js";
import { decodeRun } from "../../../src/store/run-schema.js";
import { replay, shopPlan } from "../../../testkit/plans.js";

const ANALYSE = "Analyse the new code's metrics until they pass for the soak";
const below = { op: "<", value: 0.01 } as const;
const STORE_DOWN = `remote_read: remote server http://10.0.0.7:9090/read returned HTTP status 500 Internal Server Error: store <!channel> down\n\u202Egnp.exe ${"x".repeat(300)}`;

/** `before` expand steps, then the shop's deploy and rollout wait, the analysis, its gate and the contract. */
function analysedPlan(before = 1): Plan {
  const [expand, deploy, wait, gate, contract] = shopPlan().steps as PlanStep[];
  const expands = Array.from({ length: before }, (_, i) => ({
    ...(expand as PlanStep),
    title: `Apply expand migration ${i + 1}`,
  }));
  const analysis = { kind: "analysis", phase: "analysis", title: ANALYSE } as PlanStep;
  const steps = [...expands, deploy, wait, analysis, gate, contract].map((step, index) => ({
    ...(step as PlanStep),
    index,
  }));
  return { ...shopPlan(), steps };
}

/** A query's reading, flagged by Prometheus as the client passes its flags on. */
function flagged(name: string, value: string, warnings: string[], infos: string[] = []): QueryReading {
  return readingOf(name, below, [{ series: null, value }], shownFlags({ warnings, infos }));
}

/**
 * The run as Redis keeps it once its analysis ended with `readings` (the soak passed, or the failures in a row),
 * through the reducer, at its gate or failed.
 */
function analysed(readings: QueryReading[], { before = 1, passed = true } = {}): Run {
  const plan = analysedPlan(before);
  const at = plan.steps.findIndex((s) => s.kind === "analysis");
  const run = createRun({
    id: "shop-7",
    service: "shop",
    version: "v3",
    requester: "U0ALICE",
    plan,
    fourEyes: true,
    gateTokens: { contract: "token" },
    now: "2026-01-01T00:00:00.000Z",
  });
  const rules = { minimumSoakMs: 300_000, consecutiveFailures: 1, timeoutMs: 600_000 };
  const soaking = {
    passingSince: run.createdAt,
    failures: {},
    readings,
    evaluatedAt: run.createdAt,
    headline: "soak 0 s of 300 s",
  };
  const verdict = judgeAnalysis(soaking, readings, run.createdAt, new Date("2026-01-01T00:05:00Z"), rules);
  const ended: RunEvent = {
    type: passed ? "step-succeeded" : "step-failed",
    step: at,
    message: verdict.message,
    analysis: verdict.progress,
  };
  const events: RunEvent[] = [
    ...plan.steps.slice(0, at).flatMap((_, step): RunEvent[] => [
      { type: "step-started", step },
      { type: "step-succeeded", step },
    ]),
    { type: "step-started", step: at },
    ended,
  ];
  const after = replay(run, events).at(-1)?.after as Run;
  expect(after.status).toBe(passed ? "awaiting-approval" : "failed");
  return decodeRun(after.id, JSON.stringify(after));
}

/** The text of the analysis step's section on the card. */
function analysisSection(card: SlackMessage): string {
  const texts = card.blocks.map((b) => (b.type === "section" ? (b.text?.text ?? "") : ""));
  const found = texts.find((t) => t.includes(ANALYSE));
  if (found === undefined) throw new Error("no analysis step on the card");
  return found;
}

/** A warning as the card shows it: cut by the client at 200 characters, escaped, on one line, no bidi control. */
function shown(warning: string): string {
  const [flag = ""] = shownFlags({ warnings: [warning] });
  return flag.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

describe("an ended analysis step on the card keeps what Prometheus flagged", () => {
  it("at the gate: the figure on the step's line, the warning whole on a line under it, escaped", () => {
    const card = statusCard(analysed([flagged("errorRate", "0.001", [STORE_DOWN])]));
    expect(blockProblems(card)).toEqual([]);
    expect(analysisSection(card)).toBe(
      [
        `*4. ${ANALYSE}* _(analysis)_`,
        ":white_check_mark: done in 1.0 s: analysis passed: every query passed for 300 s: errorRate = 0.001 (passes: must be &lt; 0.01)",
        `    :warning: Prometheus warned about errorRate: ${shown(STORE_DOWN)}`,
      ].join("\n"),
    );
    expect(shown(STORE_DOWN)).toMatch(/store &lt;!channel&gt; down gnp\.exe x+…$/);
    expect(JSON.stringify(card)).not.toContain("\u202E");
  });

  it("several figures: each one's warnings, named, none lost to the message's length", () => {
    const readings = [
      flagged("errorRate", "0.001", [STORE_DOWN, "partial response: store 10.0.0.8:10901 timed out"]),
      flagged("p99", "0.004", [], ["metric might not be a counter"]),
      readingOf("saturation", below, [{ series: null, value: "0.002" }]),
      flagged("availability", "0.003", ["a", "b", "c", "d", "e"]),
    ];
    const section = analysisSection(statusCard(analysed(readings)));
    expect(section.split("\n").slice(1)).toEqual([
      ":white_check_mark: done in 1.0 s: analysis passed: every query passed for 300 s: errorRate = 0.001 (passes: must be &lt; 0.01); p99 = 0.004 (passes: must be &lt; 0.01); saturation = 0.002 (passes: must be &lt; 0.01); availability = 0.003 (passes: must be &lt; 0.01)",
      `    :warning: Prometheus warned about errorRate: ${shown(STORE_DOWN)}`,
      "    :warning: Prometheus warned about errorRate: partial response: store 10.0.0.8:10901 timed out",
      "    :warning: Prometheus warned about p99: info: metric might not be a counter",
      "    :warning: Prometheus warned about availability: a",
      "    :warning: Prometheus warned about availability: b",
      "    :warning: Prometheus warned about availability: c",
      "    :warning: Prometheus warned about availability: and 2 more (in phasegate's log)",
    ]);
  });

  it("a failed analysis: the failing figure on the step's line, every flagged query's warnings under it", () => {
    const readings = [
      flagged("errorRate", "0.2", ["partial response: store 10.0.0.8:10901 timed out"]),
      flagged("p99", "0.001", [STORE_DOWN]),
    ];
    const section = analysisSection(statusCard(analysed(readings, { passed: false })));
    expect(section.split("\n").slice(1)).toEqual([
      expect.stringMatching(
        /^:x: failed after .+: analysis failed: errorRate = 0\.2 \(fails: must be &lt; 0\.01\); nothing destructive ran$/,
      ),
      "    :warning: Prometheus warned about errorRate: partial response: store 10.0.0.8:10901 timed out",
      `    :warning: Prometheus warned about p99: ${shown(STORE_DOWN)}`,
    ]);
  });

  it("overridden by an admin: the override's reason, and the last evaluation's warnings under it", () => {
    const failed = analysed(
      [flagged("errorRate", "0.2", ["partial response: store 10.0.0.8:10901 timed out"])],
      {
        passed: false,
      },
    );
    const step = failed.currentStep;
    const event = {
      type: "analysis-overridden",
      step,
      by: "U0CAROL",
      reason: "the store <is> down",
    } as const;
    const overridden = applyRunEvent(failed, event, "2026-01-01T00:06:00.000Z");
    if (!overridden.ok) throw new Error(overridden.reason);
    expect(analysisSection(statusCard(overridden.run)).split("\n").slice(1)).toEqual([
      expect.stringMatching(/: analysis overridden by .+: the store &lt;is&gt; down$/),
      "    :warning: Prometheus warned about errorRate: partial response: store 10.0.0.8:10901 timed out",
    ]);
  });

  it("a step without warnings is drawn as before", () => {
    const card = statusCard(analysed([readingOf("errorRate", below, [{ series: null, value: "0.001" }])]));
    expect(analysisSection(card).split("\n").slice(1)).toEqual([
      ":white_check_mark: done in 1.0 s: analysis passed: every query passed for 300 s: errorRate = 0.001 (passes: must be &lt; 0.01)",
    ]);
  });

  it("many steps, ten queries with three long warnings each: the card stays valid, the gate on it, the rest counted", () => {
    const hostile = (q: number, w: number) => `${q}.${w} ${"<!here>&".repeat(40)}`;
    const readings = Array.from({ length: 10 }, (_, q) =>
      flagged(
        `query${q}`,
        "0.001",
        Array.from({ length: 5 }, (_, w) => hostile(q, w)),
      ),
    );
    const card = statusCard(analysed(readings, { before: 40 }));
    expect(blockProblems(card)).toEqual([]);
    const lines = analysisSection(card).split("\n").slice(2);
    const every = readings.flatMap((_, q) => [
      ...[0, 1, 2].map((w) => `    :warning: Prometheus warned about query${q}: ${shown(hostile(q, w))}`),
      `    :warning: Prometheus warned about query${q}: and 2 more (in phasegate's log)`,
    ]);
    const warned = lines.slice(0, -1);
    expect(warned.length).toBeGreaterThan(0);
    expect(warned).toEqual(every.slice(0, warned.length));
    expect(lines.at(-1)).toBe(`    …and ${every.length - warned.length} more (in phasegate's log)`);
    expect(lines.join("\n").length).toBeLessThanOrEqual(ENDED_WARNINGS_CHARS);
    expect(JSON.stringify(card)).toContain("Approve the contract phase");
  });
});
