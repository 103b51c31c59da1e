import { setTimeout as delay } from "node:timers/promises";
import type { webApi } from "@slack/bolt";
import type { LoadedServices } from "../../config/load-services.js";
import type { ApprovalStep } from "../../domain/plan/plan.js";
import { isTerminal, type NotificationRef, type Run } from "../../domain/run/run.js";
import type { CardRefs } from "../../ports/card-refs.js";
import type { Logger } from "../../ports/logger.js";
import type { NotificationOutbox } from "../../ports/notification-outbox.js";
import type { CardStatus, FreezeChange, Notifier, RunChange } from "../../ports/notifier.js";
import type { UsergroupDirectory } from "../../ports/usergroup-directory.js";
import { approvalMessage } from "../blocks/approval.js";
import { fallbackApprovalMessage, gateFallbackNote } from "../blocks/approval-fallback.js";
import { freezeAnnouncement } from "../blocks/freeze-messages.js";
import type { SlackMessage } from "../blocks/kit.js";
import { lostRunReply, lostStateMessage } from "../blocks/lost-state.js";
import { statusCard } from "../blocks/status-card.js";
import { threadReplies } from "../blocks/thread-replies.js";
import { approverMentions } from "../channel-access.js";
import { slackErrorCode } from "../slack-error.js";
import { recordSlackApiError } from "../slack-metrics.js";
import { CardWaiters } from "./card-waiters.js";
import { Coalescer } from "./coalescer.js";
import { DurableReplies, type Posted } from "./durable-replies.js";
import { lossOf } from "./message-loss.js";
import { Rerouter } from "./rerouter.js";
import { describeSlackFailure, retryDelayMs } from "./slack-failure.js";

export interface SlackNotifierOptions {
  client: webApi.WebClient;
  services: LoadedServices;
  /** Records where a run's card lives, so every replica can update it. */
  cards: CardRefs;
  logger: Logger;
  /** Members of approver groups, told by DM when a run's channel is lost. */
  usergroups?: UsergroupDirectory;
  /** At most one card update per run per interval (default 1 s). */
  updateIntervalMs?: number;
  /** At most one rollout progress reply per run per interval (default 30 s). */
  progressIntervalMs?: number;
  /** Keeps thread replies until Slack took them (Redis), so a failure or a restart loses none. */
  outbox?: NotificationOutbox;
  /** A reply still in the outbox this long after it was added is posted again (default 60 s). */
  outboxRetryAfterMs?: number;
  /** Told when a run's card is out (the first step of a new run waits for it). */
  onCardPosted?: (run: Run) => void;
  now?: () => Date;
}

/** Tries of one message before it is left to the next repair (card, gate) or dropped and logged (thread reply). */
const POST_ATTEMPTS = 3;
/** The longest wait between two repairs of a run's missing card or gate message. */
const MAX_REPAIR_BACKOFF_MS = 60_000;
/**
 * How long a gate just opened is left to the process that opened it (its post, with retries, and the record of
 * where it went) before another process posts its approval message: two would be posted, and only the one recorded
 * last would take clicks.
 */
export const GATE_POST_GRACE_MS = 60_000;

interface CardUpdate {
  ref: NotificationRef;
  run: Run;
}

/** The approval step the run waits at, if it does. */
function openGateOf(run: Run): ApprovalStep | null {
  const step = run.plan.steps[run.currentStep];
  return run.status === "awaiting-approval" && step?.kind === "approval" ? step : null;
}

