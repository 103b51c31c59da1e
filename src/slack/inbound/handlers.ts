import type { App, BlockButtonAction, RespondFn } from "@slack/bolt";
import type { LoadedServices } from "../../config/load-services.js";
import type { Logger } from "../../ports/logger.js";
import { StoreUnavailableError } from "../../ports/store-unavailable.js";
import type { UseCases } from "../../ports/use-cases.js";
import { APPROVE_ACTION, type GateButton, gateButtonSchema } from "../blocks/approval.js";
import { AckGate } from "./ack-gate.js";
import { clickRefusal } from "./click-answer.js";
import { readSlashCommand } from "./command-ack.js";
import { answerCommand } from "./command-answers.js";
import { registerCommandButtons } from "./command-buttons.js";
import type { MigrateCommand } from "./command-parser.js";
import { OOPS, registerErrorHandler } from "./error-handler.js";
import { gateMessageAfter } from "./gate-message.js";
import type { InFlightWork } from "./in-flight-work.js";
import { type CommandArgs, Listeners } from "./listeners.js";
import { registerReject } from "./reject-handlers.js";
import { ephemeral, respondTo } from "./response-url.js";
import { registerRollback } from "./rollback-handlers.js";

export interface HandlerDeps {
  useCases: UseCases;
  services: LoadedServices;
  logger: Logger;
  /** What the work after an ack waits for; by default only the requests already read. */
  acks?: AckGate;
  /** The requests in flight, which a stopping bot lets finish. */
  work?: InFlightWork;
}

const REDIS_DOWN =
  ":warning: phasegate cannot reach Redis, where it keeps its runs, so nothing was done and nothing will be done later. Try again once it is back (`/migrate status` shows where the runs stand; the operators see it on /readyz).";

const STOPPED =
  ":warning: phasegate was restarting and stopped before it had finished this. Check `/migrate status` to see whether it was done before trying again.";

/** What the user is told when answering failed: the bot stopping, Redis unreachable, or our own error. */
function failureAnswer(deps: HandlerDeps, error: unknown): string {
  if (deps.work?.draining) return STOPPED;
  return error instanceof StoreUnavailableError ? REDIS_DOWN : OOPS;
}

async function migrate(
  deps: HandlerDeps,
  acks: AckGate,
  { command }: CommandArgs,
  migrateCommand: MigrateCommand,
): Promise<void> {
  await acks.settled();
  const respond = respondTo(command.response_url);
  try {
    const notify = (text: string) =>
      void ephemeral(respond, text).catch((error: unknown) =>
        deps.logger.warn({ err: error, user: command.user_id }, "could not tell a caller to wait"),
      );
    const answer = await answerCommand(deps, migrateCommand, {
      user: command.user_id,
      channel: command.channel_id,
      notify,
    });
    // Sending the answer costs as much as the ack; a burst that arrived meanwhile is acked first.
    await acks.settled();
    for (const message of [answer].flat()) await ephemeral(respond, message.text, message.blocks);
  } catch (error) {
    deps.logger.error({ err: error, command: migrateCommand, user: command.user_id }, "/migrate failed");
    await ephemeral(respond, failureAnswer(deps, error)).catch(() => undefined);
  }
}

/**
 * Every slash command through one handler. In HTTP mode the receiver has acked it already with the same answer
 * (commandAck) and this ack does nothing.
 */
function registerCommands(listeners: Listeners, deps: HandlerDeps, acks: AckGate): void {
  listeners.command(async (args) => {
    const read = readSlashCommand(args.command.command, args.command.text);
    if ("answer" in read) return args.ack(read.answer);
    await args.ack();
    await migrate(deps, acks, args, read.migrate);
  });
}

function buttonOf(action: BlockButtonAction["actions"][number]): GateButton | null {
  try {
    const parsed = gateButtonSchema.safeParse(JSON.parse(action.value ?? ""));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A click decided at once: Approve, or a Reject on a gate that is no longer open (refused, audited, answered). */
async function decideClick(
  deps: HandlerDeps,
  body: BlockButtonAction,
  respond: RespondFn,
  approve: boolean,
): Promise<void> {
  const action = body.actions[0];
  const button = action ? buttonOf(action) : null;
  if (!button) {
    await ephemeral(
      respond,
      ":no_entry: This button carries no run I can read; nothing was changed. Use `/migrate status`.",
    );
    return;
  }
  const origin = {
    token: button.token,
    channel: body.container?.channel_id ?? body.channel?.id ?? "",
    messageTs: body.container?.message_ts ?? body.message?.ts ?? "",
  };
  const input = { runId: button.runId, gate: button.gate, user: body.user.id, button: origin };
  const result = approve ? await deps.useCases.approve(input) : await deps.useCases.reject(input);
  if (!result.ok) await ephemeral(respond, clickRefusal(result, button.gate, body.user.id));
  // The message clicked is not this run's gate: it must not be rewritten with this run's state.
  if (!result.ok && result.code === "wrong-button") return;
  // A gate decided or closed elsewhere (another click, the CLI, a timeout, a cancel) loses its buttons too.
  const replaced = result.run ? gateMessageAfter(result.run, button.gate, deps.services, result.ok) : null;
  if (replaced) await respond({ replace_original: true, ...replaced } as Parameters<RespondFn>[0]);
}

function registerApprove(listeners: Listeners, deps: HandlerDeps, acks: AckGate): void {
  listeners.button(APPROVE_ACTION, async ({ ack, body }) => {
    await ack();
    await acks.settled();
    const respond = respondTo(body.response_url);
    try {
      await decideClick(deps, body, respond, true);
    } catch (error) {
      deps.logger.error(
        { err: error, user: body.user.id, actionId: APPROVE_ACTION },
        "approval click failed",
      );
      await ephemeral(respond, failureAnswer(deps, error)).catch(() => undefined);
    }
  });
}

/**
 * `/migrate`, Approve, and Reject with its reason dialog: each acks at once, then does the work and answers; what
 * escapes a listener reaches the global error handler.
 */
export function registerHandlers(app: App, deps: HandlerDeps): void {
  const acks = deps.acks ?? new AckGate();
  registerErrorHandler(app, deps.logger);
  const listeners = new Listeners();
  registerCommands(listeners, deps, acks);
  registerApprove(listeners, deps, acks);
  const answerFailure = (error: unknown) => failureAnswer(deps, error);
  registerRollback(listeners, { ...deps, failureAnswer: answerFailure }, acks);
  registerCommandButtons(listeners, { ...deps, failureAnswer: answerFailure }, acks);
  registerReject(listeners, {
    useCases: deps.useCases,
    logger: deps.logger,
    buttonOf,
    lateClick: (body) => decideClick(deps, body, respondTo(body.response_url), false),
  });
  listeners.listen(app, deps.logger);
}
