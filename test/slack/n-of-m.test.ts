import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPROVE_ACTION } from "../../src/slack/blocks/approval.js";
import type { StoredMessage } from "../../src/slack-emulator/index.js";
import { runIdIn } from "../../testkit/run-ids.js";
import {
  ALICE,
  BOB,
  CAROL,
  DBA_GROUP,
  SHOP_CHANNEL,
  type SlackHarness,
  startSlackHarness,
} from "../../testkit/slack-setup.js";

const DAN = "U0DAN";
const FRAN = "U0FRAN";
const GUS = "U0GUS";
const LEAD_GROUP = "S0LEAD";
const ONCALL_GROUP = "S0ONCALL";

let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness("slacknofm", {
    withWorker: true,
    extraServices: {
      // Three distinct approvers, clicked at the same moment.
      trio: {
        access: { starters: [ALICE], approvers: { users: [BOB, DAN, FRAN], usergroups: [] }, approvals: 3 },
      },
      // Anyone on call approves (two services: two runs up to a gate).
      oncall: { access: { starters: [ALICE], approvers: { users: [], usergroups: [ONCALL_GROUP] } } },
      oncall2: { access: { starters: [ALICE], approvers: { users: [], usergroups: [ONCALL_GROUP] } } },
      // One approval from the DBAs and one from the leads.
      teams: {
        access: {
          starters: [ALICE],
          approvers: { users: [], usergroups: [DBA_GROUP, LEAD_GROUP] },
          approvals: 2,
          fromGroups: [DBA_GROUP, LEAD_GROUP],
        },
      },
    },
  });
  h.fake.setUsergroup(DBA_GROUP, [CAROL, DAN]);
  h.fake.setUsergroup(LEAD_GROUP, [FRAN, GUS]);
  h.fake.setUsergroup(ONCALL_GROUP, [GUS]);
});

afterAll(async () => {
  await h?.close();
});

const text = (m: StoredMessage | undefined) => JSON.stringify({ text: m?.text, blocks: m?.blocks });

async function gateOf(title: string): Promise<{ card: StoredMessage; gate: StoredMessage; value: string }> {
  const card = await h.fake.waitFor(() =>
    h.fake.history(SHOP_CHANNEL).find((m) => !m.thread_ts && (m.text ?? "").startsWith(title)),
  );
  const gate = await h.fake.waitFor(() =>
    h.fake.replies(SHOP_CHANNEL, card.ts).find((m) => (m.text ?? "").startsWith("Approval needed")),
  );
  const actions = gate.blocks?.find((b) => b.type === "actions") as { elements: Array<{ value: string }> };
  return { card, gate, value: actions.elements[0]?.value ?? "" };
}

async function lastAudit(runId: string) {
  return (await h.bot.engine.useCases.audit(runId))?.at(-1);
}

