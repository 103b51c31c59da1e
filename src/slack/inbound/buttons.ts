import type { AllMiddlewareArgs, App, BlockButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import type { Logger } from "../../ports/logger.js";

export type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;
export type ButtonHandler = (args: ButtonArgs) => Promise<void>;

/**
 * phasegate's buttons, by action id, behind one Bolt listener. Bolt runs the middleware of every listener for every
 * request, a slash command's too: with a listener per button, that was about a fifth of the CPU of a command's ack.
 */
export class Buttons {
  private readonly handlers = new Map<string, ButtonHandler>();

  on(actionId: string, handler: ButtonHandler): void {
    this.handlers.set(actionId, handler);
  }

  /** A click on a button of no handler here (a message of another app version) is acked and logged. */
  listen(app: App, logger: Logger): void {
    app.action<BlockButtonAction>({ type: "block_actions" }, async (args) => {
      const actionId = args.body.actions[0]?.action_id ?? "";
      const handler = this.handlers.get(actionId);
      if (handler) return handler(args);
      await args.ack();
      logger.warn({ actionId, user: args.body.user.id }, "a button phasegate has no handler for was clicked");
    });
  }
}
