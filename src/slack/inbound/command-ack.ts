import { echo, helpText, type MigrateCommand, parseMigrateCommand } from "./command-parser.js";

/** An ack that answers the command itself, shown to its user alone. */
export interface AckAnswer {
  response_type: "ephemeral";
  text: string;
}

/** A slash command read from its name and text alone: answered in its ack, or a /migrate to carry out after it. */
export type SlashCommand = { answer: AckAnswer } | { migrate: MigrateCommand };

function answer(text: string): SlashCommand {
  return { answer: { response_type: "ephemeral", text } };
}

/**
 * Every slash command comes to one listener; the app's manifest declares only /migrate, and another command routed
 * here is told so instead of timing out. A typo or `help` is answered in the ack; any other /migrate is acked empty
 * and answered by its response URL once carried out.
 */
export function readSlashCommand(command: string, text: string): SlashCommand {
  if (command !== "/migrate")
    return answer(`phasegate does not know ${echo(command)}; try \`/migrate help\`.`);
  const parsed = parseMigrateCommand(text);
  if (!parsed.ok) return answer(parsed.message);
  if (parsed.command.name === "help") return answer(helpText());
  return { migrate: parsed.command };
}

/** What the ack of a slash command's body carries (nothing: an empty 200). */
export function commandAck(body: { command: string; text: string }): AckAnswer | undefined {
  const read = readSlashCommand(body.command, body.text);
  return "answer" in read ? read.answer : undefined;
}
