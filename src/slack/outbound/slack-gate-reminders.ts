import type { webApi } from "@slack/bolt";
import { z } from "zod";
import type { LoadedServices } from "../../config/load-services.js";
import type { ServiceConfig } from "../../config/services-schema.js";
import type { ApprovalStep } from "../../domain/plan/plan.js";
import { approvalsOf } from "../../domain/run/approvals.js";
import type { Run } from "../../domain/run/run.js";
import type { GateReminder, GateReminders } from "../../ports/gate-reminders.js";
import type { Logger } from "../../ports/logger.js";
import type { UsergroupDirectory } from "../../ports/usergroup-directory.js";
import type { SlackMessage } from "../blocks/kit.js";
import { escalationReply, reminderDirectMessage, reminderReply } from "../blocks/reminders.js";
import { recordSlackApiError } from "../slack-metrics.js";

const openedAnswer = z.object({ channel: z.object({ id: z.string().min(1) }) });

/**
 * Reminders in the run's thread, mentioning the approvers who have not decided, and by direct message to each of
 * them (conversations.open, scope im:write); the escalation mentions the service's `reminders.escalateTo`.
 */
export class SlackGateReminders implements GateReminders {
  constructor(
    private readonly client: webApi.WebClient,
    private readonly services: LoadedServices,
    private readonly usergroups: UsergroupDirectory,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async remind(run: Run, reminder: GateReminder): Promise<void> {
    const config = this.services.services[run.service];
    const current = run.plan.steps[run.currentStep];
    const step = current?.kind === "approval" ? current : undefined;
    const ref = run.notification;
    if (!config || !step || !ref) return;
    if (reminder.kind === "escalation") {
      const group = config.reminders?.escalateTo;
      if (group)
        await this.post(run, ref.channel, escalationReply(run, step, group, this.now().getTime()), ref.ts);
      return;
    }
    const waiting = await this.undecided(run, step, config);
    const mentions = waiting.map((u) => `<@${u}>`).join(" ");
    await this.post(
      run,
      ref.channel,
      reminderReply(run, step, mentions, reminder.count, this.now().getTime()),
      ref.ts,
    );
    for (const user of waiting)
      await this.directMessage(run, user, reminderDirectMessage(run, step, ref.channel));
  }

  /** Every approver (listed, or in an approver group now) who has not approved, never the requester under four-eyes. */
  private async undecided(run: Run, step: ApprovalStep, config: ServiceConfig): Promise<string[]> {
    const { users, usergroups } = config.access.approvers;
    const members = await Promise.all(usergroups.map((g) => this.usergroups.members(g)));
    const approved = new Set(approvalsOf(run, step).map((d) => d.by));
    const everyone = new Set([...users, ...members.flat()]);
    return [...everyone].filter((u) => !approved.has(u) && !(run.fourEyes && u === run.requester));
  }

  private async directMessage(run: Run, user: string, message: SlackMessage): Promise<void> {
    try {
      const opened = openedAnswer.parse(await this.client.conversations.open({ users: user }));
      await this.client.chat.postMessage({ channel: opened.channel.id, ...message });
    } catch (error) {
      recordSlackApiError("conversations.open", error);
      this.logger.error(
        { err: error, runId: run.id, user },
        "could not remind an approver by direct message",
      );
    }
  }

  private async post(run: Run, channel: string, message: SlackMessage, threadTs: string): Promise<void> {
    try {
      await this.client.chat.postMessage({ channel, thread_ts: threadTs, ...message });
    } catch (error) {
      recordSlackApiError("chat.postMessage", error);
      this.logger.error({ err: error, runId: run.id }, "could not post a gate reminder in the run's thread");
    }
  }
}
