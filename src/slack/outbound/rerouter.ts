import type { webApi } from "@slack/bolt";
import { z } from "zod";
import type { LoadedServices } from "../../config/load-services.js";
import { isTerminal, type NotificationRef, type Run } from "../../domain/run/run.js";
import type { CardRefs } from "../../ports/card-refs.js";
import type { Logger } from "../../ports/logger.js";
import type { UsergroupDirectory } from "../../ports/usergroup-directory.js";
import type { SlackMessage } from "../blocks/kit.js";
import { freshCardNote, reroutedDirectMessage, reroutedReply } from "../blocks/rerouted.js";
import { statusCard } from "../blocks/status-card.js";
import { recordSlackApiError, slackNotificationsRerouted } from "../slack-metrics.js";
import type { Posted } from "./durable-replies.js";
import { type ChannelLoss, type Loss, lossOf, type Rerouted } from "./message-loss.js";

type Post = (
  runId: string,
  channel: string,
  message: SlackMessage,
  extra: { thread_ts?: string },
) => Promise<Posted>;

export interface RerouterOptions {
  client: webApi.WebClient;
  services: LoadedServices;
  cards: CardRefs;
  /** Members of the approver groups; without it only listed approvers are told. */
  usergroups?: UsergroupDirectory;
  logger: Logger;
  /** The notifier's post (its retries and metrics). */
  post: Post;
}

/** How many runs, cards and losses a process remembers (the oldest are forgotten first). */
const REMEMBERED = 1000;

const openedAnswer = z.object({ channel: z.object({ id: z.string().min(1) }) });

/** A map that forgets its oldest entries beyond REMEMBERED. */
class Recent<V> extends Map<string, V> {
  override set(key: string, value: V): this {
    this.delete(key);
    super.set(key, value);
    const oldest = this.keys().next();
    if (this.size > REMEMBERED && !oldest.done) this.delete(oldest.value);
    return this;
  }
}

const placeKey = (ref: NotificationRef) => `${ref.channel}:${ref.ts}`;

/**
 * Nothing completes unseen: when Slack refuses a run's card update, thread reply or gate message because the card
 * was deleted, a fresh card is posted in the channel and recorded with the run (what follows goes there); when the
 * channel itself is lost (gone, archived, bot removed), the requester and the approvers get a direct message with
 * the run's status, once per run and loss, and once more with the outcome when the run has ended. Each is counted
 * and logged at warn.
 */
export class Rerouter {
  /** The newest state of each run this process was told about. */
  private readonly runs = new Recent<Run>();
  /** Cards replaced by a fresh one (old place → new place). */
  private readonly moved = new Recent<NotificationRef>();
  /** Fresh cards being posted, so concurrent failures post one. */
  private readonly replacing = new Map<string, Promise<Rerouted>>();
  /** Losses already told by DM ("run:channel:loss"), and runs whose outcome was ("run:outcome"). */
  private readonly told = new Recent<true>();

  constructor(private readonly options: RerouterOptions) {}

  remember(run: Run): void {
    const known = this.runs.get(run.id);
    if (!known || known.revision <= run.revision) this.runs.set(run.id, run);
  }

  /** Where a message meant for `ref` goes now: the fresh card that replaced it, if one did. */
  current(ref: NotificationRef): NotificationRef {
    const next = this.moved.get(placeKey(ref));
    return next ? this.current(next) : ref;
  }

  /** A message of run `runId` meant for its card at `ref` failed with `error` (`lost`: the message). */
  async reroute(runId: string, ref: NotificationRef, error: unknown, lost: SlackMessage): Promise<Rerouted> {
    const loss = lossOf(error);
    if (!loss) return null;
    const run = this.runs.get(runId) ?? null;
    if (loss !== "message_not_found") return this.tell(runId, run, ref.channel, loss, lost);
    const moved = this.current(ref);
    if (moved !== ref) return { card: moved };
    if (!run) return this.postInChannel(runId, ref.channel, lost);
    // Another process may have replaced the card already: the run as last told names the fresh one.
    const stored = run.notification && this.current(run.notification);
    if (stored && placeKey(stored) !== placeKey(ref)) return { card: stored };
    return this.replace(run, ref);
  }

  private replace(run: Run, ref: NotificationRef): Promise<Rerouted> {
    const key = placeKey(ref);
    const pending = this.replacing.get(key);
    if (pending) return pending;
    const replacing = this.postFreshCard(run, ref).finally(() => this.replacing.delete(key));
    this.replacing.set(key, replacing);
    return replacing;
  }

