import type { BlockButtonAction } from "@slack/bolt";
import type { Logger } from "../../ports/logger.js";
import type { ActionResult, UseCases } from "../../ports/use-cases.js";
import { escapeText } from "../blocks/kit.js";
import {
  MIGRATIONS_STAY,
  ROLLBACK_ACTION,
  type RollbackButton,
  rollbackButtonSchema,
} from "../blocks/rollback-messages.js";
import type { AckGate } from "./ack-gate.js";
import type { Listeners } from "./listeners.js";
import { ephemeral, respondTo } from "./response-url.js";

export interface RollbackHandlerDeps {
  useCases: UseCases;
  logger: Logger;
  /** What the user is told when answering failed (Redis unreachable, our own error). */
  failureAnswer(error: unknown): string;
}

function buttonOf(body: BlockButtonAction): RollbackButton | null {
  try {
    const parsed = rollbackButtonSchema.safeParse(JSON.parse(body.actions[0]?.value ?? ""));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** What the user who clicked is told. */
function answerOf(result: ActionResult): string {
  if (!result.ok) return `:no_entry: Refused: ${escapeText(result.message)}. Your click changed nothing.`;
  const to = escapeText(result.run.rollback?.toVersion ?? "");
  return `:rewind: Rolling back the deploy of ${result.run.id} to ${to}: its card follows it. ${MIGRATIONS_STAY}`;
}

/** "Roll back the deploy" on a run's card: acked at once, then decided (authorised, audited) and answered. */
export function registerRollback(listeners: Listeners, deps: RollbackHandlerDeps, acks: AckGate): void {
  listeners.button(ROLLBACK_ACTION, async ({ ack, body }) => {
    await ack();
    await acks.settled();
    const respond = respondTo(body.response_url);
    try {
      const button = buttonOf(body);
      if (!button) {
        await ephemeral(
          respond,
          ":no_entry: This button carries no run I can read; nothing was changed. Use `/migrate status`.",
        );
        return;
      }
      const result = await deps.useCases.rollback({
        runId: button.runId,
        user: body.user.id,
        button: {
          token: button.token,
          channel: body.container?.channel_id ?? body.channel?.id ?? "",
          messageTs: body.container?.message_ts ?? body.message?.ts ?? "",
        },
      });
      await ephemeral(respond, answerOf(result));
    } catch (error) {
      deps.logger.error(
        { err: error, user: body.user.id, actionId: ROLLBACK_ACTION },
        "rollback click failed",
      );
      await ephemeral(respond, deps.failureAnswer(error)).catch(() => undefined);
    }
  });
}
