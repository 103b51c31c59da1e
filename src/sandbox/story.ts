import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type ControlServer, startControlServer } from "../fleet/control-server.js";
import { requestsOf } from "../fleet/counter-totals.js";
import { Fleet } from "../fleet/fleet.js";
import { checkOut, type Release } from "../fleet/release-checkout.js";
import type { ReplicaCounters } from "../fleet/replica-counters.js";
import { migrate } from "../fleet/shop-database.js";
import { freePorts } from "../net/free-ports.js";
import type { Logger } from "../ports/logger.js";
import { type HeldLock, holdTableLock } from "./held-lock.js";
import { STORY_PEOPLE } from "./people.js";
import { createDatabase, dropDatabase } from "./postgres.js";
import { SandboxError } from "./sandbox-error.js";

export const STORY_SERVICE = "shop";
export const STORY_CHANNEL = "C0SHOP";

/** Each release of the shop as its pipeline checks it out: v1 ships 0001, v2 adds 0002 (expand), v3 adds 0003. */
const RELEASES: Release[] = [
  {
    version: "v1",
    withoutMigrations: [
      "catalog/migrations/0002_product_is_active.py",
      "catalog/migrations/0003_remove_product_is_enabled.py",
    ],
  },
  { version: "v2", withoutMigrations: ["catalog/migrations/0003_remove_product_is_enabled.py"] },
  { version: "v3", withoutMigrations: [] },
];

/** The table the "hold a lock" button locks: the one the contract (0003) drops a column of. */
const LOCKED_TABLE = "catalog_product";

/**
 * The shop's analysis gate: with Prometheus, the share of the new version's requests that failed over the last 10 s
 * must stay under 1 % for 10 s; without, a soak of 10 s.
 */
const SOAK_SECONDS = 10;
const ERROR_RATE =
  'sum(rate(shop_errors_total{version="{version}"}[10s])) / sum(rate(shop_requests_total{version="{version}"}[10s]))';

function analysisOf(prometheusUrl: string | null): Record<string, unknown> {
  if (!prometheusUrl) return { minimumSoakSeconds: SOAK_SECONDS, intervalSeconds: 2 };
  return {
    prometheus: { url: prometheusUrl },
    queries: [{ name: "errorRate", query: ERROR_RATE, threshold: "< 0.01" }],
    minimumSoakSeconds: SOAK_SECONDS,
    intervalSeconds: 2,
    consecutiveFailures: 2,
    timeoutSeconds: 300,
  };
}

/** How long the naive path lets the old code run before and after it changes the schema. */
const NAIVE_SETTLE_MS = 2000;

export interface StoryOptions {
  python: string;
  /** The PostgreSQL server (DATABASE_URL) the story creates its database on. */
  serverUrl: string;
  shopDir: string;
  replicas: number;
  pauseMs: number;
  slotPauseMs: number;
  logger: Logger;
}

/** Requests and errors the fleet served in one chapter of the story (the phased path, or the naive one). */
export interface ChapterTotals {
  label: "phased" | "naive";
  requests: number;
  errors: number;
  firstError: string | null;
  live: boolean;
}

/** What the page's side panel shows. */
export interface FleetPanel {
  activity: string | null;
  slots: Array<{ slot: number; version: string | null; requests: number; errors: number }>;
  chapters: ChapterTotals[];
}

function totalsOf(label: ChapterTotals["label"], counters: ReplicaCounters[], live: boolean): ChapterTotals {
  const sums = counters.map(requestsOf);
  const first = counters.flatMap((c) => c.errors).sort((a, b) => a.firstAt - b.firstAt)[0];
  return {
    label,
    requests: sums.reduce((sum, s) => sum + s.requests, 0),
    errors: sums.reduce((sum, s) => sum + s.errors, 0),
    firstError: first?.text ?? null,
    live,
  };
}

/**
 * The built-in story: examples/shop on a PostgreSQL database of its own, each release checked out in its own
 * directory, a fleet of real replicas serving ORM traffic, rolled one slot at a time by the deploy hook. It starts at
 * v1 on 0001; a reset goes back there; the naive path migrates everything, then deploys, on the same fleet.
 */
