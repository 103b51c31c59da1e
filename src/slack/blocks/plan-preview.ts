import type { StepFacts } from "../../domain/locks/live-facts.js";
import type { FollowUpReport } from "../../domain/plan/follow-up-report.js";
import type { Plan, PlanStep, Refusal } from "../../domain/plan/plan.js";
import { splitMayFix } from "../../domain/split/may-fix.js";
import { followUpLines } from "./follow-up-messages.js";
import { escapeText, fitBlocks, header, type SlackMessage, section, sections } from "./kit.js";
import { liveFactsBlocks } from "./live-facts-blocks.js";
import { errorExcerpt } from "./text-hygiene.js";

function stepLines(step: PlanStep): string[] {
  const head = `*${step.index + 1}. ${step.phase}* — ${escapeText(step.title)}`;
  if (step.kind === "migrate")
    return [head, ...step.targets.map((t) => `      \`manage.py migrate ${t.app} ${t.migration}\``)];
  if (step.kind === "approval") return [head, ...step.summary.map((line) => `      • ${escapeText(line)}`)];
  return [head];
}

/** `/migrate plan`: the phases of the release, then every operation with its verdict. */
export function planPreview(
  service: string,
  version: string,
  plan: Plan,
  followUps?: FollowUpReport,
  outlook: string[] = [],
  facts: StepFacts[] = [],
): SlackMessage {
  const owed = followUps ? followUpLines(service, followUps) : [];
  const gate = plan.destructive
    ? "destructive: an approver must allow the contract phase"
    : "nothing destructive";
  const operations =
    plan.operations.length === 0
      ? [
          "No pending migrations: deploy and wait only (a run deploys the release and waits for its rollout; no gate).",
        ]
      : plan.operations.map(
          (o) =>
            `• \`${o.app}.${o.migration}\` ${escapeText(o.description)} → *${o.verdict}*${o.overridden ? " (overridden)" : ""}`,
        );
  const blocks = [
    header(`Plan for ${service} ${version}`),
    section(`${plan.steps.length} steps, ${gate}. Start it with \`/migrate start ${service} ${version}\`.`),
    ...sections(plan.steps.flatMap(stepLines)),
    ...(outlook.length > 0 ? sections(outlook.map((line) => `:calendar: ${escapeText(line)}`)) : []),
    ...facts.flatMap((f) => [
      section(`*Before step ${f.step + 1} (${f.phase})*`),
      ...liveFactsBlocks(f.facts),
    ]),
    ...(owed.length > 0 ? [section("*Follow-ups*"), ...sections(owed)] : []),
    section("*Operations*"),
    ...sections(operations),
  ];
  return {
    text: `Plan for ${service} ${version}: ${plan.steps.length} steps, ${gate}`,
    blocks: fitBlocks(blocks, "`phasegate plan` shows everything"),
  };
}

/** What tells the developer that `phasegate split` writes the fix, when a refusal is one it can split. */
function splitHint(refusals: Refusal[], projectPath: string | undefined): string[] {
  if (!splitMayFix(refusals) || !projectPath) return [];
  return [
    `:hammer_and_wrench: \`phasegate split\` can write these recipes as migrations: \`phasegate split --project ${escapeText(projectPath)}\` shows the diff, \`--write\` writes it.`,
  ];
}

/**
 * A start or plan that cannot go ahead: what is wrong and, for unsafe operations, the recipe to split them, with
 * the `phasegate split` command for the service's project, and the follow-ups owed from earlier releases.
 */
export function refusalAnswer(
  message: string,
  refusals: Refusal[] = [],
  projectPath?: string,
  followUps: string[] = [],
): SlackMessage {
  const lines = refusals.flatMap((r, i) => [
    `*${i + 1}. ${escapeText(r.message)}*`,
    ...r.recipe.map((step) => `      • ${escapeText(step)}`),
  ]);
  // The message may carry Django's own error output: a few lines of it, mentions escaped (the log has all of it).
  const excerpt = errorExcerpt(message);
  return {
    text: excerpt,
    blocks: fitBlocks(
      [
        section(`:no_entry: ${excerpt}`),
        ...sections(splitHint(refusals, projectPath)),
        ...sections(lines),
        ...sections(followUps),
      ],
      "`phasegate plan` shows everything",
    ),
  };
}
