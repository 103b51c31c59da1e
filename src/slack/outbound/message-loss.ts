import type { NotificationRef } from "../../domain/run/run.js";
import { slackErrorCode } from "../slack-error.js";

/**
 * Slack's answers that mean a run's message can never land where it belonged, however often it is tried: the card
 * was deleted, or the channel is gone, archived, or no longer has the bot in it.
 */
const LOSSES = ["message_not_found", "channel_not_found", "is_archived", "not_in_channel"] as const;

export type Loss = (typeof LOSSES)[number];
/** The losses of the whole channel: nothing more can be posted there. */
export type ChannelLoss = Exclude<Loss, "message_not_found">;

export function lossOf(error: unknown): Loss | null {
  const code = slackErrorCode(error);
  return LOSSES.find((loss) => loss === code) ?? null;
}

/** What became of a message Slack refused: post it under this fresh card, or its people were told another way. */
export type Rerouted = { card: NotificationRef } | "told" | null;
