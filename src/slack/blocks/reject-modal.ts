import { z } from "zod";
import { MAX_REASON_CHARS } from "../../domain/run/run.js";
import { type GateButton, gateButtonSchema } from "./approval.js";
import { escapeText, truncate } from "./kit.js";

export const REJECT_VIEW = "phasegate.reject-reason";
export const REASON_BLOCK = "reason";
export const REASON_INPUT = "reason";

/**
 * What the modal carries from the click to its submission: the gate and its token, and the gate message clicked
 * (the rejection counts only from it, and it loses its buttons).
 */
export const rejectMetadataSchema = gateButtonSchema.extend({
  channel: z.string().min(1).max(100),
  ts: z.string().min(1).max(100),
});

export type RejectMetadata = z.infer<typeof rejectMetadataSchema>;

/** The modal Reject opens: why, in at most MAX_REASON_CHARS characters (Slack enforces it as you type). */
export function rejectModal(button: GateButton, message: { channel: string; ts: string }) {
  const metadata: RejectMetadata = { ...button, ...message };
  return {
    type: "modal" as const,
    callback_id: REJECT_VIEW,
    private_metadata: JSON.stringify(metadata),
    title: { type: "plain_text" as const, text: "Reject the gate" },
    submit: { type: "plain_text" as const, text: "Reject" },
    close: { type: "plain_text" as const, text: "Cancel" },
    blocks: [
      {
        type: "section" as const,
        text: {
          type: "mrkdwn" as const,
          text: `Reject gate "${escapeText(button.gate)}" of *${escapeText(button.runId)}*? The run stops; nothing destructive runs. The reason goes on the card, in the thread and in the audit trail.`,
        },
      },
      {
        type: "input" as const,
        block_id: REASON_BLOCK,
        label: { type: "plain_text" as const, text: "Reason" },
        element: {
          type: "plain_text_input" as const,
          action_id: REASON_INPUT,
          multiline: true,
          min_length: 1,
          max_length: MAX_REASON_CHARS,
        },
      },
    ],
  };
}

/** A modal shows an input's error as plain text under it. */
export function modalError(message: string): Record<string, string> {
  // A modal's error is plain text: emoji codes and mentions would show as written.
  const plain = message.replace(/:[a-z_]+: /g, "").replace(/<@([UW][A-Z0-9]+)>/g, "$1");
  return { [REASON_BLOCK]: truncate(plain, 300) };
}
