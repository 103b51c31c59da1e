import type { webApi } from "@slack/bolt";
import type { LoadedServices } from "../../config/load-services.js";
import { isTerminal, type NotificationRef, type Run } from "../../domain/run/run.js";
import type { CardRefs } from "../../ports/card-refs.js";
import type { Logger } from "../../ports/logger.js";
import type { Notifier, RunChange } from "../../ports/notifier.js";
import { approverMentions } from "../access.js";
import { approvalMessage } from "../blocks/approval.js";
import type { SlackMessage } from "../blocks/kit.js";
import { lostRunReply, lostStateMessage } from "../blocks/lost-state.js";
import { statusCard } from "../blocks/status-card.js";
import { threadReplies } from "../blocks/thread-replies.js";
import { recordSlackApiError } from "../slack-metrics.js";
import { Coalescer } from "./coalescer.js";

export interface SlackNotifierOptions {
  client: webApi.WebClient;
  services: LoadedServices;
  /** Records where a run's card lives, so every replica can update it. */
  cards: CardRefs;
  logger: Logger;
  /** At most one card update per run per interval (default 1 s). */
  updateIntervalMs?: number;
  /** At most one rollout progress reply per run per interval (default 30 s). */
  progressIntervalMs?: number;
  now?: () => number;
}

interface CardUpdate {
  ref: NotificationRef;
  run: Run;
}

/** The step a change just opened an approval gate at, if it did. */
function openedGate(change: RunChange) {
  const { before, after } = change;
  const step = after.plan.steps[after.currentStep];
  if (after.status !== "awaiting-approval" || step?.kind !== "approval") return null;
  const already = before?.status === "awaiting-approval" && before.currentStep === after.currentStep;
  return already ? null : step;
}

/**
 * Tells Slack about every run change: posts the run's card when it is created, updates it in place (coalesced to
 * one update per run per second, the last state always sent), replies in its thread, and posts the approval gate.
 * Work happens after `notify` returns, in order per run; failures are logged, never thrown into the engine.
 */
export class SlackNotifier implements Notifier {
  private readonly cards = new Map<string, NotificationRef>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly lastProgress = new Map<string, number>();
  /** The newest state of each run in flight this process was told about, for when Redis loses them. */
  private readonly inFlight = new Map<string, Run>();
  private readonly updates: Coalescer<CardUpdate>;
  private readonly now: () => number;

  constructor(private readonly options: SlackNotifierOptions) {
    this.now = options.now ?? Date.now;
    this.updates = new Coalescer<CardUpdate>({
      intervalMs: options.updateIntervalMs ?? 1000,
      newer: (candidate, current) => candidate.run.revision >= current.run.revision,
      send: (runId, update) => this.updateCard(runId, update),
      now: this.now,
    });
  }

  async notify(change: RunChange): Promise<void> {
    const runId = change.after.id;
    this.remember(change.after);
    const next = (this.chains.get(runId) ?? Promise.resolve())
      .then(() => this.deliver(change))
      .catch((error: unknown) =>
        this.options.logger.error({ err: error, runId }, "slack notification failed"),
      );
    this.chains.set(runId, next);
    void next.then(() => {
      if (this.chains.get(runId) === next) this.chains.delete(runId);
    });
  }

  /** Resolves once everything told so far has reached Slack (or failed and been logged). */
  async flush(): Promise<void> {
    while (this.chains.size > 0) await Promise.all(this.chains.values());
    await this.updates.flush();
  }

  private async deliver(change: RunChange): Promise<void> {
    const { after } = change;
    const ref =
      change.before === null ? await this.postCard(after) : (after.notification ?? this.cards.get(after.id));
    if (!ref) {
      this.options.logger.warn({ runId: after.id }, "run has no Slack card yet: change not shown in Slack");
      return;
    }
    if (change.before !== null) this.updates.push(after.id, { ref, run: after });
    for (const reply of threadReplies(change)) {
      if (change.event?.type === "rollout-progress" && !this.progressDue(after.id)) continue;
      await this.post(after.id, ref.channel, reply, { thread_ts: ref.ts });
    }
    const gate = openedGate(change);
    const config = this.options.services.services[after.service];
    if (gate && config) {
      const ts = await this.post(
        after.id,
        ref.channel,
        approvalMessage(after, gate, approverMentions(config)),
        {
          thread_ts: ref.ts,
          reply_broadcast: true,
        },
      );
      if (ts) await this.options.cards.attachGateMessage(after.id, gate.gate, { channel: ref.channel, ts });
    }
    if (isTerminal(after.status)) {
      this.cards.delete(after.id);
      this.lastProgress.delete(after.id);
    }
  }

  private remember(run: Run): void {
    const known = this.inFlight.get(run.id);
    if (known && known.revision >= run.revision) return;
    if (isTerminal(run.status)) this.inFlight.delete(run.id);
    else this.inFlight.set(run.id, run);
  }

  /**
   * Redis lost phasegate's state: every service's channel is told which of its runs were in flight (as last read
   * from Redis, or as this process last changed them, whichever is newer) and what they had applied, and each lost
   * run's thread says it is lost (its card would otherwise wait forever).
   */
  async announceLostState(lastRead: Run[]): Promise<void> {
    for (const run of lastRead) this.remember(run);
    const runs = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const [service, config] of Object.entries(this.options.services.services))
      await this.post(
        "lost-state",
        config.slack.channel,
        lostStateMessage(
          service,
          runs.filter((run) => run.service === service),
        ),
        {},
      );
    for (const run of runs) {
      const ref = run.notification ?? this.cards.get(run.id);
      if (ref) await this.post(run.id, ref.channel, lostRunReply(run), { thread_ts: ref.ts });
      this.cards.delete(run.id);
    }
  }

  private progressDue(runId: string): boolean {
    const last = this.lastProgress.get(runId);
    if (last !== undefined && this.now() - last < (this.options.progressIntervalMs ?? 30_000)) return false;
    this.lastProgress.set(runId, this.now());
    return true;
  }

  private async postCard(run: Run): Promise<NotificationRef | null> {
    const channel = this.options.services.services[run.service]?.slack.channel;
    if (!channel) return null;
    const ts = await this.post(run.id, channel, statusCard(run), {});
    if (!ts) return null;
    const ref = { channel, ts };
    this.cards.set(run.id, ref);
    await this.options.cards.attachCard(run.id, ref);
    return ref;
  }

  private async updateCard(runId: string, { ref, run }: CardUpdate): Promise<void> {
    try {
      await this.options.client.chat.update({ channel: ref.channel, ts: ref.ts, ...statusCard(run) });
    } catch (error) {
      recordSlackApiError("chat.update", error);
      this.options.logger.error({ err: error, runId, ref }, "could not update the run's Slack card");
    }
  }

  private async post(
    runId: string,
    channel: string,
    message: SlackMessage,
    extra: { thread_ts?: string; reply_broadcast?: boolean },
  ): Promise<string | null> {
    try {
      // The argument type is a union over thread options that a spread object cannot satisfy statically.
      const args = { channel, ...message, ...extra } as webApi.ChatPostMessageArguments;
      const answer = await this.options.client.chat.postMessage(args);
      return answer.ts ?? null;
    } catch (error) {
      recordSlackApiError("chat.postMessage", error);
      this.options.logger.error(
        { err: error, runId, channel },
        "could not post to Slack: check slack.channel of the service and invite the bot to the channel",
      );
      return null;
    }
  }
}
