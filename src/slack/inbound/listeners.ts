import type {
  AllMiddlewareArgs,
  AnyMiddlewareArgs,
  App,
  BlockButtonAction,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from "@slack/bolt";
import type { Logger } from "../../ports/logger.js";

export type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;
export type ButtonHandler = (args: ButtonArgs) => Promise<void>;
export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;
export type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

type Handler<Args> = (args: Args) => Promise<void>;

/**
 * phasegate's slash commands, buttons (by action id) and dialog submissions (by callback id), behind one Bolt
 * middleware and no Bolt listener. Bolt runs the middleware chain of every listener for every request: with a
 * listener per kind, a slash command's ack paid for the button's and the dialog's chains too (with one per button,
 * about a fifth of its CPU). What none of them takes goes on to Bolt, which leaves it unanswered as before.
 */
export class Listeners {
  private onCommand: Handler<CommandArgs> | undefined;
  private readonly buttons = new Map<string, ButtonHandler>();
  private readonly views = new Map<string, Handler<ViewArgs>>();

  /** Every slash command the app receives (the manifest declares only /migrate; others are told so). */
  command(handler: Handler<CommandArgs>): void {
    this.onCommand = handler;
  }

  button(actionId: string, handler: ButtonHandler): void {
    this.buttons.set(actionId, handler);
  }

  /** A dialog's submission, by its view's callback id. */
  view(callbackId: string, handler: Handler<ViewArgs>): void {
    this.views.set(callbackId, handler);
  }

  /** Registered last: after the app's own middleware (request ids, in-flight tracking in Socket Mode). */
  listen(app: App, logger: Logger): void {
    app.use(async (args) => {
      const handled = this.dispatch(args, logger);
      if (handled) return handled;
      await args.next();
    });
  }

  private dispatch(args: AnyMiddlewareArgs & AllMiddlewareArgs, logger: Logger): Promise<void> | undefined {
    if ("command" in args && args.command !== undefined) return this.onCommand?.(args as CommandArgs);
    if (args.body.type === "block_actions" && "action" in args && args.action !== undefined)
      return this.click(args as ButtonArgs, logger);
    if (args.body.type === "view_submission" && "view" in args && args.view !== undefined)
      return this.views.get(args.view.callback_id)?.(args as ViewArgs);
    return undefined;
  }

  /** A click on a button of no handler here (a message of another app version) is acked and logged. */
  private async click(args: ButtonArgs, logger: Logger): Promise<void> {
    const actionId = args.body.actions[0]?.action_id ?? "";
    const handler = this.buttons.get(actionId);
    if (handler) return handler(args);
    await args.ack();
    logger.warn({ actionId, user: args.body.user.id }, "a button phasegate has no handler for was clicked");
  }
}
