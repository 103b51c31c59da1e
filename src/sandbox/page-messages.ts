import type { EphemeralMessage, StoredMessage } from "../slack-emulator/index.js";
import type { ViewMessage } from "./page/view-message.js";

/** A message as the page gets it: what the channel shows (an ephemeral says so). */
export type PageMessage = ViewMessage;

export function fromStored(message: StoredMessage): PageMessage {
  return {
    channel: message.channel,
    ts: message.ts,
    ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
    ...(message.text !== undefined ? { text: message.text } : {}),
    ...(message.blocks ? { blocks: message.blocks } : {}),
    postedAt: message.postedAt ?? 0,
    ...(message.broadcast ? { broadcast: true } : {}),
    ...(message.versions.length > 1 ? { edited: true } : {}),
  };
}

export function fromEphemeral(message: EphemeralMessage): PageMessage {
  return {
    channel: message.channel,
    ts: message.ts,
    ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
    ...(message.text !== undefined ? { text: message.text } : {}),
    ...(message.blocks ? { blocks: message.blocks } : {}),
    postedAt: message.postedAt,
    ephemeral: true,
  };
}
