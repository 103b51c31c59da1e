import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { introspectionHelperPath } from "../src/django/helper.js";
import { planRelease } from "../src/domain/plan/planner.js";
import { createTestDatabase } from "../testkit/postgres.js";
import { type DjangoVersion, djangoPython } from "../testkit/python.js";
import type { Figure } from "./figure.js";
import { generateDjangoProject } from "./generate-django-project.js";
import { generateIntrospection } from "./generate-introspection.js";
import { buildCli } from "./plan-cli.js";

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** User + system seconds of the children, from the second line of `times` ("0m2.81s 0m0.13s"). */
function childCpuSeconds(times: string): string {
  const [, userMin, userSec, sysMin, sysSec] =
    times
      .trim()
      .split("\n")
      .at(-1)
      ?.match(/(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/) ?? [];
  if (userSec === undefined || sysSec === undefined) return "unknown";
  return (Number(userMin) * 60 + Number(userSec) + Number(sysMin) * 60 + Number(sysSec)).toFixed(2);
}

function classifyAndPlan(): Figure {
  const introspection = generateIntrospection(10, 100);
  for (let i = 0; i < 5; i++) planRelease(introspection);
  const times: number[] = [];
  for (let i = 0; i < 30; i++) {
    const start = performance.now();
    const result = planRelease(introspection);
    times.push(performance.now() - start);
    if (!result.ok) throw new Error("the generated migrations should plan");
  }
  return {
    name: "classify + plan 1,000 pending migrations (median of 30)",
    value: median(times),
    unit: "ms",
    goal: 50,
  };
}

interface TimedRun {
  seconds: number;
  cpu: string;
  stdout: string;
}

/** Runs argv with its stdout in a file; POSIX `times` then prints the CPU the children used (what to compare on a shared machine). */
async function timed(argv: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<TimedRun> {
  const output = path.join(os.tmpdir(), `phasegate-bench-${process.pid}.json`);
  const start = performance.now();
  const { stdout: times } = await run("sh", ["-c", '"$@" > "$0"; times', output, ...argv], { cwd, env });
  const seconds = (performance.now() - start) / 1000;
  const stdout = await readFile(output, "utf8");
  await rm(output, { force: true });
  return { seconds, cpu: childCpuSeconds(times), stdout };
}

/**
 * The run of median wall time of `runs` runs: the first run of a generated project also compiles its migrations'
 * .pyc files, which every later run (and Django's own plan after it) finds ready.
 */
async function medianRun(
  runs: number,
  argv: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<TimedRun> {
  const measured: TimedRun[] = [];
  for (let i = 0; i < runs; i++) measured.push(await timed(argv, cwd, env));
  const sorted = measured.sort((a, b) => a.seconds - b.seconds);
  const middle = sorted[Math.floor(runs / 2)];
  if (!middle) throw new Error("no run measured");
  return middle;
}

/** Runs of each command per figure: a single run of a second or two moves by a third between runs here. */
const LARGE_RUNS = 3;
const SMALL_RUNS = 7;

type Cli = Awaited<ReturnType<typeof buildCli>>;

async function endToEnd(vendor: "postgresql" | "sqlite", cli: Cli, django: DjangoVersion): Promise<Figure[]> {
  const python = djangoPython(django);
  if (!python) throw new Error(`no Django ${django} on this machine: run scripts/bootstrap.sh`);
  const dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-bench-"));
  const db = vendor === "postgresql" ? createTestDatabase("bench") : null;
  try {
    await generateDjangoProject(dir, 10, 100);
    const env = { ...process.env, LOG_LEVEL: "silent", ...(db ? { BENCH_PG_NAME: db.name } : {}) };
    const plan = await medianRun(
      LARGE_RUNS,
      [...cli.argv, "plan", "--project", dir, "--python", python, "--json"],
      root,
      env,
    );
    const body = JSON.parse(plan.stdout) as {
      ok: boolean;
      vendor: string;
      django: string;
      plan: { migrations: unknown[] } | null;
      refusals: { message: string }[];
    };
    if (!body.ok || body.plan?.migrations.length !== 1000 || body.vendor !== vendor) {
      const why = body.refusals?.[0]?.message ?? JSON.stringify(body).slice(0, 300);
      throw new Error(`the generated project should plan 1,000 migrations on ${vendor}: ${why}`);
    }
    if (!body.django.startsWith(`${django}.`))
      throw new Error(`planned with Django ${body.django}, not ${django}`);
    const helper = await medianRun(LARGE_RUNS, [python, introspectionHelperPath()], dir, env);
    const djangoPlan = await medianRun(LARGE_RUNS, [python, "manage.py", "migrate", "--plan"], dir, env);
    const [load = 0] = os.loadavg();
    return [
      {
        name: `phasegate plan on a Django project with 1,000 pending migrations (${vendor}, Django ${body.django}, median of ${LARGE_RUNS})`,
        value: plan.seconds,
        unit: "s",
        goal: vendor === "postgresql" ? 1.5 : undefined,
        detail: `CPU ${plan.cpu} s, of which the Django helper alone ${helper.cpu} s (${helper.seconds.toFixed(2)} s wall); ${cli.how}, load average ${load.toFixed(1)} on ${os.cpus().length} cores`,
      },
      {
        name: `  the same project: manage.py migrate --plan (anchor); phasegate plan is`,
        value: plan.seconds / djangoPlan.seconds,
        unit: "×",
        detail: `Django's own plan ${djangoPlan.seconds.toFixed(2)} s (CPU ${djangoPlan.cpu} s)`,
      },
    ];
  } finally {
    db?.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Most releases bring a few migrations to a project with many: 997 of 1,000 applied, 3 pending. */
async function smallRelease(cli: Cli, django: DjangoVersion): Promise<Figure[]> {
  const python = djangoPython(django);
  if (!python) throw new Error(`no Django ${django} on this machine: run scripts/bootstrap.sh`);
  const dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-bench-"));
  const db = createTestDatabase("bench");
  try {
    await generateDjangoProject(dir, 10, 100);
    const env = { ...process.env, LOG_LEVEL: "silent", BENCH_PG_NAME: db.name };
    await run(python, ["manage.py", "migrate", "--fake"], { cwd: dir, env });
    for (const app of ["app7", "app8", "app9"])
      await run(python, ["manage.py", "migrate", app, "0099_step", "--fake"], { cwd: dir, env });
    const plan = await medianRun(
      SMALL_RUNS,
      [...cli.argv, "plan", "--project", dir, "--python", python, "--json"],
      root,
      env,
    );
    const pending = (JSON.parse(plan.stdout) as { plan: { migrations: unknown[] } | null }).plan?.migrations
      .length;
    if (pending !== 3) throw new Error(`the release should plan 3 migrations, not ${pending}`);
    const anchor = await medianRun(SMALL_RUNS, [python, "manage.py", "migrate", "--plan"], dir, env);
    const nodeStart = await medianRun(SMALL_RUNS, [process.execPath, "-e", "0"], dir, env);
    const [load = 0] = os.loadavg();
    const detail = `Django ${django} on PostgreSQL; CPU ${plan.cpu} s against Django's ${anchor.cpu} s; load average ${load.toFixed(1)} on ${os.cpus().length} cores`;
    return [
      {
        name: `phasegate plan, 3 pending migrations in a project of 1,000 (median of ${SMALL_RUNS})`,
        value: plan.seconds,
        unit: "s",
        detail,
      },
      {
        name: "  manage.py migrate --plan, the same release (anchor)",
        value: anchor.seconds,
        unit: "s",
      },
      {
        name: "  phasegate plan minus Django's own plan",
        value: plan.seconds - anchor.seconds,
        unit: "s",
        goal: 0.2,
      },
      {
        name: "  of that, Node's own start (node -e 0, floor)",
        value: nodeStart.seconds,
        unit: "s",
        detail: `the same environment${process.env.NODE_EXTRA_CA_CERTS ? " (NODE_EXTRA_CA_CERTS is set: Node reads that file as it starts)" : ""}`,
      },
    ];
  } finally {
    db.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function planBenchmark(): Promise<Figure[]> {
  const cli = await buildCli(root);
  return [
    classifyAndPlan(),
    ...(await endToEnd("postgresql", cli, "3.2")),
    ...(await endToEnd("sqlite", cli, "3.2")),
    ...(await endToEnd("postgresql", cli, "5.2")),
    ...(await smallRelease(cli, "3.2")),
  ];
}
