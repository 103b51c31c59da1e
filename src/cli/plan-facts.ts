import { type LiveFactsDeps, planFacts } from "../app/live-facts.js";
import { LIVE_FACTS_DEFAULTS } from "../config/live-facts-schema.js";
import { liveFactsReader } from "../django/live-facts.js";
import { resolvePython } from "../django/python.js";
import type { StepFacts } from "../domain/locks/live-facts.js";
import type { Plan } from "../domain/plan/plan.js";
import { LocalProcessExecutor } from "../executors/local-process.js";
import { liveFactsLines, PLAIN } from "../slack/blocks/live-facts-blocks.js";
import { logger } from "../telemetry/pino-logger.js";

/** The live facts of each migrate step as text lines for the terminal; nothing when there are none. */
export function stepFactsText(facts: StepFacts[]): string {
  return facts
    .map((f) => [
      `Before step ${f.step + 1} (${f.phase}):`,
      ...liveFactsLines(f.facts, PLAIN).map((l) => `  ${l}`),
    ])
    .map((lines) => `${lines.join("\n")}\n`)
    .join("");
}

/** `phasegate plan --project`: no services file and no Redis, so the default settings and the configured rate. */
const NO_MEASURED_RATES: LiveFactsDeps["rewriteRates"] = {
  measured: async () => null,
  record: async () => {},
};

/** The live facts of the plan's migrate steps, read from the project's database through a local Python. */
export async function readProjectFacts(
  project: { projectDir: string; settings?: string; python?: string[] },
  plan: Plan,
): Promise<StepFacts[]> {
  const executor = new LocalProcessExecutor();
  const python = await resolvePython(executor, project.projectDir, project.python);
  const config = LIVE_FACTS_DEFAULTS;
  const read = liveFactsReader({
    executor,
    projectDir: project.projectDir,
    python,
    env: project.settings ? { DJANGO_SETTINGS_MODULE: project.settings } : {},
    inline: false,
    timeoutMs: config.timeoutSeconds * 1000,
    idleSeconds: config.idleInTransactionSeconds,
    maxSessions: config.maxSessions,
  });
  const deps: LiveFactsDeps = { rewriteRates: NO_MEASURED_RATES, logger, now: () => new Date() };
  return planFacts(deps, { liveFacts: { config, read } }, { service: "project", version: "plan", plan });
}
