import { isTerminal, type Run } from "../../domain/run/run.js";
import type { ChannelLoss } from "../outbound/message-loss.js";
import { escapeText, fitBlocks, type SlackMessage, section, sections } from "./kit.js";
import { statusCard } from "./status-card.js";

const WHY: Record<ChannelLoss, string> = {
  channel_not_found: "the channel no longer exists (or the bot cannot see it)",
  is_archived: "the channel was archived",
  not_in_channel: "the bot was removed from the channel",
};

function intro(runId: string, channel: string, loss: ChannelLoss): string {
  return `:warning: phasegate can no longer post about *${escapeText(runId)}* in <#${channel}>: ${WHY[loss]} (\`${loss}\`).`;
}

/** What to do next, as the run stands. */
function nextLine(run: Run): string {
  if (isTerminal(run.status))
    return `This is its outcome. \`/migrate audit ${run.id}\` shows everything that happened.`;
  if (run.status === "awaiting-approval")
    return `Its gate waits for a decision: \`/migrate approve ${run.id}\` or \`/migrate reject ${run.id} <reason>\`, typed in a channel the service allows. You will get its outcome here.`;
  return `You will get its outcome here; \`/migrate status ${run.id}\` shows it at any time.`;
}

/**
 * By direct message to the requester and the approvers, when the run's channel can no longer be posted to: what
 * happened, the run's card as it stands now (without buttons) and what comes next.
 */
export function reroutedDirectMessage(run: Run, channel: string, loss: ChannelLoss): SlackMessage {
  const card = statusCard(run);
  return {
    text: `phasegate can no longer post in the channel of ${run.id}: ${card.text}`,
    blocks: fitBlocks(
      [section(intro(run.id, channel, loss)), ...card.blocks, section(nextLine(run))],
      `\`/migrate status ${run.id}\``,
    ),
  };
}

/** The same for a run this process no longer holds: the message that could not be posted, as it was. */
export function reroutedReply(
  runId: string,
  channel: string,
  loss: ChannelLoss,
  lost: SlackMessage,
): SlackMessage {
  return {
    text: `phasegate can no longer post in the channel of ${runId}: ${lost.text}`,
    blocks: fitBlocks([section(intro(runId, channel, loss)), ...lost.blocks], `\`/migrate status ${runId}\``),
  };
}

/** In the fresh card's thread: why there is a second card. */
export function freshCardNote(run: Run): SlackMessage {
  const text = `:information_source: The card of *${run.id}* was deleted: this one replaces it, and its updates and replies continue here.`;
  return { text, blocks: sections([text]) };
}
