import { judgeAnalysis, type QueryReading, readingOf } from "../../domain/run/analysis.js";
import type { Run } from "../../domain/run/run.js";
import type { AnalysisSettings } from "../../ports/service-adapters.js";
import type { StepOutcome } from "./outcome.js";

/** Shortest wait between two evaluations (a soak about to end is looked at again no sooner). */
const MIN_DELAY_MS = 250;

/**
 * The query of this run: `{version}` and `{service}` replaced (a version and a service name are letters, digits,
 * '.', '_' and '-', safe inside a PromQL string).
 */
function queryOf(run: Run, query: string): string {
  return query.replaceAll("{version}", run.version).replaceAll("{service}", run.service);
}

/** Every query asked once, in parallel; a query that cannot be asked is a reading too ("unavailable"). */
function evaluate(run: Run, settings: AnalysisSettings, signal: AbortSignal): Promise<QueryReading[]> {
  const { source } = settings;
  return Promise.all(
    settings.queries.map(async ({ name, query, threshold }): Promise<QueryReading> => {
      if (!source) return { name, kind: "unavailable", threshold, detail: "no prometheus to ask" };
      const answer = await source.query(queryOf(run, query), signal);
      return answer.ok
        ? readingOf(name, threshold, answer.samples, answer.warnings)
        : { name, kind: "unavailable", threshold, detail: answer.reason };
    }),
  );
}

/**
 * One evaluation of the run's analysis step: the queries asked, then judged with what the step recorded before
 * (src/domain/run/analysis.ts). Not done: evaluated again after the interval, holding nothing.
 */
export async function pollAnalysisStep(
  run: Run,
  settings: AnalysisSettings | null,
  now: () => Date,
  signal: AbortSignal,
): Promise<StepOutcome> {
  if (!settings)
    return {
      kind: "failed",
      message: `the services file no longer declares an analysis for ${run.service}: declare it again and retry, or an admin overrides it`,
    };
  const state = run.steps[run.currentStep];
  const readings = await evaluate(run, settings, signal);
  const at = now();
  const verdict = judgeAnalysis(
    state?.analysis ?? null,
    readings,
    state?.startedAt ?? at.toISOString(),
    at,
    settings.rules,
  );
  const { message, progress: analysis } = verdict;
  switch (verdict.kind) {
    case "passed":
      return { kind: "succeeded", message, analysis };
    case "failed":
      return { kind: "failed", message, analysis };
    case "timed-out":
      return { kind: "timed-out", message, analysis };
    case "waiting": {
      const delayMs = Math.max(
        MIN_DELAY_MS,
        Math.min(settings.intervalMs, verdict.soakLeftMs ?? settings.intervalMs),
      );
      return { kind: "again", delayMs, message, announce: false, analysis };
    }
  }
}
