import os from "node:os";
import type { Page } from "playwright-core";
import type { Run } from "../src/domain/run/run.js";
import { startSandbox } from "../src/sandbox/sandbox.js";
import { logger } from "../src/telemetry/pino-logger.js";
import { launchBrowser } from "../testkit/browser.js";
import { sourcePageModules } from "../testkit/page-modules.js";
import { redisUrl } from "../testkit/redis.js";
import { benchSetup } from "./engine-setup.js";
import { type Figure, percentile } from "./figure.js";
import { generateIntrospection } from "./generate-introspection.js";

const LOADS = 30;
const RUNS = 8;
const FIRST_RENDER_GOAL_MS = 500;
const CARD_GOAL_MS = 1000;

/** Nine expand migrations (the generator's last one, a contract, left out): runs end without an approval. */
function expandOnly() {
  const introspection = generateIntrospection(1, 10);
  return { ...introspection, pending: introspection.pending.slice(0, -1) };
}

/**
 * In the page: the first time each card showed each step started (running, waiting or later) and finished, by
 * "<run>:<step>:<state>", epoch milliseconds.
 */
const OBSERVE = `(() => {
  window.seen = {};
  const scan = () => {
    const now = Date.now();
    for (const card of document.querySelectorAll("#messages .message")) {
      const run = card.querySelector(".block.header")?.textContent?.split("·")[1]?.trim();
      if (!run) continue;
      for (const section of card.querySelectorAll(".block.section .section-text")) {
        const text = section.textContent ?? "";
        const step = /^(\\d+)\\. /.exec(text)?.[1];
        if (!step) continue;
        const finished = /done|approved/.test(text);
        if (finished || /running|waiting|awaiting/.test(text)) window.seen[run + ":" + step + ":started"] ??= now;
        if (finished) window.seen[run + ":" + step + ":finished"] ??= now;
      }
    }
  };
  new MutationObserver(scan).observe(document.getElementById("messages"), { childList: true, subtree: true });
})()`;

/** Milliseconds from each step's start and end (the run's own times) to the page showing it. */
function cardLatencies(run: Run, seen: Record<string, number>): number[] {
  return run.steps.flatMap((state) => {
    const key = `${run.id}:${state.index + 1}`;
    return [
      [state.startedAt, seen[`${key}:started`]],
      [state.finishedAt, seen[`${key}:finished`]],
    ].flatMap(([at, shown]) =>
      typeof at === "string" && typeof shown === "number" ? [shown - Date.parse(at)] : [],
    );
  });
}

/** The run of this release (run ids carry a generation: found by version), once it ended and its card caught up. */
async function waitForEnd(page: Page, latest: () => Promise<Run | undefined>, version: string): Promise<Run> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const found = await latest();
    const run = found?.version === version ? found : undefined;
    if (run && ["succeeded", "failed", "cancelled", "rejected"].includes(run.status)) {
      await page.waitForTimeout(1500);
      return run;
    }
    if (Date.now() > deadline) throw new Error(`the run of ${version} did not end: ${run?.status}`);
    await page.waitForTimeout(100);
  }
}

/**
 * The sandbox page in headless Chromium against the real bot and worker (migrations and rollouts are `true`, the
 * introspection canned, so phasegate's and the page's costs are what is measured): page load to the first render
 * of the channel, and a run's step changing to the card showing it, typed in the page as a user would.
 */
export async function sandboxPageBenchmark(): Promise<Figure[]> {
  const setup = await benchSetup(1, () => ({ kind: "command", command: ["true"] }));
  logger.level = "warn";
  const sandbox = await startSandbox({
    host: "127.0.0.1",
    accessToken: null,
    port: 0,
    socketMode: false,
    servicesFile: setup.servicesFile,
    redisUrl,
    databaseUrl: "postgres://unused",
    replicas: 1,
    pauseMs: 0,
    slotPauseMs: 0,
    logger,
    pageModules: sourcePageModules,
    engine: { introspect: async () => expandOnly() },
  });
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await page.goto(sandbox.url);
    await page.waitForSelector("body[data-ready=true]");
    await page.evaluate(OBSERVE);
    const latest = async () =>
      (await sandbox.bot.engine.useCases.list({ service: "bench-0", limit: 1 })).at(0);
    const latencies: number[] = [];
    for (let i = 1; i <= RUNS; i++) {
      await page.fill("#composer-input", `/migrate start bench-0 v${i}`);
      await page.press("#composer-input", "Enter");
      const run = await waitForEnd(page, latest, `v${i}`);
      latencies.push(
        ...cardLatencies(
          run,
          await page.evaluate(() => (window as unknown as { seen: Record<string, number> }).seen),
        ),
      );
    }
    const loads: number[] = [];
    for (let i = 0; i < LOADS; i++) {
      const fresh = await browser.context.newPage();
      await fresh.goto(sandbox.url);
      await fresh.waitForSelector("body[data-ready=true]");
      loads.push(Number(await fresh.getAttribute("body", "data-ready-ms")));
      await fresh.close();
    }
    const load = `load average ${os.loadavg()[0]?.toFixed(1)} on ${os.cpus().length} cores`;
    const renderDetail = `${LOADS} loads of a channel holding ${RUNS} runs' cards and threads, headless Chromium; ${load}`;
    const cardDetail = `${latencies.length} step changes of ${RUNS} runs typed in the page (HTTP mode); ${load}`;
    return [
      {
        name: "page load → first render, p50",
        value: percentile(loads, 50),
        unit: "ms",
        detail: renderDetail,
      },
      {
        name: "page load → first render, p99",
        value: percentile(loads, 99),
        unit: "ms",
        goal: FIRST_RENDER_GOAL_MS,
        detail: renderDetail,
      },
      {
        name: "step change → card updated in the page, p50",
        value: percentile(latencies, 50),
        unit: "ms",
        detail: cardDetail,
      },
      {
        name: "step change → card updated in the page, p99",
        value: percentile(latencies, 99),
        unit: "ms",
        goal: CARD_GOAL_MS,
        detail: cardDetail,
      },
    ];
  } finally {
    await browser.close();
    await sandbox.stop();
    await setup.close();
  }
}
