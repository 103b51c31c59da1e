import { expect } from "vitest";
import type { Run } from "../../src/domain/run/run.js";
import { ROLLBACK_ACTION } from "../../src/slack/blocks/rollback-messages.js";
import type { StoredMessage } from "../../src/slack-emulator/index.js";
import type { KubeSim } from "../../testkit/kube-sim/index.js";
import { runIdIn } from "../../testkit/run-ids.js";
import { ALICE, BOB, SHOP_CHANNEL, type SlackHarness } from "../../testkit/slack-setup.js";
import { imageTemplate } from "./setup.js";

/**
 * What the workload full runs share: services whose deploy and rollout go to the Kubernetes simulator (the
 * migrations run locally on real Django and PostgreSQL), driven from Slack through the emulator.
 */

/** The `deployer` and `rollout` sections of a service whose workloads live in namespace `service`. */
export function kubernetesKeys(
  sim: KubeSim,
  service: string,
  workloads: Record<string, string[]>,
  rollout: Record<string, unknown> = {},
) {
  const target = {
    kind: "kubernetes",
    namespace: service,
    image: imageTemplate,
    api: sim.api(),
    container: "app",
  };
  return {
    deployer: { ...target, ...workloads },
    rollout: {
      ...target,
      ...workloads,
      pollIntervalSeconds: 1,
      maxPollIntervalSeconds: 1,
      deadlineSeconds: 120,
      ...rollout,
    },
  };
}

/** Steps the given controllers every 50 ms, as the real ones act on their own; stopped by the returned function. */
export function runControllers(steps: Array<() => unknown>): () => void {
  const timer = setInterval(() => {
    for (const step of steps) step();
  }, 50);
  return () => clearInterval(timer);
}

export const text = (m: StoredMessage | undefined) => JSON.stringify({ text: m?.text, blocks: m?.blocks });

export async function startFromSlack(h: SlackHarness, service: string, version: string): Promise<Run> {
  const answer = await h.migrate(`start ${service} ${version}`, ALICE);
  const runId = runIdIn(answer.text, service);
  return h.waitForRun(runId, (r) => r.notification !== null);
}

/** The run once it waits at its gate; a run that failed before it fails the test, saying what each step said. */
export async function reachGate(h: SlackHarness, run: Run): Promise<Run> {
  const reached = await h.waitForRun(
    run.id,
    (r) => r.status === "awaiting-approval" || r.status === "failed",
  );
  expect(reached.status, reached.steps.map((s) => s.message).join(" | ")).toBe("awaiting-approval");
  return reached;
}

export async function approveFromSlack(h: SlackHarness, run: Run): Promise<Run> {
  await h.migrate(`approve ${run.id}`, BOB);
  return h.waitForRun(run.id, (r) => ["succeeded", "failed"].includes(r.status));
}

/** The card's last line ("… · revision 12"): which change of the run it shows. */
const shownRevision = (card: StoredMessage) =>
  Number([...text(card).matchAll(/ · revision (\d+)/g)].at(-1)?.[1] ?? -1);

/**
 * The run's card as Slack holds it once it shows the run as stored now (the card is updated at most once a
 * second, so a busy machine may still hold an older one for a moment).
 */
export async function cardOf(h: SlackHarness, run: Run): Promise<StoredMessage> {
  await h.bot.notifier.flush();
  const stored = await h.run(run.id);
  const ts = stored.notification?.ts ?? "";
  return h.fake.waitFor(() => {
    const card = h.fake.message(SHOP_CHANNEL, ts);
    return card && shownRevision(card) >= stored.revision ? card : undefined;
  });
}

/** The card's "Roll back the deploy" button's value, or undefined when the card offers none. */
export function rollbackValue(card: StoredMessage): string | undefined {
  const actions = card.blocks?.find((b) => (b as { block_id?: string }).block_id === "rollback") as
    | { elements: Array<{ action_id?: string; value?: string }> }
    | undefined;
  return actions?.elements.find((e) => e.action_id === ROLLBACK_ACTION)?.value;
}

/** Clicks the card's rollback button as an approver and waits until the rollback ended. */
export async function rollBackFromCard(h: SlackHarness, run: Run, card: StoredMessage): Promise<Run> {
  const value = rollbackValue(card);
  if (!value) throw new Error(`the card of ${run.id} offers no rollback: ${text(card)}`);
  const answer = await h.click(ROLLBACK_ACTION, value, BOB, card.ts);
  if (!answer.text.includes("Rolling back")) throw new Error(`rollback refused: ${answer.text}`);
  return h.waitForRun(run.id, (r) => r.rollback !== null && r.rollback.status !== "running");
}
