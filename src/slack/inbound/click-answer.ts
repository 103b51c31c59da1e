import { closingDecision, gateStep } from "../../domain/run/approvals.js";
import { isTerminal } from "../../domain/run/run.js";
import type { ActionResult } from "../../ports/use-cases.js";
import { escapeText, slackDate, userMention } from "../blocks/kit.js";
import { escapeNaming, peopleOf } from "../blocks/mentions.js";

const NOTHING = "Your click changed nothing.";

/** What the user who clicked Approve / Reject is told when the click changed nothing. */
export function clickRefusal(
  result: Extract<ActionResult, { ok: false }>,
  gate: string,
  user: string,
): string {
  const run = result.run;
  const why = escapeNaming(result.message, [user, ...(run ? peopleOf(run) : [])]);
  if (result.code === "wrong-button") return `:no_entry: Refused: ${why}. ${NOTHING}`;
  if (!run) return `:no_entry: ${why}. ${NOTHING}`;
  const step = gateStep(run, gate);
  const decided = step ? closingDecision(run, step) : null;
  const decision = decided
    ? `Gate "${escapeText(gate)}" was ${decided.decision} by ${userMention(decided.by)} ${slackDate(decided.at)}. `
    : "";
  if (isTerminal(run.status))
    return `:hourglass: Too late: ${run.id} is already ${run.status}. ${decision}${NOTHING}`;
  if (decided) return `:information_source: Already decided. ${decision}${NOTHING}`;
  return `:no_entry: ${why}. ${NOTHING}`;
}