export class Story {
  private fleet: Fleet;
  private label: ChapterTotals["label"] = "phased";
  private readonly finished: ChapterTotals[] = [];
  private activity: string | null = null;
  private busy = false;
  /** The next deploy fails (the page's "Break the next deploy"), so a failed card's Retry can be tried. */
  private breakDeploy = false;
  private control: ControlServer | null = null;
  private held: HeldLock | null = null;

  private constructor(
    private readonly options: StoryOptions,
    private readonly dir: string,
    private readonly database: { name: string; url: string },
    private readonly ports: number[],
  ) {
    this.fleet = this.newFleet();
  }

  static async open(options: StoryOptions): Promise<Story> {
    const dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-sandbox-"));
    const name = `phasegate_sandbox_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
    const url = await createDatabase(options.serverUrl, name);
    options.logger.info({ database: name }, "story database created (dropped when the sandbox stops)");
    const story = new Story(options, dir, { name, url }, await freePorts(options.replicas));
    try {
      for (const release of RELEASES)
        await checkOut(options.shopDir, story.releaseDir(release.version), release);
      story.control = await startControlServer({ requestRollout: (v) => story.deployRequested(v) });
      await story.begin();
    } catch (error) {
      await story.close();
      throw error;
    }
    return story;
  }

  /** What the story is doing right now (a reset, the naive path), null when it waits for the page. */
  get busyWith(): string | null {
    return this.busy ? this.activity : null;
  }

  /** The database's URL (the replicas', the migrations'). */
  get databaseUrl(): string {
    return this.database.url;
  }

  /** Where Prometheus scrapes the replicas: one `host:port` per slot, the same across resets. */
  metricsTargets(): string[] {
    return this.fleet.metricsTargets();
  }

  /**
   * The shop's entry in the services file, as a team would write it for this fleet; its analysis asks the
   * Prometheus scraping the fleet, when there is one.
   */
  service(prometheusUrl: string | null): Record<string, unknown> {
    const { python, shopDir } = this.options;
    return {
      project: {
        path: path.join(this.dir, "releases", "{version}"),
        python: [python],
        env: { DATABASE_URL: this.database.url },
      },
      executor: { kind: "local" },
      deployer: {
        kind: "command",
        command: [python, "-m", "traffic.request_deploy", this.control?.url ?? "", "{version}"],
        cwd: shopDir,
      },
      rollout: {
        kind: "http",
        urls: this.fleet.versionUrls(),
        pollIntervalSeconds: 1,
        maxPollIntervalSeconds: 1,
        deadlineSeconds: 600,
      },
      slack: { channel: STORY_CHANNEL },
      // The "hold a lock" session shows as idle in transaction after a few seconds; a blocked contract re-checks often.
      liveFacts: { idleInTransactionSeconds: 5, recheckSeconds: 2 },
      analysis: analysisOf(prometheusUrl),
      access: {
        starters: [STORY_PEOPLE.requester.id, STORY_PEOPLE.approver.id, STORY_PEOPLE.admin.id],
        approvers: {
          users: [STORY_PEOPLE.requester.id, STORY_PEOPLE.approver.id, STORY_PEOPLE.admin.id],
        },
        admins: { users: [STORY_PEOPLE.admin.id] },
        fourEyes: true,
      },
    };
  }

  async panel(): Promise<FleetPanel> {
    const { slots, stopped } = await this.fleet.snapshot();
    const live = slots.flatMap((s) => (s.counters ? [s.counters] : []));
    const lock = this.held
      ? `a psql session (pid ${this.held.pid}) holds ACCESS SHARE on ${LOCKED_TABLE}, idle in transaction: the gate names it and the contract waits for it`
      : null;
    return {
      activity: [this.activity, lock].filter(Boolean).join(" · ") || null,
      slots: slots.map((s) => ({
        slot: s.slot,
        version: s.version,
        ...(s.counters ? requestsOf(s.counters) : { requests: 0, errors: 0 }),
      })),
      chapters: [...this.finished, totalsOf(this.label, [...stopped, ...live], true)],
    };
  }

  /** Back to the start: v1 everywhere, the database at 0001, a new chapter of the phased path. */
  async reset(): Promise<void> {
    await this.exclusive("resetting the story", () => this.restart("phased"));
    this.activity = null;
  }

  /** The naive path on the same fleet: from the start, every migration first, then the rolling deploy to v3. */
  async naive(): Promise<void> {
    await this.exclusive("naive path: back to v1 on 0001", async () => {
      await this.restart("naive");
      await sleep(NAIVE_SETTLE_MS);
      this.activity = "naive path: migrating 0002 and 0003 first, under the running v1 replicas";
      await migrate(this.db("v3"), ["catalog"]);
      this.activity = "naive path: rolling the replicas v1 → v3";
      this.fleet.requestRollout("v3");
      await this.fleet.rolledOut();
      await sleep(NAIVE_SETTLE_MS);
    });
    this.activity = "naive path done: the old code failed while the schema ran ahead of it";
  }

  /** Starts the session idle in transaction on the shop's table, or ends it; whether one holds it now. */
  async toggleLock(): Promise<boolean> {
    if (this.held) {
      await this.releaseLock();
      return false;
    }
    this.held = await holdTableLock(this.database.url, LOCKED_TABLE);
    return true;
  }

  private async releaseLock(): Promise<void> {
    const held = this.held;
    this.held = null;
    await held?.release();
  }

  /** v3 is broken from now on (until a reset): its replicas fail requests, and the analysis of a v3 run fails. */
  async breakV3(): Promise<void> {
    await this.fleet.breakVersion("v3");
    this.activity = "v3 is broken: its replicas fail some requests (a reset mends it)";
  }

  /** The next deploy request fails as a platform would refuse it; the one after (a retry) goes through. */
  breakNextDeploy(): void {
    this.breakDeploy = true;
  }

  private deployRequested(version: string): string {
    if (!this.breakDeploy) return this.fleet.requestRollout(version);
    this.breakDeploy = false;
    throw new Error(
      `the image registry did not answer for ${version} (the sandbox broke this deploy on purpose): retry the run`,
    );
  }

  async close(): Promise<void> {
    await this.releaseLock();
    this.fleet.kill();
    await this.control?.close();
    await dropDatabase(this.options.serverUrl, this.database.name).catch((error: Error) =>
      this.options.logger.warn(
        { err: error, database: this.database.name },
        "could not drop the story's database",
      ),
    );
    await rm(this.dir, { recursive: true, force: true });
  }

  private releaseDir(version: string): string {
    return path.join(this.dir, "releases", version);
  }

  private db(version: string) {
    return {
      python: this.options.python,
      projectDir: this.releaseDir(version),
      databaseUrl: this.database.url,
    };
  }

  private newFleet(): Fleet {
    const { python, shopDir, pauseMs, slotPauseMs, logger } = this.options;
    return new Fleet({
      replica: { python, shopDir, databaseUrl: this.database.url, pauseMs },
      ports: this.ports,
      slotPauseMs,
      logger,
    });
  }

  private async begin(): Promise<void> {
    await migrate(this.db("v1"), ["catalog", "0001"]);
    await this.fleet.start("v1");
  }

  private async restart(label: ChapterTotals["label"]): Promise<void> {
    await this.releaseLock();
    const counters = await this.fleet.stop();
    this.finished.push(totalsOf(this.label, counters, false));
    this.label = label;
    this.fleet = this.newFleet();
    await dropDatabase(this.options.serverUrl, this.database.name);
    await createDatabase(this.options.serverUrl, this.database.name);
    await this.begin();
  }

  private async exclusive(activity: string, work: () => Promise<void>): Promise<void> {
    if (this.busy) throw new SandboxError(`the story is busy (${this.activity}); try again when it is done`);
    this.busy = true;
    this.activity = activity;
    try {
      await work();
    } catch (error) {
      this.activity = `${activity} failed: ${(error as Error).message}`;
      throw error;
    } finally {
      this.busy = false;
    }
  }
}
