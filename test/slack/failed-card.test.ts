import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMAND_ACTION } from "../../src/slack/blocks/command-button.js";
import type { StoredMessage } from "../../src/slack-emulator/index.js";
import { runIdIn } from "../../testkit/run-ids.js";
import { ALICE, EVE, SHOP_CHANNEL, type SlackHarness, startSlackHarness } from "../../testkit/slack-setup.js";

let h: SlackHarness;
let dir: string;

/** The deploy of `flaky` fails ("registry unreachable") until the file `fixed` exists. */
const FLAKY_DEPLOY = [
  "sh",
  "-c",
  'if [ -f "$0" ]; then echo "deployed $1"; else echo "registry unreachable" >&2; exit 1; fi',
];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-failed-card-"));
  h = await startSlackHarness("failedcard", {
    withWorker: true,
    extraServices: {
      flaky: {
        keys: {
          deployer: { kind: "command", command: [...FLAKY_DEPLOY, path.join(dir, "fixed"), "{version}"] },
        },
      },
      // Each release checked out in a directory of its own; none is.
      versioned: { project: path.join(dir, "releases", "{version}") },
    },
  });
});

afterAll(async () => {
  await h?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const text = (m: StoredMessage | undefined) => JSON.stringify({ text: m?.text, blocks: m?.blocks });

describe("a failed run in Slack", () => {
  it("names the failed step as the card numbers it, mentions people, and retries from the card's button", async () => {
    const runId = runIdIn((await h.migrate("start flaky v2", ALICE)).text, "flaky");
    const failed = await h.waitForRun(runId, (r) => r.status === "failed");
    const ts = failed.notification?.ts ?? "";

    // One numbering: the card's "2.", the thread's "Step 2/5", the outcome's "step 2".
    const card = await h.fake.waitFor(() => {
      const shown = h.fake.message(SHOP_CHANNEL, ts);
      return text(shown).includes("Failed") ? shown : undefined;
    });
    expect(text(card)).toContain("*2. Deploy the new code*");
    expect(failed.outcome).toMatch(/^step 2 \(Deploy the new code\) failed: /);
    const thread = () => h.fake.replies(SHOP_CHANNEL, ts).map((m) => m.text ?? "");
    await h.fake.waitFor(() => thread().find((t) => t.includes(`<@${ALICE}> ${runId} failed: step 2`)));
    expect(thread().some((t) => t.includes("Step 2/5 (Deploy the new code) failed"))).toBe(true);

    // The card's Retry is `/migrate retry <run>`, decided by the same rules: Eve may not.
    const actions = card.blocks?.find((b) => b.type === "actions" && b.block_id === "retry") as {
      elements: Array<{ action_id: string; value: string }>;
    };
    expect(actions.elements[0]).toMatchObject({ action_id: COMMAND_ACTION, value: `retry ${runId}` });
    const byEve = await h.click(COMMAND_ACTION, `retry ${runId}`, EVE, ts);
    expect(byEve.text).toContain(`<@${EVE}> may not retry ${runId}`);
    expect((await h.run(runId)).status).toBe("failed");

    // Once the registry is back, Alice's click retries from step 2 and the run goes on to its gate.
    await writeFile(path.join(dir, "fixed"), "");
    const byAlice = await h.click(COMMAND_ACTION, `retry ${runId}`, ALICE, ts);
    expect(byAlice.text).toContain(`${runId} starts again from its failed step.`);
    await h.waitForRun(runId, (r) => r.status === "awaiting-approval");
    expect(thread().some((t) => t.includes(`<@${ALICE}> retried the run from Step 2/5`))).toBe(true);

    // The audit trail: people mentioned, state changes only, the rollout's polls summed up in one entry.
    const audit = await h.migrate(`audit ${runId}`, ALICE);
    expect(audit.all).toContain(`<@${EVE}> \`retried\` *refused*`);
    expect(audit.all).toContain(`<@${EVE}> may not retry`);
    expect(audit.all).toMatch(
      /step-succeeded`[^"]*step 3: rollout: 2 polls over \d+ s, 2 of 2 instances run v2/,
    );
    expect(audit.all).not.toContain("rollout-progress");
  });

  it("says which release is missing when project.path has {version}, not what Python made of it", async () => {
    const answer = await h.migrate("start versioned v9", ALICE);
    expect(answer.text).toContain(
      `no release v9 of versioned (looked in ${path.join(dir, "releases", "v9")}): check the version`,
    );
    expect(answer.all).not.toMatch(/python|Django/i);
  });
});