  /** The fresh card; when it cannot be posted either, the channel's loss told by DM, or null (tried again later). */
  private async postFreshCard(run: Run, ref: NotificationRef): Promise<Rerouted> {
    const posted = await this.options.post(run.id, ref.channel, statusCard(run, { buttons: true }), {});
    if ("error" in posted) {
      const loss = lossOf(posted.error);
      return loss && loss !== "message_not_found" ? this.tell(run.id, run, ref.channel, loss, null) : null;
    }
    const card = { channel: ref.channel, ts: posted.ts };
    this.moved.set(placeKey(ref), card);
    this.count("message_not_found", "fresh-card");
    this.options.logger.warn(
      { runId: run.id, channel: ref.channel, deleted: ref.ts, card: card.ts, error: "message_not_found" },
      "the run's card was deleted: posted a fresh card, updates and replies go there",
    );
    await this.options.cards
      .attachCard(run.id, card)
      .catch((error: unknown) =>
        this.options.logger.error(
          { err: error, runId: run.id, card: card.ts },
          "fresh card not recorded with the run: other processes still update the deleted one",
        ),
      );
    await this.options.post(run.id, ref.channel, freshCardNote(run), { thread_ts: card.ts });
    return { card };
  }

  /** A reply of a run this process no longer holds, its card deleted: the reply itself, in the channel. */
  private async postInChannel(runId: string, channel: string, lost: SlackMessage): Promise<Rerouted> {
    const posted = await this.options.post(runId, channel, lost, {});
    if ("error" in posted) return null;
    this.count("message_not_found", "channel");
    this.options.logger.warn(
      { runId, channel, error: "message_not_found" },
      "the run's card was deleted: its reply posted in the channel instead",
    );
    return "told";
  }

  /**
   * The run's channel is lost: its requester and approvers are told by DM, once per run and loss, and once more
   * when the run has ended and its outcome was not told yet.
   */
  private async tell(
    runId: string,
    run: Run | null,
    channel: string,
    loss: ChannelLoss,
    lost: SlackMessage | null,
  ): Promise<Rerouted> {
    const lossKey = `${runId}:${channel}:${loss}`;
    const outcomeKey = `${runId}:outcome`;
    const ended = run !== null && isTerminal(run.status);
    if (this.told.has(lossKey) && (!ended || this.told.has(outcomeKey))) return "told";
    this.told.set(lossKey, true);
    if (ended) this.told.set(outcomeKey, true);
    const message = run
      ? reroutedDirectMessage(run, channel, loss)
      : reroutedReply(runId, channel, loss, lost ?? { text: "", blocks: [] });
    const users = await this.recipients(run, channel);
    let delivered = 0;
    for (const user of users) if (await this.directMessage(runId, user, message)) delivered++;
    const route = delivered > 0 ? "direct-message" : "nobody";
    this.count(loss, route);
    const fields = { runId, channel, error: loss, route, users, delivered, status: run?.status ?? null };
    if (delivered > 0)
      this.options.logger.warn(fields, "the run's channel is lost: its requester and approvers told by DM");
    else
      this.options.logger.error(
        fields,
        "the run's channel is lost and nobody could be told by DM: check the service's slack.channel and approvers",
      );
    return "told";
  }

  /** The requester (when a Slack user) and every approver: listed, or in an approver group now. */
  private async recipients(run: Run | null, channel: string): Promise<string[]> {
    const services = Object.entries(this.options.services.services)
      .filter(([name, config]) => (run ? name === run.service : config.slack.channel === channel))
      .map(([, config]) => config);
    const users = new Set<string>(run && /^[UW][A-Z0-9]+$/.test(run.requester) ? [run.requester] : []);
    for (const config of services) {
      const { users: listed, usergroups } = config.access.approvers;
      for (const user of listed) users.add(user);
      for (const group of usergroups)
        for (const user of (await this.options.usergroups?.members(group)) ?? []) users.add(user);
    }
    return [...users];
  }

  private async directMessage(runId: string, user: string, message: SlackMessage): Promise<boolean> {
    let channel: string;
    try {
      channel = openedAnswer.parse(await this.options.client.conversations.open({ users: user })).channel.id;
    } catch (error) {
      recordSlackApiError("conversations.open", error);
      this.options.logger.error({ err: error, runId, user }, "could not open a direct message");
      return false;
    }
    return !("error" in (await this.options.post(runId, channel, message, {})));
  }

  private count(error: Loss, route: "fresh-card" | "channel" | "direct-message" | "nobody"): void {
    slackNotificationsRerouted.inc({ error, route });
  }
}
