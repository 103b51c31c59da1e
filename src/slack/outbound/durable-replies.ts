import { z } from "zod";
import type { Logger } from "../../ports/logger.js";
import type { NotificationOutbox } from "../../ports/notification-outbox.js";
import type { Block, SlackMessage } from "../blocks/kit.js";
import type { Rerouted } from "./message-loss.js";

export type Posted = { ts: string } | { error: unknown };

type Post = (
  runId: string,
  channel: string,
  message: SlackMessage,
  extra: { thread_ts: string },
) => Promise<Posted>;

const payloadSchema = z.object({
  channel: z.string().min(1),
  threadTs: z.string().min(1),
  // The blocks were built by us before they were kept; only their shape as a list of objects is checked.
  message: z.object({
    text: z.string(),
    blocks: z.array(z.custom<Block>((b) => typeof b === "object" && b !== null)),
  }),
});

export interface DurableRepliesOptions {
  /** Without one, replies are tried only by the process that made them. */
  outbox?: NotificationOutbox;
  post: Post;
  /** Runs work in the run's order of messages. */
  enqueue(runId: string, work: () => Promise<unknown>): void;
  /** A reply Slack refused: a fresh card to post it under, its people told another way ("told"), or null. */
  reroute(
    runId: string,
    channel: string,
    threadTs: string,
    message: SlackMessage,
    error: unknown,
  ): Promise<Rerouted>;
  logger: Logger;
  /** A reply still in the outbox this long after it was added is posted again (by any process). */
  retryAfterMs: number;
  now: () => Date;
}

/**
 * Thread replies at least once: each is written to the outbox before it is posted and removed once Slack took it;
 * `drain` posts the ones left behind by a failure or a process that stopped. A reply that can never be posted where
 * it belonged (its card deleted, its channel lost) is rerouted and leaves the outbox, so it never blocks it.
 */
export class DurableReplies {
  private readonly inFlight = new Set<string>();
  private draining = false;

  constructor(private readonly options: DurableRepliesOptions) {}

  async send(runId: string, channel: string, message: SlackMessage, threadTs: string): Promise<void> {
    const id = await this.keep(runId, JSON.stringify({ channel, threadTs, message }));
    await this.deliver(id, runId, channel, message, threadTs);
  }

  /** Posts what is left in the outbox (oldest first, each in its run's order); one drain at a time. */
  async drain(): Promise<void> {
    const { outbox } = this.options;
    if (!outbox || this.draining) return;
    this.draining = true;
    try {
      for (const item of await outbox.pending(100)) {
        const addedAt = Number(item.id.split("-")[0]);
        if (this.inFlight.has(item.id) || this.options.now().getTime() - addedAt < this.options.retryAfterMs)
          continue;
        const parsed = payloadSchema.safeParse(safeJson(item.payload));
        if (!parsed.success) {
          this.options.logger.error({ id: item.id, runId: item.runId }, "unreadable outbox entry dropped");
          await outbox.done(item.id);
          continue;
        }
        const { channel, threadTs, message } = parsed.data;
        this.inFlight.add(item.id);
        this.options.enqueue(item.runId, () => this.deliver(item.id, item.runId, channel, message, threadTs));
      }
    } finally {
      this.draining = false;
    }
  }

  private async keep(runId: string, payload: string): Promise<string | null> {
    try {
      const id = (await this.options.outbox?.add(runId, payload)) ?? null;
      if (id) this.inFlight.add(id);
      return id;
    } catch (error) {
      this.options.logger.warn({ err: error, runId }, "reply not kept in the outbox: tried from here only");
      return null;
    }
  }

  private async deliver(
    id: string | null,
    runId: string,
    channel: string,
    message: SlackMessage,
    threadTs: string,
  ): Promise<void> {
    try {
      let posted = await this.options.post(runId, channel, message, { thread_ts: threadTs });
      const rerouted =
        "error" in posted
          ? await this.options.reroute(runId, channel, threadTs, message, posted.error)
          : null;
      if (rerouted !== null && rerouted !== "told")
        posted = await this.options.post(runId, rerouted.card.channel, message, {
          thread_ts: rerouted.card.ts,
        });
      if (id && (!("error" in posted) || rerouted === "told")) await this.options.outbox?.done(id);
    } finally {
      if (id) this.inFlight.delete(id);
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
