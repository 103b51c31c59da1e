import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { planRelease } from "../src/domain/planner.js";
import { generateDjangoProject } from "./generate-django-project.js";
import { generateIntrospection } from "./generate-introspection.js";
import type { Figure } from "./index.js";

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
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

/** The built CLI when `npm run build` has run, otherwise the TypeScript sources through tsx. */
function cliCommand(): { argv: string[]; how: string } {
  const built = path.join(root, "dist", "src", "cli", "main.js");
  if (existsSync(built)) return { argv: [process.execPath, built], how: "built CLI" };
  return {
    argv: [process.execPath, "--import", "tsx", path.join(root, "src", "cli", "main.ts")],
    how: "tsx",
  };
}

async function endToEnd(): Promise<Figure> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-bench-"));
  try {
    await generateDjangoProject(dir, 10, 100);
    const [command = "", ...args] = cliCommand().argv;
    const start = performance.now();
    const { stdout } = await run(command, [...args, "plan", "--project", dir, "--json"], {
      maxBuffer: 256 * 1024 * 1024,
    });
    const seconds = (performance.now() - start) / 1000;
    const body = JSON.parse(stdout) as { ok: boolean; plan: { migrations: unknown[] } | null };
    if (!body.ok || body.plan?.migrations.length !== 1000)
      throw new Error("the generated project should plan 1,000 migrations");
    return {
      name: "phasegate plan on a Django project with 1,000 pending migrations (SQLite)",
      value: seconds,
      unit: "s",
      goal: 3,
      detail: cliCommand().how,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function planBenchmark(): Promise<Figure[]> {
  return [classifyAndPlan(), await endToEnd()];
}