describe("N-of-M approvals from Slack", () => {
  it("records three simultaneous approvals from three approvers and opens the gate once", async () => {
    const trioRun = runIdIn((await h.migrate("start trio v2", ALICE)).text, "trio");
    const { card, gate, value } = await gateOf(`trio v2 (${trioRun})`);
    expect(text(gate)).toContain("0 of 3 approvals. Only listed approvers can decide.");
    await h.waitForRun(trioRun, (r) => r.status === "awaiting-approval");
    await h.fake.waitFor(() =>
      text(h.fake.message(SHOP_CHANNEL, card.ts)).includes("awaiting approval: 0 of 3 approvals"),
    );

    const answers = await Promise.all(
      [BOB, DAN, FRAN].map((user) => h.click(APPROVE_ACTION, value, user, gate.ts)),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);

    const done = await h.waitForRun(trioRun, (r) => r.status === "succeeded");
    expect(done.gates.map((g) => g.by).sort()).toEqual([BOB, DAN, FRAN].sort());
    const audit = (await h.bot.engine.useCases.audit(trioRun)) ?? [];
    const granted = audit.filter((e) => e.action === "approval-granted");
    expect(granted.map((e) => e.outcome)).toEqual(["applied", "applied", "applied"]);
    // One transition out of the gate: two approvals kept it waiting, the third opened it.
    expect(granted.map((e) => e.to)).toEqual(["awaiting-approval", "awaiting-approval", "running"]);
    expect(audit.filter((e) => e.action === "step-started" && e.detail === "step 5")).toHaveLength(1);
    // The clicked message ends with everyone who approved.
    const final = h.fake.responses
      .filter((r) => r.body.replace_original === true && JSON.stringify(r.body).includes(trioRun))
      .at(-1);
    for (const user of [BOB, DAN, FRAN]) expect(JSON.stringify(final?.body)).toContain(`<@${user}>`);
    await h.bot.notifier.flush();
    const finalCard = text(h.fake.message(SHOP_CHANNEL, card.ts));
    for (const user of [BOB, DAN, FRAN]) expect(finalCard).toContain(`<@${user}>`);
  });

  it("needs one approval per group, decides membership at click time, and refuses the rest with an audit entry", async () => {
    const teamsRun = runIdIn((await h.migrate("start teams v2", ALICE)).text, "teams");
    const { card, gate, value } = await gateOf(`teams v2 (${teamsRun})`);
    await h.waitForRun(teamsRun, (r) => r.status === "awaiting-approval");

    // Fran leaves the leads after the gate opened: her click is decided on who she is now.
    h.fake.setUsergroup(LEAD_GROUP, [GUS]);
    const byFran = await h.click(APPROVE_ACTION, value, FRAN, gate.ts);
    expect(byFran.text).toContain(`<@${FRAN}> may not approve ${teamsRun}`);
    expect(await lastAudit(teamsRun)).toMatchObject({ actor: { id: FRAN }, outcome: "refused" });

    const byCarol = await h.click(APPROVE_ACTION, value, CAROL, gate.ts);
    expect(byCarol.all).toContain('"replace_original":true');
    expect(byCarol.all).toContain(
      `1 of 2 approvals: <@${CAROL}> (one per group; still to approve: <!subteam^${LEAD_GROUP}>)`,
    );
    expect(byCarol.all).toContain(APPROVE_ACTION);
    await h.fake.waitFor(() =>
      text(h.fake.message(SHOP_CHANNEL, card.ts)).includes(
        `awaiting approval: 1 of 2 approvals: <@${CAROL}>`,
      ),
    );

    const byDan = await h.click(APPROVE_ACTION, value, DAN, gate.ts);
    expect(byDan.text).toContain(
      `${DBA_GROUP} already approved gate "contract": the next approval must come from ${LEAD_GROUP}`,
    );
    expect(await lastAudit(teamsRun)).toMatchObject({ actor: { id: DAN }, outcome: "refused" });
    const byCarolAgain = await h.click(APPROVE_ACTION, value, CAROL, gate.ts);
    expect(byCarolAgain.text).toContain(`<@${CAROL}> already approved gate "contract" of ${teamsRun}`);
    expect((await h.run(teamsRun)).status).toBe("awaiting-approval");

    const byGus = await h.click(APPROVE_ACTION, value, GUS, gate.ts);
    expect(byGus.all).toContain(`:white_check_mark: Approved by <@${CAROL}>, <@${GUS}>`);
    const done = await h.waitForRun(teamsRun, (r) => r.status === "succeeded");
    expect(done.gates.map((g) => [g.by, g.group])).toEqual([
      [CAROL, DBA_GROUP],
      [GUS, LEAD_GROUP],
    ]);
  });

  it("refuses someone removed from the approvers' group seconds earlier, though Slack had named them a member", async () => {
    const first = runIdIn((await h.migrate("start oncall v2", ALICE)).text, "oncall");
    const firstGate = await gateOf(`oncall v2 (${first})`);
    await h.waitForRun(first, (r) => r.status === "awaiting-approval");
    const accepted = await h.click(APPROVE_ACTION, firstGate.value, GUS, firstGate.gate.ts);
    expect(accepted.all).toContain(`Approved by <@${GUS}>`);
    await h.waitForRun(first, (r) => r.status === "succeeded");

    // Gus goes off call; a few seconds later he clicks the next gate.
    h.fake.setUsergroup(ONCALL_GROUP, []);
    const removedAt = Date.now();
    const second = runIdIn((await h.migrate("start oncall2 v2", ALICE)).text, "oncall2");
    const secondGate = await gateOf(`oncall2 v2 (${second})`);
    await h.waitForRun(second, (r) => r.status === "awaiting-approval");
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, removedAt + 3100 - Date.now())));
    const refused = await h.click(APPROVE_ACTION, secondGate.value, GUS, secondGate.gate.ts);
    expect(refused.text).toContain(`<@${GUS}> may not approve ${second}`);
    expect(await lastAudit(second)).toMatchObject({ actor: { id: GUS }, outcome: "refused" });
    expect((await h.run(second)).status).toBe("awaiting-approval");
  });
});
