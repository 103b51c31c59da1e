import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Run } from "../../src/domain/run/run.js";
import { ROLLBACK_ACTION } from "../../src/slack/blocks/rollback-messages.js";
import { blockActionsBody, nowSeconds, type StoredMessage } from "../../src/slack-emulator/index.js";
import { runIdIn } from "../../testkit/run-ids.js";
import {
  ALICE,
  BOB,
  CAROL,
  EVE,
  SHOP_CHANNEL,
  type SlackHarness,
  startSlackHarness,
} from "../../testkit/slack-setup.js";

/**
 * Deploy hook (argv: dir, service, version, previousVersion, attempt): logs what it was given to <service>.deploys;
 * fails once for v1 (a rollback) when <service>.fail-rollback exists.
 */
const DEPLOY = `echo "version=$2 previous=$3 attempt=$4" >> "$0/$1.deploys"
if [ "$2" = v1 ] && [ -f "$0/$1.fail-rollback" ]; then rm "$0/$1.fail-rollback"; echo "the registry refused $2" >&2; exit 3; fi
echo "deployed $1 $2"`;

/**
 * Rollout hook (argv: dir, service, version, run id): fails for a release marked bad (<service>.bad-<version>);
 * else "1 of 2" on the first poll of a run's release, done on the next.
 */
const ROLLOUT = `if [ -f "$0/$1.bad-$2" ]; then echo "the pods of $2 crash-loop"; exit 1; fi
echo "$2" >> "$0/$1.polls"
if [ -f "$0/$3.$2.polled" ]; then echo "2 of 2 instances run $2"; exit 0; fi
touch "$0/$3.$2.polled"; echo "1 of 2 instances run $2"; exit 75`;

let dir: string;
let h: SlackHarness;

function hooks(): Record<string, unknown> {
  return {
    deployer: {
      kind: "command",
      command: ["sh", "-c", DEPLOY, dir, "{service}", "{version}", "{previousVersion}", "{attempt}"],
    },
    rollout: {
      kind: "command",
      command: ["sh", "-c", ROLLOUT, dir, "{service}", "{version}", "{runId}"],
      pollIntervalSeconds: 1,
      maxPollIntervalSeconds: 1,
    },
  };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-rollback-"));
  h = await startSlackHarness("slackrollback", {
    withWorker: true,
    extraServices: {
      rbfail: { keys: hooks() },
      rbreject: { keys: hooks() },
      rbrace: { keys: hooks() },
    },
  });
});

