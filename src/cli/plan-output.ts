import path from "node:path";
import type { Introspection } from "../domain/classify/migration.js";
import type { StepFacts } from "../domain/locks/live-facts.js";
import type { PlanResult } from "../domain/plan/plan.js";
import type { CliError } from "./cli-error.js";
import { stepFactsText } from "./plan-facts.js";
import { planFindings } from "./plan-findings.js";
import type { Format } from "./plan-format.js";
import { renderGithubAnnotations, renderGithubError } from "./plan-github.js";
import { renderPlanJson } from "./plan-json.js";
import { renderErrorJson } from "./plan-json-error.js";
import { repositoryPath } from "./plan-locations.js";
import { renderSarif, renderSarifError } from "./plan-sarif.js";
import { renderPlanText } from "./plan-text.js";

/** The plan (or refusal) in the format asked for. */
export function renderPlan(
  format: Format,
  result: PlanResult,
  introspection: Introspection,
  projectDir: string,
  options: { verbose: boolean; project: string; facts?: StepFacts[] },
): string {
  if (format === "json") return renderPlanJson(result, introspection, options.facts);
  if (format === "sarif") return renderSarif(planFindings(result, introspection, projectDir));
  const text = renderPlanText(result, introspection, options);
  if (format === "text") return `${text}${options.facts?.length ? `\n${stepFactsText(options.facts)}` : ""}`;
  return `${renderGithubAnnotations(planFindings(result, introspection, projectDir))}${text}`;
}

/** Exit-2 errors also go to stdout in the machine formats (the dispatcher prints the message on stderr). */
export function reportError(format: Format, error: CliError, argv: string[]): void {
  const at = argv.indexOf("--project");
  const projectDir = path.resolve(at >= 0 ? (argv[at + 1] ?? ".") : ".");
  const file = error.failure.location ? repositoryPath(projectDir, error.failure.location.file) : null;
  if (format === "json") process.stdout.write(renderErrorJson(error, file));
  if (format === "github") process.stdout.write(renderGithubError(error.message, error.failure, file));
  if (format === "sarif") {
    process.stdout.write(renderSarifError(error.message, file, error.failure.location?.line ?? null));
  }
}
