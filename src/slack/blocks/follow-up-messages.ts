import { migrationLabel } from "../../domain/classify/migration.js";
import { describeOwed, type FollowUpReport, type OwedFollowUp } from "../../domain/plan/follow-up-report.js";
import type { RunFollowUps } from "../../domain/run/run.js";
import { escapeText, fitBlocks, type SlackMessage, sections, slackDate } from "./kit.js";

/** What a release does about follow-ups: the owed ones it settles, those it lacks (a warning), what it owes next. */
export function followUpLines(service: string, report: FollowUpReport): string[] {
  return [
    ...report.settles.map(
      (o) => `:white_check_mark: ${escapeText(describeOwed(service, o))} — this release settles it`,
    ),
    ...report.missing.map(
      (o) =>
        `:warning: ${escapeText(describeOwed(service, o))} — *not in this release*: it stays owed (\`/migrate owed ${service}\`)`,
    ),
    ...report.owes.map(
      (o) =>
        `:memo: the next release owes ${escapeText(migrationLabel(o))}${o.phase ? ` (${o.phase})` : ""}, declared by ${escapeText(migrationLabel(o.owedBy))}`,
    ),
  ];
}

/** The card's follow-up lines, from what the run recorded when it was created. */
export function runFollowUpLines(followUps: RunFollowUps | undefined): string[] {
  if (!followUps) return [];
  return [
    ...followUps.settles.map((line) => `:white_check_mark: settles ${escapeText(line)}`),
    ...followUps.missing.map((line) => `:warning: leaves ${escapeText(line)}`),
    ...followUps.owes.map((line) => `:memo: owes the next release ${escapeText(line)}`),
  ];
}

function owedLine(service: string, owed: OwedFollowUp): string {
  return `• ${escapeText(describeOwed(service, owed))} — declared by ${escapeText(migrationLabel(owed.owedBy))} in ${owed.runId}, ${slackDate(owed.at)}`;
}

/** `/migrate owed <service>`. */
export function owedAnswer(service: string, owed: OwedFollowUp[]): SlackMessage {
  const title =
    owed.length === 0
      ? `${service} owes nothing: no earlier release left a follow-up.`
      : `${service} owes ${owed.length} migration${owed.length === 1 ? "" : "s"} from earlier releases:`;
  const lines = owed.map((o) => owedLine(service, o));
  if (owed.length > 0)
    lines.push(
      `Ship them in a release (move them from \`migrations/phasegate_next/\`), or an approver drops one: \`/migrate drop-owed ${service} <app.migration> <reason>\`.`,
    );
  return {
    text: title,
    blocks: fitBlocks(sections([`*${escapeText(title)}*`, ...lines]), `\`/migrate owed ${service}\``),
  };
}