/** The step a change just opened an approval gate at, if it did. */
function openedGate(change: RunChange): ApprovalStep | null {
  const { before, after } = change;
  const step = openGateOf(after);
  const already = before?.status === "awaiting-approval" && before.currentStep === after.currentStep;
  return step && !already ? step : null;
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
  private readonly waiters = new CardWaiters();
  /** Runs whose card or gate message is being posted, and when a missing one may be tried again. */
  private readonly posting = new Set<string>();
  private readonly repairs = new Map<string, { attempts: number; nextAt: number }>();
  private readonly gatesPosted = new Set<string>();
  private readonly replies: DurableReplies;
  private readonly rerouter: Rerouter;
  private readonly now: () => Date;

  constructor(private readonly options: SlackNotifierOptions) {
    this.now = options.now ?? (() => new Date());
    this.updates = new Coalescer<CardUpdate>({
      intervalMs: options.updateIntervalMs ?? 1000,
      newer: (candidate, current) => candidate.run.revision >= current.run.revision,
      send: (runId, update) => this.updateCard(runId, update),
      now: this.now,
    });
    this.rerouter = new Rerouter({
      client: options.client,
      services: options.services,
      cards: options.cards,
      ...(options.usergroups ? { usergroups: options.usergroups } : {}),
      logger: options.logger,
      post: (runId, channel, message, extra) => this.post(runId, channel, message, extra),
    });
    this.replies = new DurableReplies({
      outbox: options.outbox,
      post: (runId, channel, message, extra) => {
        const card = this.rerouter.current({ channel, ts: extra.thread_ts });
        return this.post(runId, card.channel, message, { thread_ts: card.ts });
      },
      reroute: (runId, channel, threadTs, message, error) =>
        this.rerouter.reroute(runId, { channel, ts: threadTs }, error, message),
      enqueue: (runId, work) => this.enqueue(runId, work),
      logger: options.logger,
      retryAfterMs: options.outboxRetryAfterMs ?? 60_000,
      now: this.now,
    });
  }

  async notify(change: RunChange): Promise<void> {
    const runId = change.after.id;
    this.remember(change.after);
    this.rerouter.remember(change.after);
    if (change.before === null) this.waiters.expect(runId);
    this.enqueue(runId, () => this.deliver(change));
  }

  /** Work on a run's messages happens in order per run. */
  private enqueue(runId: string, work: () => Promise<unknown>): void {
    const next = (this.chains.get(runId) ?? Promise.resolve()).then(work).then(
      () => undefined,
      (error: unknown) => this.options.logger.error({ err: error, runId }, "slack notification failed"),
    );
    this.chains.set(runId, next);
    void next.then(() => {
      if (this.chains.get(runId) === next) this.chains.delete(runId);
    });
  }

  cardPosted(runId: string, waitMs: number): Promise<CardStatus> {
    return this.waiters.wait(runId, waitMs);
  }

  /**
   * The durable part of delivery: the runs in flight as stored say which card or gate message is missing (a post
   * that failed, a process that stopped before posting); each is posted again, backing off per run.
   */
  repair(runs: Run[]): void {
    this.replies
      .drain()
      .catch((error: unknown) => this.options.logger.warn({ err: error }, "could not read the reply outbox"));
    for (const run of runs) {
      this.rerouter.remember(run);
      if (isTerminal(run.status) || this.posting.has(run.id) || !this.repairDue(run.id)) continue;
      const gate = openGateOf(run);
      if (run.notification === null) this.enqueue(run.id, () => this.ensureCard(run));
      else if (gate && !run.gateMessages[gate.gate] && this.gateOverdue(run))
        this.enqueue(run.id, () => this.repairGate(run, run.notification as NotificationRef));
    }
  }

  /** The run's open gate has waited for its approval message longer than its opener should take to post it. */
  private gateOverdue(run: Run): boolean {
    const opened = Date.parse(run.steps[run.currentStep]?.startedAt ?? "");
    // A gate without a readable opening time is posted at once.
    return Number.isNaN(opened) || this.now().getTime() - opened >= GATE_POST_GRACE_MS;
  }

  /** Which gate opening (run, gate, attempt) an approval message was posted for by this process. */
  private gateKey(run: Run): string {
    return `${run.id}:${run.currentStep}:${run.steps[run.currentStep]?.attempts ?? 0}:${run.retries}`;
  }

  /** Checked when its turn comes: the run as listed may be older than what this process just posted. */
  private async repairGate(run: Run, ref: NotificationRef): Promise<void> {
    if (!this.gatesPosted.has(this.gateKey(run))) await this.postGate(run, ref);
  }

  /** Resolves once everything told so far has reached Slack (or failed and been logged). */
  async flush(): Promise<void> {
    while (this.chains.size > 0) await Promise.all(this.chains.values());
    await this.updates.flush();
  }

  private async deliver(change: RunChange): Promise<void> {
    const { after } = change;
    const known =
      change.before === null
        ? await this.ensureCard(after)
        : (after.notification ?? this.cards.get(after.id));
    const ref = known && this.rerouter.current(known);
    if (!ref) {
      this.options.logger.warn({ runId: after.id }, "run has no Slack card yet: change not shown in Slack");
      return;
    }
    if (change.before !== null) this.updates.push(after.id, { ref, run: after });
    for (const reply of threadReplies(change)) {
      if (change.event?.type === "rollout-progress" && !this.progressDue(after.id)) continue;
      await this.replies.send(after.id, ref.channel, reply, ref.ts);
    }
    if (openedGate(change)) await this.postGate(after, ref);
    if (isTerminal(after.status)) {
      this.cards.delete(after.id);
      this.lastProgress.delete(after.id);
      this.repairs.delete(after.id);
      for (const key of this.gatesPosted) if (key.startsWith(`${after.id}:`)) this.gatesPosted.delete(key);
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

  /** One message per channel, naming the services of that channel the freeze holds. */
  async freezeChanged(change: FreezeChange): Promise<void> {
    const byChannel = new Map<string, string[]>();
    for (const service of change.services) {
      const channel = this.options.services.services[service]?.slack.channel;
      if (channel) byChannel.set(channel, [...(byChannel.get(channel) ?? []), service]);
    }
    for (const [channel, services] of byChannel)
      await this.post("freeze", channel, freezeAnnouncement(change, services), {});
  }

  private progressDue(runId: string): boolean {
    const last = this.lastProgress.get(runId);
    if (last !== undefined && this.now().getTime() - last < (this.options.progressIntervalMs ?? 30_000))
      return false;
    this.lastProgress.set(runId, this.now().getTime());
    return true;
  }

  private repairDue(runId: string): boolean {
    const repair = this.repairs.get(runId);
    return !repair || this.now().getTime() >= repair.nextAt;
  }

  private postponeRepair(runId: string): void {
    const attempts = (this.repairs.get(runId)?.attempts ?? 0) + 1;
    const wait = Math.min(1000 * 2 ** attempts, MAX_REPAIR_BACKOFF_MS);
    this.repairs.set(runId, { attempts, nextAt: this.now().getTime() + wait });
  }

  /** Posts the run's card unless it is out; whoever waits for it is told how the attempt went. */
  private async ensureCard(run: Run): Promise<NotificationRef | null> {
    const known = run.notification ?? this.cards.get(run.id);
    if (known) return known;
    const channel = this.options.services.services[run.service]?.slack.channel;
    if (!channel) return null;
    this.posting.add(run.id);
    try {
      const posted = await this.post(run.id, channel, statusCard(run, { buttons: true }), {});
      if ("error" in posted) {
        this.postponeRepair(run.id);
        this.waiters.settle(run.id, { posted: false, reason: describeSlackFailure(posted.error) });
        return null;
      }
      const ref = { channel, ts: posted.ts };
      this.cards.set(run.id, ref);
      this.repairs.delete(run.id);
      await this.options.cards.attachCard(run.id, ref);
      this.waiters.settle(run.id, { posted: true });
      this.options.onCardPosted?.(run);
      return ref;
    } finally {
      this.posting.delete(run.id);
    }
  }

  /**
   * The gate's approval message, broadcast from the card's thread; where it lives is recorded with the run. When
   * the card was deleted, it goes under the fresh card; when the channel is lost, the approvers are told by DM.
   */
  private async postGate(run: Run, card: NotificationRef): Promise<void> {
    const gate = openGateOf(run);
    const config = this.options.services.services[run.service];
    if (!gate || !config) return;
    this.posting.add(run.id);
    try {
      const mentions = approverMentions(config, run, gate);
      const message = approvalMessage(run, gate, mentions);
      const under = (place: NotificationRef) => ({ thread_ts: place.ts, reply_broadcast: true });
      let ref = this.rerouter.current(card);
      let posted = await this.post(run.id, ref.channel, message, under(ref));
      const rerouted =
        "error" in posted ? await this.rerouter.reroute(run.id, ref, posted.error, message) : null;
      if (rerouted !== null && rerouted !== "told") {
        ref = rerouted.card;
        posted = await this.post(run.id, ref.channel, message, under(ref));
      }
      if ("error" in posted && !lossOf(posted.error)) {
        // Slack refused the full message: a short one with the same buttons, so the gate can still be decided.
        const refused = slackErrorCode(posted.error);
        posted = await this.post(
          run.id,
          ref.channel,
          fallbackApprovalMessage(run, gate, mentions),
          under(ref),
        );
        if (!("error" in posted))
          await this.replies.send(run.id, ref.channel, gateFallbackNote(run, refused), ref.ts);
      }
      if ("error" in posted) return this.postponeRepair(run.id);
      this.repairs.delete(run.id);
      this.gatesPosted.add(this.gateKey(run));
      await this.options.cards.attachGateMessage(run.id, gate.gate, { channel: ref.channel, ts: posted.ts });
    } finally {
      this.posting.delete(run.id);
    }
  }

  /** A card deleted or a channel lost is rerouted: the fresh card shows the run as it is now. */
  private async updateCard(runId: string, update: CardUpdate): Promise<void> {
    const ref = this.rerouter.current(update.ref);
    const card = statusCard(update.run, { buttons: true });
    const updated = await this.withRetries("chat.update", runId, ref.channel, async () => {
      await this.options.client.chat.update({ channel: ref.channel, ts: ref.ts, ...card });
      return ref.ts;
    });
    if ("error" in updated) await this.rerouter.reroute(runId, ref, updated.error, card);
  }

  private post(
    runId: string,
    channel: string,
    message: SlackMessage,
    extra: { thread_ts?: string; reply_broadcast?: boolean },
  ): Promise<Posted> {
    // The argument type is a union over thread options that a spread object cannot satisfy statically.
    const args = { channel, ...message, ...extra } as webApi.ChatPostMessageArguments;
    return this.withRetries("chat.postMessage", runId, channel, async () => {
      const answer = await this.options.client.chat.postMessage(args);
      if (!answer.ts) throw new Error("Slack answered without a message ts");
      return answer.ts;
    });
  }

  /** A few tries, backing off (Slack's Retry-After when rate limited); the last error when all failed. */
  private async withRetries(
    method: string,
    runId: string,
    channel: string,
    call: () => Promise<string>,
  ): Promise<Posted> {
    let failure: unknown;
    for (let attempt = 0; ; attempt++) {
      try {
        return { ts: await call() };
      } catch (error) {
        failure = error;
        recordSlackApiError(method, error);
        this.options.logger.warn(
          { err: error, runId, channel, method, attempt: attempt + 1, problem: describeSlackFailure(error) },
          "Slack call failed",
        );
      }
      const wait = retryDelayMs(failure, attempt);
      if (wait === null || attempt === POST_ATTEMPTS - 1) break;
      await delay(wait);
    }
    this.options.logger.error(
      { err: failure, runId, channel, method, problem: describeSlackFailure(failure) },
      "gave up on a Slack call for now",
    );
    return { error: failure };
  }
}
