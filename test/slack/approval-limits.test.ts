import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPROVE_ACTION } from "../../src/slack/blocks/approval.js";
import type { StoredMessage } from "../../src/slack-emulator/index.js";
import { runIdIn } from "../../testkit/run-ids.js";
import {
  ALICE,
  BOB,
  EVE,
  SHOP_CHANNEL,
  type SlackHarness,
  startSlackHarness,
} from "../../testkit/slack-setup.js";
import { writeWideProject } from "../../testkit/wide-project.js";

/** Far beyond what one message holds: each line names the column, its lock and its SQL (about 150 characters). */
const COLUMNS = 140;

let h: SlackHarness;
let wideDir: string;

beforeAll(async () => {
  wideDir = await mkdtemp(path.join(os.tmpdir(), "phasegate-wide-"));
  await writeWideProject(wideDir, COLUMNS);
  h = await startSlackHarness("slacklimits", {
    withWorker: true,
    // v1 (the table) is live: the release drops columns old code reads, behind the gate.
    extraServices: { wide: { project: wideDir, liveApps: ["wide"] } },
  });
});

afterAll(async () => {
  await h?.close();
  await rm(wideDir, { recursive: true, force: true });
});

const text = (m: StoredMessage | undefined) => JSON.stringify({ text: m?.text, blocks: m?.blocks });

/** The run's card in the channel, then the approval message in its thread. */
async function cardAndGate(title: string): Promise<{ card: StoredMessage; gate: StoredMessage }> {
  const card = await h.fake.waitFor(() =>
    h.fake.history(SHOP_CHANNEL).find((m) => !m.thread_ts && (m.text ?? "").startsWith(title)),
  );
  const gate = await h.fake.waitFor(() =>
    h.fake.replies(SHOP_CHANNEL, card.ts).find((m) => (m.text ?? "").startsWith("Approval needed")),
  );
  return { card, gate };
}

function buttonValue(gate: StoredMessage): string {
  const actions = gate.blocks?.find((b) => b.type === "actions") as { elements: Array<{ value: string }> };
  return actions.elements[0]?.value ?? "";
}

describe("Slack's limits on a gate of many destructive operations", () => {
  it("posts the approval message summarised, lists everything on /migrate plan <run>, and is decided", async () => {
    const wideRun = runIdIn((await h.migrate("start wide v2", ALICE)).text, "wide");
    const { card, gate } = await cardAndGate(`wide v2 (${wideRun})`);
    await h.waitForRun(wideRun, (r) => r.status === "awaiting-approval");

    // The emulator refuses what Slack refuses: every post went through, none was cut by Slack.
    expect(h.fake.callsOf("chat.postMessage").filter((c) => c.answer.ok !== true)).toEqual([]);
    const shown = text(gate).match(/• wide\.0002_drop_all: drop column wide_item\.column_\d+/g) ?? [];
    const more = text(gate).match(new RegExp(`…and (\\d+) more operations: \`/migrate plan ${wideRun}\``));
    expect(shown.length).toBeGreaterThan(30);
    expect(shown.length + Number(more?.[1])).toBe(COLUMNS);
    await h.fake.waitFor(() =>
      text(h.fake.message(SHOP_CHANNEL, card.ts)).includes(
        `${COLUMNS} destructive operations: \`/migrate plan ${wideRun}\``,
      ),
    );

    // The whole list, for anyone, over several answers each within the limits.
    const first = await h.migrate(`plan ${wideRun}`, EVE);
    const pages = Number(first.text.match(/\(1 of (\d+)\)$/)?.[1]);
    expect(first.text).toMatch(new RegExp(`^Plan of ${wideRun} \\(wide v2\\): 4 steps, 140 operations`));
    expect(pages).toBeGreaterThan(1);
    const answers = await h.fake.waitFor(() => {
      const found = h.fake.responses.filter((r) => String(r.body.text).startsWith(`Plan of ${wideRun}`));
      return found.length === pages ? found : null;
    });
    expect(answers.map((a) => a.error)).toEqual(answers.map(() => undefined));
    const all = JSON.stringify(answers.map((a) => a.body.blocks));
    for (let i = 0; i < COLUMNS; i++) {
      const column = `column_${String(i).padStart(3, "0")}`;
      expect(all).toContain(`drop column wide_item.${column}`);
      expect(all).toContain(`Remove field ${column} from item`);
    }

    // Approving it from the summarised message drops all the columns.
    const byBob = await h.click(APPROVE_ACTION, buttonValue(gate), BOB, gate.ts);
    expect(byBob.all).toContain(`:white_check_mark: Approved by <@${BOB}>`);
    expect(h.fake.responses.filter((r) => r.error)).toEqual([]);
    await h.waitForRun(wideRun, (r) => r.status === "succeeded");
  });

  it("posts a short approval message with the same buttons when Slack refuses the full one, and says why", async () => {
    h.fake.failNextMatching("chat.postMessage", "msg_blocks_too_long", (args) =>
      String(args.text).startsWith("Approval needed"),
    );
    const shopRun = runIdIn((await h.migrate("start shop v2", ALICE)).text, "shop");
    const { card, gate } = await cardAndGate(`shop v2 (${shopRun})`);
    expect(text(gate)).toContain(
      `Approving runs 1 destructive operation; the list: \`/migrate plan ${shopRun}\``,
    );
    expect(gate.versions[0]).toMatchObject({ reply_broadcast: "true" });
    const note = await h.fake.waitFor(() =>
      h.fake.replies(SHOP_CHANNEL, card.ts).find((m) => (m.text ?? "").includes("Slack refused")),
    );
    expect(note.text).toContain(
      `Slack refused the approval message of ${shopRun} (\`msg_blocks_too_long\`): the short one above has the same buttons`,
    );
    await h.waitForRun(shopRun, (r) => r.status === "awaiting-approval");
    const byBob = await h.click(APPROVE_ACTION, buttonValue(gate), BOB, gate.ts);
    expect(byBob.all).toContain(`:white_check_mark: Approved by <@${BOB}>`);
    await h.waitForRun(shopRun, (r) => r.status === "succeeded");
  });
});
