import type { Run } from "../../domain/run/run.js";
import { stepNumber } from "../../domain/run/step-number.js";
import { type Block, truncate } from "./kit.js";

/**
 * A button that does what typing its `/migrate` command does: the click is parsed by the command parser and
 * answered like the command, with the same access rules (src/slack/inbound/command-buttons.ts).
 */
export const COMMAND_ACTION = "phasegate.command";

/** The failed card's Retry: `/migrate retry <run>`, confirmed in a dialog. */
export function retryBlocks(run: Run, buttons: boolean): Block[] {
  if (!buttons || run.status !== "failed") return [];
  const step = run.plan.steps[run.currentStep];
  return [
    {
      type: "actions",
      block_id: "retry",
      elements: [
        {
          type: "button",
          action_id: COMMAND_ACTION,
          style: "primary",
          text: { type: "plain_text", text: "Retry" },
          value: `retry ${run.id}`,
          confirm: {
            title: { type: "plain_text", text: "Retry the failed step?" },
            text: {
              type: "plain_text",
              text: truncate(
                `${run.id} starts again from ${stepNumber(run.currentStep)}${step ? ` (${step.title})` : ""}.`,
                300,
              ),
            },
            confirm: { type: "plain_text", text: "Retry" },
            deny: { type: "plain_text", text: "Cancel" },
          },
        },
      ],
    },
  ];
}
