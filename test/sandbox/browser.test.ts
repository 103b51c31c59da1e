import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlanStep } from "../../src/domain/plan/plan.js";
import { judgeAnalysis, readingOf } from "../../src/domain/run/analysis.js";
import type { Run } from "../../src/domain/run/run.js";
import { type RunningSandbox, SANDBOX_BOT_TOKEN, startSandbox } from "../../src/sandbox/sandbox.js";
import { STORY_CHANNEL } from "../../src/sandbox/story.js";
import { statusCard } from "../../src/slack/blocks/status-card.js";
import { logger } from "../../src/telemetry/pino-logger.js";
import { type Browser, launchBrowser } from "../../testkit/browser.js";
import { sourcePageModules } from "../../testkit/page-modules.js";
import { replay, shopPlan, shopRun, TO_THE_GATE } from "../../testkit/plans.js";
import { pg } from "../../testkit/postgres.js";
import { findDjangoPython } from "../../testkit/python.js";
import { redisUrl } from "../../testkit/redis.js";
import { repoRoot } from "../../testkit/run-cli.js";

/** Two Django runs with rolling deploys of real replicas on a shared 2-core machine. */
const STORY_TIMEOUT_MS = 300_000;

let sandbox: RunningSandbox;
let browser: Browser;
let page: Page;
/** What the page showed while the sandbox was still starting, and the errors it threw. */
let whileStarting: string | null = null;
const pageErrors: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  let opened: Promise<void> = Promise.resolve();
  // The page is opened as soon as it listens, while /api/session still answers 503.
  const starting = startSandbox({
    onListening: (url) => {
      opened = (async () => {
        await page.goto(url);
        await page.waitForSelector("#notice:not([hidden])");
        whileStarting = await page.textContent("#notice");
      })();
    },
    host: "127.0.0.1",
    accessToken: null,
    port: 0,
    socketMode: false,
    servicesFile: null,
    redisUrl,
    databaseUrl: `postgres://${pg.user}@${pg.host}:${pg.port}/postgres`,
    python: async () => findDjangoPython(),
    replicas: 2,
    pauseMs: 5,
    slotPauseMs: 300,
    logger,
    pageModules: sourcePageModules,
  });
  sandbox = await starting;
  await opened;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
});

/** The newest card whose header has this title. */
const card = (title: string) =>
  page.locator(".message", { has: page.locator(".block.header", { hasText: title }) }).last();
const lastEphemeral = () => page.locator(".message.ephemeral").last();

async function type(text: string): Promise<void> {
  await page.fill("#composer-input", text);
  await page.press("#composer-input", "Enter");
}

/** The card's status line as each version of it was drawn, read without reloading until it says `until`. */
async function watchCard(title: string, until: string): Promise<string[]> {
  const seen: string[] = [];
  const deadline = Date.now() + STORY_TIMEOUT_MS;
  for (;;) {
    const status =
      (await card(title)
        .locator(".section-text b")
        .first()
        .textContent()
        .catch(() => null)) ?? "";
    if (status && seen.at(-1) !== status) seen.push(status);
    if (status.includes(until)) return seen;
    if (Date.now() > deadline) throw new Error(`${title} stayed ${seen.at(-1)} (saw ${seen.join(" → ")})`);
    await page.waitForTimeout(100);
  }
}

const WARNING = `remote_read: store <!channel> down: ${"x".repeat(130)} the answer may be partial`;

/** The shop's run at its gate, its rollout wait made an analysis that passed with Prometheus's warning. */
function passedWithWarning(): Run {
  const plan = shopPlan();
  plan.steps[2] = { index: 2, kind: "analysis", phase: "analysis", title: "Analyse the metrics" } as PlanStep;
  const run = shopRun({ plan });
  const reading = readingOf(
    "errorRate",
    { op: "<", value: 0.01 },
    [{ series: null, value: "0.001" }],
    [WARNING],
  );
  const rules = { minimumSoakMs: 0, consecutiveFailures: 3, timeoutMs: 600_000 };
  const { message, progress } = judgeAnalysis(null, [reading], run.createdAt, new Date(run.createdAt), rules);
  const ended = { type: "step-succeeded", step: 2, message, analysis: progress } as const;
  return replay(run, [...TO_THE_GATE.slice(0, -1), ended]).at(-1)?.after as Run;
}

async function actAs(user: string) {
  await page.selectOption("#user", user);
  await page.waitForSelector("body[data-ready=true]");
  return page.locator(".message", { hasText: "Approval needed" }).last();
}

async function approveAs(user: string): Promise<void> {
  const gate = await actAs(user);
  await gate.locator("button.block-button.primary", { hasText: "Approve" }).click();
  await page.waitForSelector("dialog#confirm[open]");
  expect(await page.textContent("#confirm-title")).toMatch(/Approve shop-\S+\?/);
  expect(await page.textContent("#confirm-text")).toContain("This cannot be undone");
  await page.click("#confirm-yes");
}

