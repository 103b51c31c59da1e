import type { Run } from "../../src/domain/run/run.js";
import type { StoredMessage } from "../../src/slack-emulator/index.js";
import type { SlackHarness } from "../../testkit/slack-setup.js";
import { cardOf, text } from "../kubernetes/workloads-slack.js";

/** The failed run's card once its update is in Slack (the failure and the rollback it offers). */
export async function cardOfFailedRun(h: SlackHarness, run: Run, timeoutMs = 20_000): Promise<StoredMessage> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const card = await cardOf(h, run);
    if (!text(card).includes("Waiting for the rollout") || Date.now() > until) return card;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
