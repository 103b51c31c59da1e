import { z } from "zod";
import { rollbackRefusal } from "../../domain/run/rollback-reducer.js";
import type { RollbackEvent, Run } from "../../domain/run/run.js";
import {
  type Block,
  escapeText,
  type SlackMessage,
  section,
  sections,
  slackDate,
  truncate,
  userMention,
} from "./kit.js";

export const ROLLBACK_ACTION = "phasegate.rollback";

/** What the card's "Roll back the deploy" button carries back: the run and its rollback token. */
export const rollbackButtonSchema = z.strictObject({
  runId: z.string().min(1).max(100),
  token: z.string().min(1).max(100),
});

export type RollbackButton = z.infer<typeof rollbackButtonSchema>;

/** Slack's limits on a confirm dialog: title 100, text 300, its buttons 30. */
const CONFIRM = { title: 100, text: 300, button: 30 } as const;

export const MIGRATIONS_STAY =
  "Migrations are not rolled back: the expand schema is compatible with the old code.";

const MESSAGE_CHARS = 300;

function said(message: string | null): string {
  return message ? `: ${escapeText(truncate(message, MESSAGE_CHARS))}` : "";
}

function rollbackCommand(run: Run): string {
  return `\`/migrate rollback ${run.id}\``;
}

/** The card's button, confirmed in a dialog that says migrations stay. */
function rollbackActions(run: Run, token: string, toVersion: string): Block {
  return {
    type: "actions",
    block_id: "rollback",
    elements: [
      {
        type: "button",
        action_id: ROLLBACK_ACTION,
        style: "danger",
        text: { type: "plain_text", text: "Roll back the deploy" },
        value: JSON.stringify({ runId: run.id, token } satisfies RollbackButton),
        confirm: {
          title: {
            type: "plain_text",
            text: truncate(`Roll back ${run.service} to ${toVersion}?`, CONFIRM.title),
          },
          text: {
            type: "plain_text",
            text: truncate(
              `${run.service} ${toVersion} is deployed again and its rollout awaited. ${MIGRATIONS_STAY}`,
              CONFIRM.text,
            ),
          },
          confirm: { type: "plain_text", text: "Roll back" },
          deny: { type: "plain_text", text: "Cancel" },
          style: "danger",
        },
      },
    ],
  };
}

/** A word on the card's status line while or once the deploy is rolled back. */
export function rollbackStatus(run: Run): string {
  const rollback = run.rollback;
  if (!rollback) return "";
  const to = escapeText(rollback.toVersion);
  if (rollback.status === "running") return ` · :rewind: Rolling back to ${to}…`;
  if (rollback.status === "succeeded") return ` · :rewind: Rolled back to ${to}`;
  return ` · :warning: Rollback to ${to} failed`;
}

/**
 * What the card says about rolling the deploy back: the rollback under way or done, or, for a run that failed or was
 * rejected after its deploy, the offer (the button with `buttons`, else the command) or why it cannot be offered.
 */
export function rollbackBlocks(run: Run, buttons: boolean): Block[] {
  const rollback = run.rollback;
  const to = escapeText(rollback?.toVersion ?? run.previousRelease?.version ?? "");
  if (rollback?.status === "running") {
    const phase =
      rollback.phase === "waiting-rollout" ? "waiting for the rollout" : "deploying the previous release";
    return [
      section(
        `:rewind: *Rolling back to ${to}…* (${phase}${said(rollback.message)})\nStarted by ${userMention(rollback.by)} ${slackDate(rollback.at)}. ${MIGRATIONS_STAY}`,
      ),
    ];
  }
  if (rollback?.status === "succeeded")
    return [
      section(
        `:rewind: *Rolled back to ${to}* ${slackDate(rollback.finishedAt ?? rollback.at)}, started by ${userMention(rollback.by)}${said(rollback.message)}\n${MIGRATIONS_STAY}`,
      ),
    ];
  const refused = rollbackRefusal(run);
  if (refused?.code === "no-previous")
    return [section(":rewind: No earlier release recorded: roll back by hand.")];
  if (refused?.code === "contracted") return [section(`:rewind: ${escapeText(refused.message)}.`)];
  if (refused) return [];
  const failed =
    rollback?.status === "failed"
      ? `:warning: *Rollback to ${to} failed*${said(rollback.message)}. Roll back by hand, or try again.\n`
      : "";
  const offer = `${failed}:rewind: The deploy can be rolled back to *${to}*, the release live before this run. ${MIGRATIONS_STAY}`;
  if (buttons && run.rollbackToken)
    return [section(offer), rollbackActions(run, run.rollbackToken, run.previousRelease?.version ?? "")];
  return [section(`${offer}\n${rollbackCommand(run)} does it (approvers only).`)];
}

function reply(text: string): SlackMessage {
  return { text: truncate(text, 3000), blocks: sections([text]) };
}

/** The thread's word on a rollback event (progress polls are shown on the card only). */
export function rollbackReply(run: Run, event: RollbackEvent): SlackMessage | null {
  const to = escapeText(run.rollback?.toVersion ?? "");
  switch (event.type) {
    case "rollback-started":
      return reply(
        `:rewind: ${userMention(event.by)} is rolling back the deploy of ${escapeText(run.version)} to ${to}. ${MIGRATIONS_STAY}`,
      );
    case "rollback-deploying":
      return event.message ? reply(`:repeat: Rollback${said(event.message)}`) : null;
    case "rollback-deployed":
      return reply(`:rewind: Rollback: ${to} deployed${said(event.message)}; waiting for its rollout.`);
    case "rollback-progress":
      return null;
    case "rollback-succeeded":
      return reply(
        `:rewind: ${userMention(run.requester)} ${run.id} is rolled back to ${to}${said(event.message)}. ${MIGRATIONS_STAY}`,
      );
    case "rollback-failed":
      return reply(
        `:x: Rollback to ${to} failed${said(event.message)}. Roll back by hand, or try again: the card's button or ${rollbackCommand(run)}.`,
      );
  }
}

/** The end of a failed, rejected or cancelled run: how to roll its deploy back, when it can be. */
export function rollbackHint(run: Run): string {
  if (rollbackRefusal(run)) return "";
  return `\nOr roll back the deploy to ${escapeText(run.previousRelease?.version ?? "")}: the card's *Roll back the deploy* button, or ${rollbackCommand(run)}.`;
}
