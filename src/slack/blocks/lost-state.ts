import type { MigrateStep } from "../../domain/plan/plan.js";
import type { Run } from "../../domain/run/run.js";
import { escapeText, fitBlocks, type SlackMessage, section, sections, userMention } from "./kit.js";
import { statusLine } from "./status-card.js";

/** The migrations a run had applied, as far as phasegate last saw it. */
export function appliedMigrations(run: Run): string[] {
  return run.plan.steps
    .filter(
      (step): step is MigrateStep => step.kind === "migrate" && run.steps[step.index]?.status === "succeeded",
    )
    .flatMap((step) => step.migrations.map((m) => `${m.app}.${m.name}`));
}

function runLine(run: Run): string {
  const applied = appliedMigrations(run);
  const what =
    applied.length > 0
      ? `applied ${applied.map((m) => `\`${escapeText(m)}\``).join(", ")}`
      : "applied no migration yet";
  return `• *${run.id}* (${escapeText(run.version)}, started by ${userMention(run.requester)}), last seen ${statusLine(run)}: ${what}`;
}

const WHY =
  "Redis no longer holds the marker phasegate wrote when it started using it: Redis was restarted without its data, flushed, or replaced. Every run it held is gone, and the buttons of earlier messages no longer approve anything.";

/** Said in a service's channel when phasegate's state was lost: which of its runs were in flight, what they applied. */
export function lostStateMessage(service: string, runs: Run[]): SlackMessage {
  const lines =
    runs.length > 0 ? runs.map(runLine) : [`No run of ${service} was in flight as far as phasegate knew.`];
  const next =
    runs.length > 0
      ? "Check the database of each run above: its expand migrations stay applied. Start a new run for the release once you know where it stands."
      : "Nothing to clean up for this service.";
  return {
    text: `:rotating_light: phasegate lost its state (Redis was emptied): ${runs.length} run(s) of ${service} were in flight`,
    blocks: fitBlocks(
      [
        section(`:rotating_light: *phasegate lost its state.* ${WHY}`),
        ...sections([`*In flight for ${escapeText(service)}:*`, ...lines]),
        section(next),
      ],
      "`/migrate list`",
    ),
  };
}

/** The reply under a lost run's card, so its "Awaiting approval" no longer misleads. */
export function lostRunReply(run: Run): SlackMessage {
  const text = `:rotating_light: ${run.id} was lost with phasegate's state (Redis was emptied). It ${runLine(run).split(": ").at(-1)}. Its buttons no longer work.`;
  return { text, blocks: sections([text]) };
}
