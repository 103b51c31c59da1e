import type { Run } from "../../domain/run/run.js";
import { escapeText, type SlackMessage } from "./kit.js";
import { pagedAnswer } from "./pages.js";

/**
 * `/migrate plan <run>`: the plan the run was started with, in full: every step, everything each approval gate
 * allows, every operation with its verdict. This is where the approval message and the card send readers when
 * Slack's limits cut their lists.
 */
export function runPlanAnswer(run: Run): SlackMessage[] {
  const steps = run.plan.steps.flatMap((step) => [
    `*${step.index + 1}. ${step.phase}* — ${escapeText(step.title)}`,
    ...(step.kind === "approval" ? step.summary.map((line) => `      • ${escapeText(line)}`) : []),
  ]);
  const operations = run.plan.operations.map(
    (o) => `• \`${o.app}.${o.migration}\` ${escapeText(o.description)} → *${o.verdict}*`,
  );
  return pagedAnswer(
    `Plan of ${run.id} (${run.service} ${run.version}): ${run.plan.steps.length} steps, ${run.plan.operations.length} operations`,
    [...steps, "*Operations*", ...operations],
    `\`phasegate run status ${run.id} --json\` prints the whole plan`,
  );
}
