import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { StoredMessage } from "../../src/slack-emulator/index.js";
import { psqlScript } from "../../testkit/postgres.js";
import { runIdIn } from "../../testkit/run-ids.js";
import { ALICE, BOB, SHOP_CHANNEL, type SlackHarness, startSlackHarness } from "../../testkit/slack-setup.js";
import { type HeldLock, holdLock } from "../app/steps/pg-sessions.js";

let h: SlackHarness;
let database: string;
let held: HeldLock | null = null;
/** The rollout is done once this file exists: the test holds its lock before the gate opens. */
const markers = mkdtempSync(path.join(os.tmpdir(), "phasegate-facts-"));
const rolledOut = path.join(markers, "rolled-out");

const text = (m: StoredMessage | undefined) => JSON.stringify({ text: m?.text, blocks: m?.blocks });

beforeAll(async () => {
  h = await startSlackHarness("slackfacts", {
    withWorker: true,
    extraServices: {
      facts: {
        keys: {
          liveFacts: { idleInTransactionSeconds: 1, recheckSeconds: 1 },
          rollout: {
            kind: "command",
            command: ["sh", "-c", `test -f ${rolledOut} && echo rolled out || { echo waiting; exit 75; }`],
            pollIntervalSeconds: 1,
            maxPollIntervalSeconds: 1,
          },
        },
      },
    },
  });
  const services = parse(readFileSync(h.servicesFile, "utf8")) as {
    services: Record<string, { project: { env: { DATABASE_URL: string } } }>;
  };
  database = new URL(services.services.facts?.project.env.DATABASE_URL ?? "").pathname.slice(1);
  psqlScript(
    database,
    "INSERT INTO catalog_product (name, is_enabled) SELECT 'p' || i, true FROM generate_series(1, 5000) i; ANALYZE catalog_product;",
  );
});

afterAll(async () => {
  await held?.release();
  await h?.close();
  rmSync(markers, { recursive: true, force: true });
});

/** Lock requests on catalog_product that wait: a queued ALTER would be one. */
function waitingLocks(): string {
  return psqlScript(
    database,
    "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'catalog_product'::regclass;",
  ).trim();
}

describe("live facts on the gate, and a contract that waits for a blocking session", () => {
  it("names the idle session in the approval message, waits for it without queueing, and runs once it ends", async () => {
    const runId = runIdIn((await h.migrate("start facts v2", ALICE)).text, "facts");
    await h.waitForRun(runId, (r) => r.status === "waiting-rollout");
    held = await holdLock(database, "catalog_product", "ACCESS SHARE");
    writeFileSync(rolledOut, "");
    const card = await h.fake.waitFor(() =>
      h.fake.history(SHOP_CHANNEL).find((m) => text(m).includes(runId)),
    );
    const gate = await h.fake.waitFor(() =>
      h.fake.replies(SHOP_CHANNEL, card.ts).find((m) => text(m).includes("Approval needed")),
    );
    const message = text(gate);
    // The table the contract locks: its rows (ANALYZE said 5000) and its size, what the DROP COLUMN does to it.
    expect(message).toContain("Live database facts");
    expect(message).toMatch(
      /`catalog_product`: ~5,000 rows, \d+(\.\d)? kB; ACCESS EXCLUSIVE, neither rewritten nor scanned/,
    );
    // The session that would block the DROP COLUMN right now: its pid, application, state and age, its query.
    expect(message).toMatch(
      new RegExp(
        `pid ${held.pid} \\(psql, user postgres, idle in transaction for \\d+ s, AccessShareLock on \`catalog_product\`\\)`,
      ),
    );
    expect(message).toContain("Idle in transaction for over 1 s");

    await h.migrate(`approve ${runId}`, BOB);
    const waiting = await h.waitForRun(runId, (r) =>
      /waiting instead of queueing/.test(r.steps[4]?.message ?? ""),
    );
    expect(waiting.steps[4]?.message).toContain(`pid ${held.pid} (psql, user postgres, idle in transaction`);
    // The thread says who blocks; the contract has not queued its ALTER behind the session.
    await h.fake.waitFor(() =>
      h.fake
        .replies(SHOP_CHANNEL, card.ts)
        .find((m) => (m.text ?? "").includes(`waiting instead of queueing its lock behind pid ${held?.pid}`)),
    );
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(waitingLocks()).toBe("0");
    expect((await h.run(runId)).status).toBe("running");
    expect(
      psqlScript(
        database,
        "SELECT count(*) FROM information_schema.columns WHERE table_name = 'catalog_product' AND column_name = 'is_enabled';",
      ).trim(),
    ).toBe("1");

    await held.release();
    held = null;
    const done = await h.waitForRun(runId, (r) => r.status === "succeeded" || r.status === "failed");
    expect(done.status).toBe("succeeded");
    expect(
      psqlScript(
        database,
        "SELECT count(*) FROM information_schema.columns WHERE table_name = 'catalog_product' AND column_name = 'is_enabled';",
      ).trim(),
    ).toBe("0");
  });
});
