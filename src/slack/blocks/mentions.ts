import type { Run } from "../../domain/run/run.js";
import { escapeText } from "./text-hygiene.js";

const USER_ID = /^[UW][A-Z0-9]+$/;

/** The people a run names: who started it, decided its gates, rolled back its deploy, froze its service. */
export function peopleOf(run: Run): string[] {
  const named = [run.requester, ...run.gates.map((g) => g.by), run.rollback?.by, run.frozen?.by];
  return named.filter((id): id is string => id !== undefined);
}

/**
 * Text from the use cases (which name people by their Slack user id, as the CLI prints them) made safe for Slack,
 * with the ids of the given people written as mentions, so Slack shows their names. Only the people the caller
 * knows of are mentioned: an id typed into a reason by someone else stays text.
 */
export function escapeNaming(text: string, people: Iterable<string>): string {
  let escaped = escapeText(text);
  for (const id of new Set(people)) {
    if (USER_ID.test(id)) escaped = escaped.replace(new RegExp(`(?<![\\w@])${id}(?!\\w)`, "g"), `<@${id}>`);
  }
  return escaped;
}
