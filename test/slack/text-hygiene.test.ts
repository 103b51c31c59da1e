import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Run } from "../../src/domain/run/run.js";
import { APPROVE_ACTION, REJECT_ACTION } from "../../src/slack/blocks/approval.js";
import { REJECT_VIEW } from "../../src/slack/blocks/reject-modal.js";
import { blockActionsBody, type StoredMessage, viewSubmissionBody } from "../../src/slack-emulator/index.js";
import { findDjangoPython } from "../../testkit/python.js";
import { shopDir } from "../../testkit/run-cli.js";
import { runIdIn } from "../../testkit/run-ids.js";
import {
  ALICE,
  BOB,
  CAROL,
  OTHER_CHANNEL,
  SHOP_CHANNEL,
  type SlackHarness,
  startSlackHarness,
} from "../../testkit/slack-setup.js";

const ZERO_WIDTH = "\u200B\u200C\u200D\u2060\uFEFF";
const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F]/;
/** Settings whose import fails with 5,000 characters of error, mentions in it. */
const HOSTILE_SETTINGS = `raise RuntimeError("<!channel> <!here> <@U0ALICE> <!subteam^S0DBA> " + "x" * 5000 + " the end")\n`;

let h: SlackHarness;
let settingsDir: string;

beforeAll(async () => {
  settingsDir = await mkdtemp(path.join(os.tmpdir(), "phasegate-hostile-settings-"));
  await writeFile(path.join(settingsDir, "hostile_settings.py"), HOSTILE_SETTINGS);
  h = await startSlackHarness("hygiene", {
    withWorker: true,
    extraServices: {
      hostile: {
        keys: {
          project: {
            path: shopDir,
            python: [findDjangoPython()],
            settings: "hostile_settings",
            env: { PYTHONPATH: settingsDir },
          },
        },
      },
    },
  });
}, 60_000);

afterAll(async () => {
  await h?.close();
  await rm(settingsDir, { recursive: true, force: true });
});

const all = (m: StoredMessage | undefined) => JSON.stringify({ text: m?.text, blocks: m?.blocks });

let gated: { run: Run; gate: StoredMessage; approve: string; reject: string } | null = null;

/** shop v2 waiting at its contract gate (started once, shared by the tests that need a gate). */
async function atGate() {
  if (gated) return gated;
  const runId = runIdIn((await h.migrate("start shop v2", ALICE)).text, "shop");
  const run = await h.waitForRun(runId, (r) => r.status === "awaiting-approval" && r.notification !== null);
  const gate = await h.fake.waitFor(() =>
    h.fake
      .replies(SHOP_CHANNEL, run.notification?.ts ?? "")
      .find((m) => (m.text ?? "").startsWith("Approval needed")),
  );
  const actions = gate.blocks?.find((b) => b.type === "actions") as { elements: Array<{ value: string }> };
  gated = { run, gate, approve: actions.elements[0]?.value ?? "", reject: actions.elements[1]?.value ?? "" };
  return gated;
}

describe("text hygiene in what phasegate takes and echoes", () => {
  it("refuses reasons made only of invisible characters: freeze, reject command, reject dialog", async () => {
    const freeze = await h.migrate(`freeze shop ${ZERO_WIDTH}`, CAROL);
    expect(freeze.text).toContain("this reason shows nothing (only invisible characters): say why, in words");
    expect(await h.bot.engine.useCases.freezes()).toEqual([]);

    const { run, gate, reject } = await atGate();
    const command = await h.migrate(`reject ${run.id} ${ZERO_WIDTH}`, BOB);
    expect(command.text).toContain("this reason shows nothing");

    await h.send(
      blockActionsBody({
        user: BOB,
        channel: SHOP_CHANNEL,
        messageTs: gate.ts,
        actionId: REJECT_ACTION,
        value: reject,
        responseUrl: h.fake.responseUrl("hygiene-reject"),
      }),
    );
    const modal = await h.fake.waitFor(() => h.fake.views.find((v) => v.triggerId === `trigger-${BOB}`));
    const submitted = await h.send(
      viewSubmissionBody({
        user: BOB,
        callbackId: REJECT_VIEW,
        privateMetadata: String(modal.view.private_metadata),
        values: { reason: { reason: `${ZERO_WIDTH}\u2800\u3164` } },
      }),
    );
    expect(submitted.json).toEqual({
      response_action: "errors",
      errors: {
        reason:
          "This reason shows nothing (only invisible characters): say why you reject the gate, in words.",
      },
    });
    expect((await h.run(run.id)).status).toBe("awaiting-approval");
  });

  it("strips bidi controls from what it echoes: the answer and the channel's announcement", async () => {
    const before = h.fake.history(SHOP_CHANNEL).length;
    const answer = await h.migrate(
      "freeze shop incident \u202Etxt.exe\u202C \u2066ok\u2069 \u200Fend",
      CAROL,
    );
    expect(answer.all).toContain("incident txt.exe ok end");
    expect(answer.all).not.toMatch(BIDI);
    const announcement = await h.fake.waitFor(() =>
      h.fake
        .history(SHOP_CHANNEL)
        .slice(before)
        .find((m) => (m.text ?? "").includes("froze")),
    );
    expect(all(announcement)).toContain("incident txt.exe ok end");
    expect(all(announcement)).not.toMatch(BIDI);
    const listed = await h.migrate("freezes", ALICE);
    expect(listed.all).not.toMatch(BIDI);
    await h.migrate("unfreeze shop", CAROL);
  });

  it("cuts Django's error output to a few lines, its mentions escaped", async () => {
    const answer = await h.migrate("plan hostile v2", ALICE);
    expect(answer.text).toContain("failed to load: RuntimeError: ");
    expect(answer.text).toContain("characters cut");
    expect(answer.text.length).toBeLessThan(1000);
    // Its end (Python's last words and phasegate's advice) is kept.
    expect(answer.text).toContain("pass --settings");
    for (const mention of ["<!channel>", "<!here>", "<@U0ALICE>", "<!subteam^S0DBA>"])
      expect(answer.all).not.toContain(mention);
    expect(answer.text).toContain("&lt;!channel&gt; &lt;!here&gt; &lt;@U0ALICE&gt; &lt;!subteam^S0DBA&gt;");
  });

  it("renders channel references as links in a refusal, not as escaped text", async () => {
    const { run, gate, approve } = await atGate();
    const elsewhere = await h.click(APPROVE_ACTION, approve, CAROL, gate.ts, OTHER_CHANNEL);
    expect(elsewhere.text).toContain(
      `did not come from the approval message of ${run.id} (<#${SHOP_CHANNEL}>)`,
    );
    expect(elsewhere.all).not.toContain("&lt;#");
  });
});
