import type { EphemeralMessage, StoredMessage } from "../slack-emulator/index.js";
import type { ViewMessage } from "./page/view-message.js";

/** A message as the page gets it: what the channel shows (an ephemeral says so). */
export type PageMessage = ViewMessage;

/** What every message shows: where it is, and its text and blocks when it has them. */
function shown(message: StoredMessage | EphemeralMessage) {
  return {
    channel: message.channel,
    ts: message.ts,
    ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
    ...(message.text !== undefined ? { text: message.text } : {}),
    ...(message.blocks ? { blocks: message.blocks } : {}),
  };
}

export function fromStored(message: StoredMessage): PageMessage {
  return {
    ...shown(message),
    postedAt: message.postedAt ?? 0,
    ...(message.broadcast ? { broadcast: true } : {}),
    ...(message.versions.length > 1 ? { edited: true } : {}),
  };
}

export function fromEphemeral(message: EphemeralMessage): PageMessage {
  return {
    ...shown(message),
    postedAt: message.postedAt,
    ephemeral: true,
  };
}
