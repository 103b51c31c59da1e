import type { BlockButtonAction } from "@slack/bolt";
import { hasVisibleText } from "../../domain/run/visible-text.js";
import type { Logger } from "../../ports/logger.js";
import type { UseCases } from "../../ports/use-cases.js";
import { type GateButton, REJECT_ACTION, settledGateMessage } from "../blocks/approval.js";
import {
  modalError,
  REASON_BLOCK,
  REASON_INPUT,
  REJECT_VIEW,
  type RejectMetadata,
  rejectMetadataSchema,
  rejectModal,
} from "../blocks/reject-modal.js";
import { clickRefusal } from "./click-answer.js";
import type { Listeners } from "./listeners.js";
import { ephemeral, respondTo } from "./response-url.js";

export interface RejectDeps {
  useCases: UseCases;
  logger: Logger;
  /** The gate a button carries, or null when it carries nothing readable. */
  buttonOf(action: BlockButtonAction["actions"][number]): GateButton | null;
  /** A Reject click on a gate no longer open: decided (refused) at once, like any late click. */
  lateClick(body: BlockButtonAction): Promise<void>;
}

function metadataOf(raw: string): RejectMetadata | null {
  try {
    const parsed = rejectMetadataSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Reject on an open gate opens a modal asking why (views.open needs the click's trigger_id, valid for 3 s: only a
 * read of the run comes first); on a gate already closed it is answered at once.
 */
function registerRejectButton(listeners: Listeners, deps: RejectDeps): void {
  listeners.button(REJECT_ACTION, async ({ ack, body, client }) => {
    await ack();
    const action = body.actions[0];
    const button = action ? deps.buttonOf(action) : null;
    if (!button) {
      await ephemeral(
        respondTo(body.response_url),
        ":no_entry: This button carries no run I can read; nothing was changed.",
      );
      return;
    }
    const run = await deps.useCases.status(button.runId);
    const step = run?.plan.steps[run.currentStep];
    const message = {
      channel: body.container?.channel_id ?? body.channel?.id ?? "",
      ts: body.container?.message_ts ?? body.message?.ts ?? "",
    };
    const open =
      run?.status === "awaiting-approval" &&
      step?.kind === "approval" &&
      step.gate === button.gate &&
      run.gateTokens[button.gate] === button.token &&
      message.channel !== "" &&
      message.ts !== "";
    // A closed gate, or a button not of this gate: decided (refused, audited) at once, no dialog.
    if (!open) return deps.lateClick(body);
    try {
      await client.views.open({ trigger_id: body.trigger_id, view: rejectModal(button, message) });
    } catch (error) {
      deps.logger.error(
        { err: error, user: body.user.id, runId: button.runId },
        "could not open the reject dialog",
      );
      await ephemeral(
        respondTo(body.response_url),
        `:warning: The reject dialog did not open; nothing was changed. \`/migrate reject ${button.runId} <reason>\` does the same.`,
      ).catch(() => undefined);
    }
  });
}

/**
 * The modal's submission rejects the gate with its reason. Refusals (too late, not an approver, a reason too
 * long) are shown in the modal, which stays open, and are in the audit trail; on success the gate message loses
 * its buttons.
 */
function registerRejectSubmission(listeners: Listeners, deps: RejectDeps): void {
  listeners.view(REJECT_VIEW, async ({ ack, body, view, client }) => {
    const metadata = metadataOf(view.private_metadata);
    const reason = view.state.values[REASON_BLOCK]?.[REASON_INPUT]?.value?.trim() ?? "";
    if (!metadata)
      return ack({
        response_action: "errors",
        errors: modalError("This dialog carries no run I can read; nothing was changed."),
      });
    if (!hasVisibleText(reason))
      return ack({
        response_action: "errors",
        errors: modalError(
          reason
            ? "This reason shows nothing (only invisible characters): say why you reject the gate, in words."
            : "Say why you reject the gate.",
        ),
      });
    const button = { token: metadata.token, channel: metadata.channel, messageTs: metadata.ts };
    const result = await deps.useCases.reject({
      button,
      runId: metadata.runId,
      gate: metadata.gate,
      user: body.user.id,
      reason,
    });
    if (!result.ok)
      return ack({
        response_action: "errors",
        errors: modalError(clickRefusal(result, metadata.gate, body.user.id)),
      });
    await ack();
    const settled = settledGateMessage(result.run, metadata.gate);
    if (!settled) return;
    try {
      await client.chat.update({ channel: metadata.channel, ts: metadata.ts, ...settled });
    } catch (error) {
      deps.logger.error(
        { err: error, runId: metadata.runId },
        "could not replace the rejected gate's buttons",
      );
    }
  });
}

export function registerReject(listeners: Listeners, deps: RejectDeps): void {
  registerRejectButton(listeners, deps);
  registerRejectSubmission(listeners, deps);
}