afterAll(async () => {
  await h?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const text = (m: StoredMessage | undefined) => JSON.stringify({ text: m?.text, blocks: m?.blocks });
const read = (name: string) => readFile(path.join(dir, name), "utf8").catch(() => "");

async function audit(runId: string) {
  return (await h.bot.engine.useCases.audit(runId)) ?? [];
}

async function card(run: Run): Promise<StoredMessage> {
  await h.bot.notifier.flush();
  const ts = (await h.run(run.id)).notification?.ts ?? "";
  return h.fake.waitFor(() => h.fake.message(SHOP_CHANNEL, ts));
}

function threadOf(run: Run): string[] {
  return h.fake.replies(SHOP_CHANNEL, run.notification?.ts ?? "").map((m) => text(m));
}

/** The card's "Roll back the deploy" button, or undefined. */
function rollbackButton(message: StoredMessage): Record<string, unknown> | undefined {
  const actions = message.blocks?.find((b) => (b as { block_id?: string }).block_id === "rollback") as
    | { elements: Array<Record<string, unknown>> }
    | undefined;
  return actions?.elements.find((e) => e.action_id === ROLLBACK_ACTION);
}

async function started(service: string, version: string): Promise<Run> {
  const answer = await h.migrate(`start ${service} ${version}`, ALICE);
  const runId = runIdIn(answer.text, service);
  return h.waitForRun(runId, (r) => r.notification !== null);
}

/** v1 of the service runs to its gate and is rejected: its deploy succeeded, so phasegate knows v1 was deployed. */
async function rejectedFirstRelease(service: string): Promise<Run> {
  const run = await started(service, "v1");
  await h.waitForRun(run.id, (r) => r.status === "awaiting-approval");
  expect((await h.migrate(`reject ${run.id} not this one`, BOB)).text).toContain(`${run.id} rejected`);
  return h.waitForRun(run.id, (r) => r.status === "rejected");
}

/** v2 of the service, deployed over v1, whose rollout fails. */
async function failedRollout(service: string): Promise<Run> {
  await writeFile(path.join(dir, `${service}.bad-v2`), "");
  const run = await started(service, "v2");
  return h.waitForRun(run.id, (r) => r.status === "failed");
}

describe("rolling back the deploy from Slack", () => {
  it("a run whose rollout failed: the card offers it, an approver's click from the card rolls back to v1", {
    timeout: 120_000,
  }, async () => {
    // The first release: rejected after its deploy, but nothing was deployed before it: no button, and why.
    const first = await rejectedFirstRelease("rbfail");
    expect(first.previousRelease).toBeNull();
    const firstCard = text(await card(first));
    expect(firstCard).toContain("No earlier release recorded: roll back by hand.");
    expect(firstCard).not.toContain(ROLLBACK_ACTION);
    expect((await h.migrate(`rollback ${first.id}`, BOB)).text).toContain(
      "no earlier release of rbfail was recorded: roll back by hand",
    );
    // {previousVersion} of the first deploy is empty.
    expect(await read("rbfail.deploys")).toBe("version=v1 previous= attempt=1\n");

    const run = await failedRollout("rbfail");
    expect(run.previousRelease).toEqual({ version: "v1", source: "last-deploy" });
    expect(run.outcome).toContain("rollout failed: sh exited with 1: the pods of v2 crash-loop");
    expect(await read("rbfail.deploys")).toBe(
      "version=v1 previous= attempt=1\nversion=v2 previous=v1 attempt=1\n",
    );
    const failedCard = await card(run);
    expect(text(failedCard)).toContain(
      "The deploy can be rolled back to *v1*, the release live before this run.",
    );
    expect(text(failedCard)).toContain(
      "Migrations are not rolled back: the expand schema is compatible with the old code.",
    );
    const button = rollbackButton(failedCard);
    expect(button).toMatchObject({
      text: { text: "Roll back the deploy" },
      confirm: { title: { text: "Roll back rbfail to v1?" }, confirm: { text: "Roll back" } },
    });
    expect(JSON.stringify(button?.confirm)).toContain("the expand schema is compatible with the old code");
    const value = String(button?.value);
    expect(JSON.parse(value)).toEqual({ runId: run.id, token: run.rollbackToken });
    expect(threadOf(run).some((t) => t.includes(`/migrate rollback ${run.id}`))).toBe(true);

    // Eve is no approver: answered, audited, nothing changes.
    const byEve = await h.click(ROLLBACK_ACTION, value, EVE, failedCard.ts);
    expect(byEve.text).toContain(
      `Refused: ${EVE} may not roll back ${run.id}: only the approvers of rbfail may`,
    );
    expect((await audit(run.id)).at(-1)).toMatchObject({
      actor: { id: EVE },
      action: "rollback-started",
      outcome: "refused",
    });
    // The same button clicked from another message (a copy, a forwarded card): refused, audited.
    const elsewhere = await h.click(ROLLBACK_ACTION, value, BOB, "9.000001");
    expect(elsewhere.text).toContain(`this click did not come from the card of ${run.id}`);
    expect((await audit(run.id)).at(-1)).toMatchObject({ actor: { id: BOB }, outcome: "refused" });
    // A button whose token is not the run's.
    const forged = JSON.stringify({ runId: run.id, token: "guessed" });
    expect((await h.click(ROLLBACK_ACTION, forged, BOB, failedCard.ts)).text).toContain(
      `this button was not posted for ${run.id}`,
    );
    expect((await h.run(run.id)).rollback).toBeNull();

    // Bob, an approver, from the card.
    const byBob = await h.click(ROLLBACK_ACTION, value, BOB, failedCard.ts);
    expect(byBob.text).toContain(`Rolling back the deploy of ${run.id} to v1`);
    const done = await h.waitForRun(run.id, (r) => r.rollback?.status === "succeeded");
    expect(done.status).toBe("failed");
    expect(done.rollback).toMatchObject({ by: BOB, toVersion: "v1", attempts: 1, executions: 1 });
    expect(done.rollback?.message).toBe("2 of 2 instances run v1");
    // The hook ran with the release rolled back to, and the rollout of v1 was awaited (a "not yet", then done).
    expect(await read("rbfail.deploys")).toBe(
      "version=v1 previous= attempt=1\nversion=v2 previous=v1 attempt=1\nversion=v1 previous=v2 attempt=1\n",
    );
    expect(await read(`${run.id}.v1.polled`)).toBe("");
    expect((await read("rbfail.polls")).trim().split("\n").at(-1)).toBe("v1");

    const updated = await card(run);
    // While it ran, the card said so (its versions, as Slack kept them).
    expect(updated.versions.some((v) => JSON.stringify(v).includes(":rewind: Rolling back to v1…"))).toBe(
      true,
    );
    const rolledBack = text(updated);
    expect(rolledBack).toContain("Rolled back to v1");
    expect(rolledBack).toContain(`started by <@${BOB}>`);
    expect(rolledBack).not.toContain(ROLLBACK_ACTION);
    const thread = threadOf(run);
    expect(thread.some((t) => t.includes(`<@${BOB}> is rolling back the deploy of v2 to v1`))).toBe(true);
    expect(
      thread.some((t) => t.includes("Rollback: v1 deployed: deployed rbfail v1; waiting for its rollout.")),
    ).toBe(true);
    expect(thread.some((t) => t.includes(`${run.id} is rolled back to v1: 2 of 2 instances run v1`))).toBe(
      true,
    );
    const trail = (await audit(run.id)).filter((e) => e.action.startsWith("rollback-"));
    expect(trail.map((e) => [e.action, e.outcome, e.actor.id])).toEqual([
      ["rollback-started", "refused", EVE],
      ["rollback-started", "refused", BOB],
      ["rollback-started", "refused", BOB],
      ["rollback-started", "applied", BOB],
      ["rollback-deploying", "applied", "phasegate"],
      ["rollback-deployed", "applied", "phasegate"],
      ["rollback-progress", "applied", "phasegate"],
      ["rollback-succeeded", "applied", "phasegate"],
    ]);
    expect(trail[3]?.detail).toBe("to v1");
    // The service is free again, and what phasegate last deployed of it is v1.
    expect(await h.bot.engine.store.activeRunId("rbfail")).toBeNull();

    // Once rolled back: another click, or the command, is refused with the reason.
    expect((await h.click(ROLLBACK_ACTION, value, BOB, failedCard.ts)).text).toContain(
      `${run.id} was already rolled back to v1 by ${BOB}`,
    );
    expect((await h.migrate(`rollback ${run.id}`, CAROL)).text).toContain(
      `${run.id} was already rolled back`,
    );
    expect((await h.migrate(`retry ${run.id}`, ALICE)).text).toContain("start a new run instead");
  });

  it("a run rejected after its deploy: a failed rollback says so, and /migrate rollback starts it again", {
    timeout: 120_000,
  }, async () => {
    await rejectedFirstRelease("rbreject");
    const atGate = await started("rbreject", "v2");
    await h.waitForRun(atGate.id, (r) => r.status === "awaiting-approval");
    // Not offered while the run waits at its gate.
    expect(text(await card(atGate))).not.toContain(ROLLBACK_ACTION);
    expect((await h.migrate(`rollback ${atGate.id}`, BOB)).text).toContain(
      "only the deploy of a failed, rejected or cancelled run can be rolled back",
    );
    expect((await h.migrate(`reject ${atGate.id} the new code is slow`, BOB)).text).toContain("rejected");
    const run = await h.waitForRun(atGate.id, (r) => r.status === "rejected");
    const rejectedCard = await card(run);
    const value = String(rollbackButton(rejectedCard)?.value);

    // The rollback's deploy fails once.
    await writeFile(path.join(dir, "rbreject.fail-rollback"), "");
    expect((await h.click(ROLLBACK_ACTION, value, CAROL, rejectedCard.ts)).text).toContain("Rolling back");
    const failed = await h.waitForRun(run.id, (r) => r.rollback?.status === "failed");
    expect(failed.rollback?.message).toContain(
      "deploy of v1 failed: sh exited with 3: the registry refused v1",
    );
    expect(failed.rollback?.message).toContain("the registry refused v1");
    expect(await h.bot.engine.store.activeRunId("rbreject")).toBeNull();
    const failedCard = await card(run);
    expect(text(failedCard)).toContain("*Rollback to v1 failed*");
    expect(text(failedCard)).toContain("Roll back by hand, or try again.");
    expect(rollbackButton(failedCard)).toBeDefined();
    expect(threadOf(run).some((t) => t.includes(":x: Rollback to v1 failed"))).toBe(true);

    // Again, from the command line of Slack, with the same authorization.
    expect((await h.migrate(`rollback ${run.id}`, EVE)).text).toContain(
      `<@${EVE}> may not roll back ${run.id}`,
    );
    expect((await audit(run.id)).at(-1)).toMatchObject({ actor: { id: EVE }, outcome: "refused" });
    expect((await h.migrate(`rollback ${run.id}`, BOB)).text).toContain(
      `Rolling back the deploy of ${run.id}`,
    );
    const done = await h.waitForRun(run.id, (r) => r.rollback?.status === "succeeded");
    expect(done.rollback).toMatchObject({ by: BOB, attempts: 2, executions: 2 });
    expect(await read("rbreject.deploys")).toBe(
      [
        "version=v1 previous= attempt=1",
        "version=v2 previous=v1 attempt=1",
        "version=v1 previous=v2 attempt=1",
        "version=v1 previous=v2 attempt=2",
        "",
      ].join("\n"),
    );
    expect(text(await card(run))).toContain("Rolled back to v1");
  });

  it("25 clicks at once from the card, and a replayed click, start exactly one rollback", {
    timeout: 120_000,
  }, async () => {
    await rejectedFirstRelease("rbrace");
    const run = await failedRollout("rbrace");
    const failedCard = await card(run);
    const value = String(rollbackButton(failedCard)?.value);
    const clickers = [ALICE, BOB, CAROL];
    const bodies = Array.from({ length: 25 }, (_, i) =>
      blockActionsBody({
        user: clickers[i % clickers.length] ?? BOB,
        channel: SHOP_CHANNEL,
        messageTs: failedCard.ts,
        actionId: ROLLBACK_ACTION,
        value,
        responseUrl: h.fake.responseUrl(`race-${i}`),
      }),
    );
    // Each request is signed once, as Slack does: a replay repeats the same timestamp and signature.
    const signedAt = nowSeconds();
    const acks = await Promise.all(bodies.map((body) => h.send(body, { timestamp: signedAt })));
    expect(acks.map((a) => a.status)).toEqual(Array(25).fill(200));
    const answers = await Promise.all(
      bodies.map((_, i) =>
        h.fake
          .waitFor(() => h.fake.responses.find((r) => r.key === `race-${i}`))
          .then((r) => String(r.body.text)),
      ),
    );
    expect(answers.filter((a) => a.includes("Rolling back the deploy"))).toHaveLength(1);
    expect(
      answers.filter(
        (a) => a.includes("is already being rolled back") || a.includes("was already rolled back"),
      ),
    ).toHaveLength(24);
    // The same signed request again: Slack's signature is used once.
    expect((await h.send(bodies[0] ?? "", { timestamp: signedAt })).status).toBe(401);
    const done = await h.waitForRun(run.id, (r) => r.rollback?.status === "succeeded");
    expect(done.rollback?.executions).toBe(1);
    const rollbacks = (await read("rbrace.deploys"))
      .split("\n")
      .filter((l) => l.startsWith("version=v1 previous=v2"));
    expect(rollbacks).toEqual(["version=v1 previous=v2 attempt=1"]);
    const trail = await audit(run.id);
    expect(trail.filter((e) => e.action === "rollback-started" && e.outcome === "applied")).toHaveLength(1);
    expect(trail.filter((e) => e.action === "rollback-started" && e.outcome === "refused")).toHaveLength(24);
  });
});
