import type { LoadedServices } from "../../config/load-services.js";
import { gateStep } from "../../domain/run/approvals.js";
import type { Run } from "../../domain/run/run.js";
import { approvalMessage, settledGateMessage } from "../blocks/approval.js";
import type { SlackMessage } from "../blocks/kit.js";
import { approverMentions } from "../channel-access.js";

/**
 * What the clicked gate message should become: who decided once the gate is settled; while it still waits for
 * more approvals after this click counted, the same message with its count brought up to date (buttons kept).
 * Null: leave it as it is.
 */
export function gateMessageAfter(
  run: Run,
  gate: string,
  services: LoadedServices,
  counted: boolean,
): SlackMessage | null {
  const settled = settledGateMessage(run, gate);
  if (settled || !counted) return settled;
  const step = gateStep(run, gate);
  const config = services.services[run.service];
  if (!step || !config || run.status !== "awaiting-approval" || run.plan.steps[run.currentStep] !== step)
    return null;
  return approvalMessage(run, step, approverMentions(config, run, step));
}