describe("the sandbox page, in a real browser", () => {
  it("opened before the sandbox is ready, says it is starting, then renders without a reload", async () => {
    expect(whileStarting).toContain("The sandbox is starting…");
    await page.waitForSelector("body[data-ready=true]");
    expect(await page.locator("#notice").isHidden()).toBe(true);
    expect(pageErrors).toEqual([]);

    // The story's admin may freeze and unfreeze the shop.
    await actAs("U0CAROL");
    expect(await page.locator("#user option:checked").textContent()).toContain("admin");
    await type("/migrate freeze shop trying the freeze");
    await expect.poll(() => page.locator("#messages").textContent()).toContain("frozen by @carol");
    await type("/migrate unfreeze shop");
    await expect.poll(() => page.locator("#messages").textContent()).toContain("unfroze");
  });

  it(
    "plays the whole story: plan, v2, v3, four-eyes, a rejection with its reason, v3 again, approval, done, with 0 errors in the fleet",
    async () => {
      const started = Date.now();
      await page.goto(sandbox.url);
      await page.waitForSelector("body[data-ready=true]");
      expect(Date.now() - started).toBeLessThan(10_000);
      await page.evaluate(() => Object.assign(window, { notReloaded: true }));

      // A malformed command: the bot's usage answer, only for its author.
      await type("/migrate strat shop v2");
      await expect.poll(() => lastEphemeral().textContent()).toContain("/migrate help");
      expect(await lastEphemeral().textContent()).toContain("Only visible to you");

      // The plan preview.
      await type("/migrate plan shop v3");
      await page.waitForSelector(".message.ephemeral .block.header:has-text('Plan for shop v3')", {
        timeout: 120_000,
      });
      expect(await lastEphemeral().textContent()).toContain("catalog.0003_remove_product_is_enabled");

      // Release v2, its deploy broken on purpose: the card fails at step 2 and offers Retry, which goes on.
      await page.click("#story-break");
      await expect.poll(() => page.textContent("#notice")).toContain("the next deploy fails");
      await type("/migrate start shop v2");
      await watchCard("shop v2 · shop-", "Failed");
      expect(await card("shop v2 · shop-").textContent()).toContain("2. Deploy the new code");
      await card("shop v2 · shop-").locator("button.block-button", { hasText: "Retry" }).click();
      await page.waitForSelector("dialog#confirm[open]");
      expect(await page.textContent("#confirm-text")).toContain("starts again from step 2");
      await page.click("#confirm-yes");
      // The card moves through its steps in place, live.
      const v2 = await watchCard("shop v2 · shop-", "Succeeded");
      expect(v2.length).toBeGreaterThan(1);
      expect(v2.at(-1)).toContain("✅ Succeeded");

      // Release v3: up to the gate; the requester's Approve is refused privately (four-eyes).
      await type("/migrate start shop v3");
      await watchCard("shop v3 · shop-", "Awaiting approval");
      const gate = page.locator(".message", { hasText: "Approval needed" }).last();
      await gate.waitFor();
      expect(await gate.textContent()).toContain("drop column catalog_product.is_enabled");
      if (process.env.UPDATE_SCREENSHOT === "1")
        await page.screenshot({ path: path.join(repoRoot, "docs", "sandbox.png") });
      await approveAs("U0ALICE");
      await expect.poll(() => lastEphemeral().textContent(), { timeout: 30_000 }).toContain("four-eyes");
      expect(await card("shop v3 · shop-").textContent()).toContain("Awaiting approval");

      // Bob rejects: the modal asks why; the reason ends the run and shows on its card.
      const gateToReject = await actAs("U0BOB");
      await gateToReject.locator("button.block-button", { hasText: "Reject" }).click();
      await page.waitForSelector("dialog#modal[open]");
      expect(await page.textContent("#modal .modal-title")).toContain("Reject the gate");
      await page.fill("#modal textarea[data-block-id=reason]", "after the 5 pm <backup>");
      await page.click("#modal button[type=submit]");
      await expect.poll(() => page.locator("dialog#modal[open]").count()).toBe(0);
      const rejected = await watchCard("shop v3 · shop-", "Rejected");
      expect(rejected.at(-1)).toContain("Rejected");
      expect(await card("shop v3 · shop-").textContent()).toContain("after the 5 pm <backup>");

      // The release again, after the backup: approved by Bob this time.
      await page.selectOption("#user", "U0ALICE");
      await page.waitForSelector("body[data-ready=true]");
      await type("/migrate start shop v3");
      await expect
        .poll(() => page.locator(".message .block.header", { hasText: "shop v3 · shop-" }).count(), {
          timeout: 60_000,
        })
        .toBe(2);
      await watchCard("shop v3 · shop-", "Awaiting approval");

      // Another approver: Approve, confirmed in the dialog; the gate loses its buttons, the card ends done.
      await approveAs("U0BOB");
      await expect
        .poll(() => page.locator(".message", { hasText: "Approved by" }).count(), { timeout: 30_000 })
        .toBeGreaterThan(0);
      expect(await page.locator(".message.ephemeral").count()).toBe(0);
      const v3 = await watchCard("shop v3 · shop-", "Succeeded");
      expect(v3.at(-1)).toContain("✅ Succeeded");
      expect(await page.evaluate(() => "notReloaded" in window)).toBe(true);

      // The thread: one reply per step, in the thread pane.
      await card("shop v3 · shop-").locator(".replies").click();
      await expect.poll(() => page.locator("#thread-messages").textContent()).toContain("Step 1/5");
      expect(await page.locator("#thread-messages").textContent()).toContain("analysis passed:");
      expect(await page.locator("#thread-messages").textContent()).toContain("fully migrated");

      // The fleet served the whole phased story without an error.
      const phased = page.locator(".chapter[data-chapter=phased]");
      expect(await phased.getAttribute("data-errors")).toBe("0");
      expect(
        Number((await phased.textContent())?.match(/([\d,]+) requests/)?.[1]?.replaceAll(",", "")),
      ).toBeGreaterThan(100);

      // Closing the page loses nothing: a new page shows the channel's history.
      await page.close();
      page = await browser.context.newPage();
      await page.goto(sandbox.url);
      await page.waitForSelector("body[data-ready=true]");
      expect(await card("shop v3 · shop-").textContent()).toContain("Succeeded");
      expect(await card("shop v2 · shop-").textContent()).toContain("Succeeded");
    },
    STORY_TIMEOUT_MS,
  );

  it(
    "runs the naive path on the same fleet: its errors show next to the phased run's zero",
    async () => {
      await page.click("#story-naive");
      await expect
        .poll(
          async () => Number(await page.locator(".chapter[data-chapter=naive]").getAttribute("data-errors")),
          {
            timeout: 120_000,
            interval: 500,
          },
        )
        .toBeGreaterThan(0);
      expect(await page.locator(".chapter[data-chapter=phased]").getAttribute("data-errors")).toBe("0");
      expect(await page.locator(".chapter[data-chapter=naive]").textContent()).toMatch(/first: \w+Error/);

      // Reset: back to v1 on 0001, a new phased chapter, the earlier ones kept.
      await expect
        .poll(() => page.locator(".activity").textContent(), { timeout: 120_000 })
        .toContain("naive path done");
      await page.click("#story-reset");
      await expect
        .poll(() => page.locator(".chapter[data-live=true]").getAttribute("data-chapter"), {
          timeout: 120_000,
        })
        .toBe("phased");
      expect(await page.locator(".chapter").count()).toBe(3);
      await expect
        .poll(() => page.locator(".slots .version").allTextContents(), { timeout: 60_000 })
        .toEqual(["v1", "v1"]);
    },
    STORY_TIMEOUT_MS,
  );

  it("shows what it cannot draw as JSON, never dropping it", async () => {
    await sandbox.bot.app.client.chat.postMessage({
      token: SANDBOX_BOT_TOKEN,
      channel: "C0SHOP",
      text: "a menu",
      blocks: [
        {
          type: "section",
          text: { type: "mrkdwn", text: "*Pick one*" },
          accessory: {
            type: "overflow",
            action_id: "menu",
            options: [{ text: { type: "plain_text", text: "First" }, value: "1" }],
          },
        },
      ],
    });
    const unrendered = page.locator(".message", { hasText: "Pick one" }).locator(".unrendered");
    await unrendered.waitFor();
    expect(await unrendered.textContent()).toContain('"type": "overflow"');
  });

  it("draws an ended analysis step's warning whole under the step, as text", async () => {
    const run = passedWithWarning();
    expect(run.status).toBe("awaiting-approval");
    await sandbox.bot.app.client.chat.postMessage({
      token: SANDBOX_BOT_TOKEN,
      channel: STORY_CHANNEL,
      ...statusCard(run),
    });
    const step = card("shop v42 · shop-1").locator(".block.section", { hasText: "Analyse the metrics" });
    await step.waitFor();
    // biome-ignore lint/performance/useDomNodeTextContent: the lines as drawn (the page breaks them with <br>)
    const lines = (await step.locator(".section-text").innerText()).split("\n");
    expect(lines.slice(1)).toEqual([
      "✅ done in 1.0 s: analysis passed: every query passed for 0 s: errorRate = 0.001 (passes: must be < 0.01)",
      `⚠️ Prometheus warned about errorRate: ${WARNING}`,
    ]);
    expect(await step.locator(".mention").count()).toBe(0);
  });
});
