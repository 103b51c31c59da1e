import type { Logger } from "../../ports/logger.js";
import { COMMAND_ACTION } from "../blocks/command-button.js";
import type { AckGate } from "./ack-gate.js";
import { answerCommand, type CommandDeps } from "./command-answers.js";
import { parseMigrateCommand } from "./command-parser.js";
import type { Listeners } from "./listeners.js";
import { ephemeral, respondTo } from "./response-url.js";

export interface CommandButtonDeps extends CommandDeps {
  logger: Logger;
  /** What the user is told when answering failed (Redis unreachable, our own error). */
  failureAnswer(error: unknown): string;
}

/**
 * A card's command button (Retry): its value is a `/migrate` command, parsed and answered exactly as if the clicker
 * had typed it in the channel of the card, so the action table, the channel rules and the use cases' access
 * checks decide it; a click grants nothing typing would not.
 */
export function registerCommandButtons(listeners: Listeners, deps: CommandButtonDeps, acks: AckGate): void {
  listeners.button(COMMAND_ACTION, async ({ ack, body }) => {
    await ack();
    await acks.settled();
    const respond = respondTo(body.response_url);
    const parsed = parseMigrateCommand(body.actions[0]?.value ?? "");
    try {
      if (!parsed.ok) return void (await ephemeral(respond, parsed.message));
      const answer = await answerCommand(deps, parsed.command, {
        user: body.user.id,
        channel: body.container?.channel_id ?? body.channel?.id ?? "",
      });
      for (const message of [answer].flat()) await ephemeral(respond, message.text, message.blocks);
    } catch (error) {
      deps.logger.error(
        { err: error, user: body.user.id, actionId: COMMAND_ACTION },
        "command button failed",
      );
      await ephemeral(respond, deps.failureAnswer(error)).catch(() => undefined);
    }
  });
}
